"""Texts of the checks of content files (Q&As, guidance, objects, the partner network):
`knowledge/problems.py` records the keys, the command line says them."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    # Places in a file, used inside the sentences below.
    "content.where_line": {"nl": "regel {number}", "en": "line {number}"},
    "content.where_item": {"nl": "item {number}", "en": "item {number}"},
    "content.where_object": {"nl": "object {number}", "en": "object {number}"},
    "content.where_feature": {"nl": "feature {number}", "en": "feature {number}"},
    "content.where_front_matter": {"nl": "front matter", "en": "front matter"},
    "content.field_error": {"nl": "{field}: {error}", "en": "{field}: {error}"},
    # pydantic's common checks (knowledge/problems.py PYDANTIC_CHECKS); English as
    # pydantic words it.
    "content.check_missing": {"nl": "verplicht veld ontbreekt", "en": "Field required"},
    "content.check_extra_forbidden": {
        "nl": "onbekend veld",
        "en": "Extra inputs are not permitted",
    },
    "content.check_string_type": {"nl": "moet tekst zijn", "en": "Input should be a valid string"},
    "content.check_string_too_short": {
        "nl": "moet minstens {min_length} teken(s) hebben",
        "en": "String should have at least {min_length} characters",
    },
    "content.check_string_too_long": {
        "nl": "mag hoogstens {max_length} tekens hebben",
        "en": "String should have at most {max_length} characters",
    },
    "content.check_too_short": {
        "nl": "moet minstens {min_length} element(en) hebben",
        "en": "should have at least {min_length} item(s)",
    },
    "content.check_too_long": {
        "nl": "mag hoogstens {max_length} elementen hebben",
        "en": "should have at most {max_length} items",
    },
    "content.check_int_type": {
        "nl": "moet een geheel getal zijn",
        "en": "Input should be a valid integer",
    },
    "content.check_int_parsing": {
        "nl": "moet een geheel getal zijn",
        "en": "Input should be a valid integer",
    },
    "content.check_float_type": {
        "nl": "moet een getal zijn",
        "en": "Input should be a valid number",
    },
    "content.check_float_parsing": {
        "nl": "moet een getal zijn",
        "en": "Input should be a valid number",
    },
    "content.check_bool_type": {
        "nl": "moet ja of nee zijn (true of false)",
        "en": "Input should be a valid boolean",
    },
    "content.check_bool_parsing": {
        "nl": "moet ja of nee zijn (true of false)",
        "en": "Input should be a valid boolean",
    },
    "content.check_date_type": {
        "nl": "moet een datum zijn (JJJJ-MM-DD)",
        "en": "Input should be a valid date (YYYY-MM-DD)",
    },
    "content.check_date_parsing": {
        "nl": "moet een datum zijn (JJJJ-MM-DD)",
        "en": "Input should be a valid date (YYYY-MM-DD)",
    },
    "content.check_date_from_datetime_parsing": {
        "nl": "moet een datum zijn (JJJJ-MM-DD)",
        "en": "Input should be a valid date (YYYY-MM-DD)",
    },
    "content.check_date_from_datetime_inexact": {
        "nl": "moet een datum zonder tijd zijn (JJJJ-MM-DD)",
        "en": "should be a date without a time (YYYY-MM-DD)",
    },
    "content.check_list_type": {"nl": "moet een lijst zijn", "en": "Input should be a valid list"},
    "content.check_dict_type": {
        "nl": "moet een lijst van naam: waarde zijn",
        "en": "Input should be a valid dictionary",
    },
    "content.check_literal_error": {
        "nl": "moet een van deze zijn: {expected}",
        "en": "Input should be one of: {expected}",
    },
    "content.check_greater_than": {
        "nl": "moet groter zijn dan {gt}",
        "en": "Input should be greater than {gt}",
    },
    "content.check_greater_than_equal": {
        "nl": "moet minstens {ge} zijn",
        "en": "Input should be greater than or equal to {ge}",
    },
    "content.check_less_than": {
        "nl": "moet kleiner zijn dan {lt}",
        "en": "Input should be less than {lt}",
    },
    "content.check_less_than_equal": {
        "nl": "mag hoogstens {le} zijn",
        "en": "Input should be less than or equal to {le}",
    },
    "content.invalid_item": {"nl": "{where} ({id}): {error}", "en": "{where} ({id}): {error}"},
    "content.too_large": {
        "nl": "bestand groter dan {megabytes} MB",
        "en": "file larger than {megabytes} MB",
    },
    "content.too_large_bytes": {
        "nl": "groter dan {limit} bytes",
        "en": "larger than {limit} bytes",
    },
    "content.unreadable": {"nl": "niet te lezen: {error}", "en": "cannot read: {error}"},
    "content.not_utf8": {"nl": "geen UTF-8-tekst", "en": "not UTF-8 text"},
    "content.not_mapping": {
        "nl": "{where}: geen verzameling velden",
        "en": "{where}: not a mapping of fields",
    },
    "content.marking_above_label": {
        "nl": "{where}: de tekst noemt TLP:{marked}, boven tlp: {label}; zet tlp: op het "
        "label dat bedoeld is",
        "en": "{where}: the text says TLP:{marked}, above tlp: {label}; set tlp: to the "
        "label that is meant",
    },
    "content.id_twice": {
        "nl": "{where}: id {id} komt twee keer voor",
        "en": "{where}: id {id} appears twice",
    },
    "content.not_json": {"nl": "{where}: geen JSON ({error})", "en": "{where}: not JSON ({error})"},
    "content.front_matter_yaml": {
        "nl": "front matter is geen geldige YAML: {error}",
        "en": "front matter is not valid YAML: {error}",
    },
    "content.not_valid": {
        "nl": "geen geldige {format}: {error}",
        "en": "not valid {format}: {error}",
    },
    "content.expected_qas": {
        "nl": "verwacht een lijst Q&A's (of een verzameling met 'qas:')",
        "en": "expected a list of Q&As (or a mapping with 'qas:')",
    },
    "content.bad_max_tlp": {
        "nl": "max_tlp {value} is geen TLP-label (clear, green, amber, amber+strict of red)",
        "en": "max_tlp {value} is not a TLP label (clear, green, amber, amber+strict or red)",
    },
    "content.expected_objects": {
        "nl": "verwacht een lijst objecten (of een verzameling met 'objects:')",
        "en": "expected a list of objects (or a mapping with 'objects:')",
    },
    "content.csv_header": {
        "nl": "een CSV-bestand heeft een kopregel nodig met minstens een kolom 'id'",
        "en": "a CSV file needs a header row with at least an 'id' column",
    },
    "content.csv_extra_values": {
        "nl": "{where}: meer waarden dan kolommen",
        "en": "{where}: more values than columns",
    },
    "content.geojson_features": {
        "nl": "een GeoJSON-bestand heeft een FeatureCollection met features nodig",
        "en": "a GeoJSON file needs a FeatureCollection with features",
    },
    "content.feature_no_properties": {
        "nl": "{where}: geen properties",
        "en": "{where}: no properties",
    },
    "content.feature_not_point": {
        "nl": "{where}: alleen Point-geometrieën zijn objecten",
        "en": "{where}: only Point geometries are objects",
    },
    "content.expected_network_mapping": {
        "nl": "verwacht een verzameling met 'dependencies:' of 'organisations:'",
        "en": "expected a mapping with 'dependencies:' or 'organisations:'",
    },
    "content.expected_network_kind": {
        "nl": "verwacht 'afhankelijkheden:'/'dependencies:' (een kaart) of "
        "'organisaties:'/'organisations:' (partners)",
        "en": "expected 'afhankelijkheden:'/'dependencies:' (a map) or "
        "'organisaties:'/'organisations:' (partners)",
    },
    "content.organisations_twice": {
        "nl": "organisatie(s) twee keer genoemd: {names}",
        "en": "organisation(s) listed twice: {names}",
    },
    # The imports as a whole (knowledge/object_service.py, knowledge/network_service.py).
    "content.no_object_files": {
        "nl": "geen objectbestanden gevonden (.csv, .yaml, .yml, .geojson, .json)",
        "en": "no object files found (.csv, .yaml, .yml, .geojson, .json)",
    },
    "content.no_network_files": {
        "nl": "geen netwerkbestanden gevonden (.yaml, .yml)",
        "en": "no network files found (.yaml, .yml)",
    },
    "content.id_also_in": {
        "nl": "{path}: id {id} staat ook in {other}",
        "en": "{path}: id {id} also in {other}",
    },
    "content.map_id_also_in": {
        "nl": "{path}: kaart-id {id} staat ook in {other}",
        "en": "{path}: map id {id} also in {other}",
    },
    "content.ids_of_other_owner": {
        "nl": "{owner}: id('s) van een andere eigenaar: {ids}",
        "en": "{owner}: id(s) held by another owner: {ids}",
    },
    "content.unknown_region": {
        "nl": "{where}: onbekende veiligheidsregio {name}",
        "en": "{where}: unknown safety region {name}",
    },
}
