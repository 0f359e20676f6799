"""Texts of the local console (`bot/console.py`) and the command line (`bot/cli/`)."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "console.banner": {
        "nl": "Knooppunt-console. Sluit een bericht af met een lege regel; Ctrl-D stopt.",
        "en": "Knooppunt console. End a message with an empty line; Ctrl-D quits.",
    },
    "console.demo_loaded": {
        "nl": "Voorbeeldcrisis geladen: incident {incident}, {added} nieuw(e) "
        "kennisitem(s), {bound} consolekamer(s) nieuw gekoppeld, {partners} partner(s) "
        "en {dependencies} afhankelijkheden uit het voorbeeldnetwerk.",
        "en": "Sample crisis loaded: incident {incident}, {added} new knowledge "
        "item(s), {bound} console room(s) newly bound, {partners} partner(s) "
        "and {dependencies} dependencies from the sample network.",
    },
    "console.retracting": {
        "nl": "(de bevestiging van {event} wordt ingetrokken)",
        "en": "(the confirmation of {event} is being retracted)",
    },
    "console.attachment": {
        "nl": "[bestand: {filename}, {size} bytes]",
        "en": "[file: {filename}, {size} bytes]",
    },
    "cli.migrated": {"nl": "de database is bijgewerkt", "en": "database is up to date"},
    "cli.check_ok": {
        "nl": "{path}: in orde, {count} {unit}",
        "en": "{path}: ok, {count} {unit}",
    },
    "cli.check_invalid": {
        "nl": "{path}: ONGELDIG, {count} {unit}",
        "en": "{path}: INVALID, {count} {unit}",
    },
    "cli.not_imported": {
        "nl": "{path}: NIET geïmporteerd ({count} probleem/problemen)",
        "en": "{path}: NOT imported ({count} problem(s))",
    },
    "cli.imported": {
        "nl": "{path}: {added} toegevoegd, {updated} bijgewerkt, {unchanged} ongewijzigd",
        "en": "{path}: {added} added, {updated} updated, {unchanged} unchanged",
    },
    "cli.qas_written": {
        "nl": "{count} Q&A('s) geschreven naar {target}",
        "en": "{count} Q&A(s) written to {target}",
    },
    "cli.knowledge_left_out": {
        "nl": "let op: {total} Q&A('s) en handreiking(en) weggelaten omdat hun label boven "
        "--max-tlp {ceiling} ligt: {labels}; gebruik --max-tlp {highest} om ze mee te nemen",
        "en": "warning: {total} Q&A(s) and guidance document(s) left out because their "
        "label is above --max-tlp {ceiling}: {labels}; use --max-tlp {highest} to include them",
    },
    "cli.search_left_out": {
        "nl": "let op: {total} treffer(s) weggelaten omdat hun label boven --max-tlp "
        "{ceiling} ligt: {labels}; gebruik --max-tlp {highest} om ze mee te nemen",
        "en": "warning: {total} hit(s) left out because their label is above --max-tlp "
        "{ceiling}: {labels}; use --max-tlp {highest} to include them",
    },
    "cli.contacts_left_out": {
        "nl": "let op: {total} contactlijn(en) weggelaten omdat hun label boven --max-tlp "
        "{ceiling} ligt: {labels}; het bestand zegt max_tlp: {ceiling}, dus een import "
        "behoudt ze; gebruik --max-tlp {highest} om ze mee te nemen",
        "en": "warning: {total} contact line(s) left out because their label is above "
        "--max-tlp {ceiling}: {labels}; the file says max_tlp: {ceiling}, so an import "
        "keeps them; use --max-tlp {highest} to include them",
    },
    "cli.objects_left_out": {
        "nl": "let op: {total} object(en) weggelaten omdat hun label boven --max-tlp "
        "{ceiling} ligt: {labels}; de bestanden zeggen max_tlp: {ceiling}, dus een import "
        "behoudt ze; gebruik --max-tlp {highest} om ze mee te nemen",
        "en": "warning: {total} object(s) left out because their label is above "
        "--max-tlp {ceiling}: {labels}; the files say max_tlp: {ceiling}, so an import "
        "keeps them; use --max-tlp {highest} to include them",
    },
    "cli.search_confident": {
        "nl": "zeker: {query}",
        "en": "confident: {query}",
    },
    "cli.search_not_confident": {
        "nl": "niet zeker: {query}",
        "en": "not confident: {query}",
    },
    "cli.no_object_files": {
        "nl": "{path}: geen objectbestanden (.csv, .yaml, .yml, .geojson, .json)",
        "en": "{path}: no object files (.csv, .yaml, .yml, .geojson, .json)",
    },
    "cli.invalid_file": {
        "nl": "{path}: ONGELDIG ({count} probleem/problemen)",
        "en": "{path}: INVALID ({count} problem(s))",
    },
    "cli.nothing_imported": {
        "nl": "niets geïmporteerd",
        "en": "nothing imported",
    },
    "cli.no_network_files": {
        "nl": "{path}: geen netwerkbestanden (.yaml, .yml)",
        "en": "{path}: no network files (.yaml, .yml)",
    },
    "cli.map_lines": {
        "nl": "kaart {map}: {count} regel(s) (was {before})",
        "en": "map {map}: {count} line(s) (was {before})",
    },
    "cli.partners_updated": {
        "nl": "{count} organisatie(s) bijgewerkt",
        "en": "{count} organisation(s) updated",
    },
    "cli.contacts_kept": {
        "nl": "{name}: {count} contactlijn(en) boven {ceiling} behouden (het bestand hield ze niet)",
        "en": "{name}: {count} contact line(s) above {ceiling} kept (the file did not hold them)",
    },
    "cli.objects_kept": {
        "nl": "{owner}: {count} object(en) boven {ceiling} behouden (het bestand hield ze niet)",
        "en": "{owner}: {count} object(s) above {ceiling} kept (the file did not hold them)",
    },
    "cli.map_written": {
        "nl": "kaart {map}: {count} regel(s)",
        "en": "map {map}: {count} line(s)",
    },
    "cli.partners_written": {
        "nl": "{count} organisatie(s) geschreven naar {target}",
        "en": "{count} organisation(s) written to {target}",
    },
    "cli.owner_objects": {
        "nl": "{owner}: {after} object(en) (was {before})",
        "en": "{owner}: {after} object(s) (was {before})",
    },
    "cli.owner_written": {
        "nl": "{owner}: {count} object(en)",
        "en": "{owner}: {count} object(s)",
    },
    "cli.objects_written": {
        "nl": "{count} object(en) geschreven naar {target}",
        "en": "{count} object(s) written to {target}",
    },
}
