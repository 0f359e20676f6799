"""Entries out as CSV, JSON and OASIS EDXL-SitRep 1.0 XML.

JSON is the lossless format (it reads back into the same entries); CSV is for
spreadsheets: the Dutch form (`;` separator, Dutch headers and values, Amsterdam
times, decimal commas) opens as columns in a Dutch spreadsheet, the international
form (`csv-en`: `,`, English, UTC ISO times) is for everything else; EDXL-SitRep is for interchange with other emergency systems:
one `sitRep` (a FieldObservation report) per entry, in one document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from storage import bounds, tlp
from storage.models import EntryFigure, RecordItem, SituationEntry
from storage.timezone import AMSTERDAM
from storage.vocabulary import Category, Severity, Status

FIELDS = [
    "code",
    "id",
    "incident",
    "category",
    "organisation",
    "reporter",
    "room_id",
    "source_event_id",
    "observed_at",
    "recorded_at",
    "updated_at",
    "municipality",
    "region",
    "location",
    "severity",
    "status",
    "source",
    "sector",
    "text",
    "tlp",
    "revision",
    "supersedes",
    "retracted_at",
]
_TIMES = {"observed_at", "recorded_at", "updated_at", "retracted_at"}
# The Dutch CSV's column names, in FIELDS order, then the figures.
HEADERS_NL = {
    "code": "code",
    "id": "id",
    "incident": "incident",
    "category": "categorie",
    "organisation": "organisatie",
    "reporter": "melder",
    "room_id": "kamer",
    "source_event_id": "bronbericht",
    "observed_at": "waargenomen",
    "recorded_at": "vastgelegd",
    "updated_at": "bijgewerkt",
    "municipality": "gemeente",
    "region": "veiligheidsregio",
    "location": "locatie",
    "severity": "ernst",
    "status": "status",
    "source": "bron",
    "sector": "sector",
    "text": "tekst",
    "tlp": "tlp",
    "revision": "revisie",
    "supersedes": "vervangt",
    "retracted_at": "ingetrokken",
    "figures": "cijfers",
}

# Assessments, decisions and actions (issue 16): their own rows after the entries.
RECORD_FIELDS = [
    "code",
    "kind",
    "incident",
    "organisation",
    "author",
    "room_id",
    "created_at",
    "updated_at",
    "revision",
    "tlp",
    "text",
    "development",
    "risks",
    "scenarios",
    "decided_by",
    "owner",
    "due_at",
    "done_at",
    "withdrawn_at",
]
_RECORD_TIMES = {"created_at", "updated_at", "due_at", "done_at", "withdrawn_at"}
RECORD_HEADERS_NL = {
    "code": "code",
    "kind": "soort",
    "incident": "incident",
    "organisation": "organisatie",
    "author": "auteur",
    "room_id": "kamer",
    "created_at": "vastgelegd",
    "updated_at": "bijgewerkt",
    "revision": "revisie",
    "tlp": "tlp",
    "text": "tekst",
    "development": "verwachting",
    "risks": "risico's",
    "scenarios": "scenario's",
    "decided_by": "besloten door",
    "owner": "eigenaar",
    "due_at": "geldig tot / ingang / deadline",
    "done_at": "afgerond",
    "withdrawn_at": "ingetrokken",
}
RECORD_KIND_NL = {"assessment": "oordeel", "decision": "besluit", "action": "actie"}


def record_row(item: RecordItem) -> dict[str, Any]:
    """One assessment, decision or action as plain values (times in UTC ISO)."""
    fields = item.fields or {}
    row: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        if name == "code":
            value: Any = item.code
        elif name in ("development", "risks", "scenarios", "decided_by"):
            value = fields.get(name)
        else:
            value = getattr(item, name)
        if name in _RECORD_TIMES and isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        row[name] = value
    return row


def _labels(entries: Sequence[SituationEntry], record: Sequence[RecordItem]) -> str:
    return tlp.highest([*(e.tlp for e in entries), *(r.tlp for r in record)])


SITREP_NS = "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"
CT_NS = "urn:oasis:names:tc:emergency:edxl:ct:1.0"
XNL_NS = "urn:oasis:names:tc:emergency:edxl:ciq:1.0:xnl"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SET_NS = "urn:knooppunt:export:1"

# Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone
# surrogates, U+FFFE/U+FFFF), plus DEL and the C1 controls it discourages: one such
# character in a report would make every later EDXL document unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# The same behind a separator or line break inside the cell: a spreadsheet that splits
# on another separator than the file's (an English Excel opening the `;` file, a Dutch
# one the `,` file) or ignores the quotes makes what follows a cell of its own.
_FORMULA_INSIDE = re.compile("(?<=[,;\t\r\n])(?=[=+\\-@])")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def csv_safe(value: object) -> object:
    """A text cell without control characters (tab and line breaks stay); one that a
    spreadsheet would run as a formula gets a leading apostrophe,
    the usual advice against CSV injection, and so does such a start behind a separator
    or line break inside it; numbers and harmless text stay as they are."""
    if not isinstance(value, str):
        return value
    # What XML forbids is junk in a sheet too, and on a terminal (`knooppunt export`
    # writes to standard output) ESC sequences move the cursor and wipe lines.
    value = _FORMULA_INSIDE.sub("'", xml_safe(value))
    return "'" + value if value.startswith(_FORMULA_START) else value


def entry_record(entry: SituationEntry, figures: Sequence[EntryFigure]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in FIELDS:
        value: Any = entry.code if name == "code" else getattr(entry, name)
        if name in _TIMES and isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        record[name] = value
    record["figures"] = [
        {"metric": f.metric, "label": f.label, "value": f.value, "unit": f.unit}
        # An estimate or a bound says so (`bound`: over, at_least, under, at_most or
        # estimate); exact figures keep the form older exports had.
        | (
            {"estimate": True, "bound": bounds.kind_of(f.bound, f.estimate)}
            if f.estimate or bounds.kind_of(f.bound, f.estimate) != bounds.EXACT
            else {}
        )
        for f in figures
    ]
    return record


# DEL and the C1 controls, which `json.dumps` writes as they are (it escapes C0 only):
# U+009B is CSI to a terminal, and `knooppunt export` writes to one without `--out`.
# Escaped, the data is the same.
_C1 = re.compile("[\x7f-\x9f]")


def to_json(
    entries: Sequence[SituationEntry],
    figures: dict[int, list[EntryFigure]],
    meta: dict[str, Any],
    items: Sequence[RecordItem] = (),
    *,
    marker: str | None = None,
) -> bytes:
    """`marker` (an exercise's OEFENING) is the document's first member, `banner`."""
    document = {
        **({"banner": marker} if marker else {}),
        **meta,
        "tlp": _labels(entries, items),
        "count": len(entries),
        "entries": [entry_record(e, figures.get(e.id, [])) for e in entries],
        "record": [record_row(r) for r in items],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text).encode()


def from_json(data: bytes) -> list[dict[str, Any]]:
    return list(json.loads(data.decode())["entries"])


def dutch_number(value: float) -> str:
    """1200.0 -> `1.200`, 1.5 -> `1,5`: how a Dutch spreadsheet reads numbers."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _local(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _dutch_value(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in _TIMES and isinstance(value, datetime):
        return _local(value)
    # Stored values are English; the Dutch CSV shows the Dutch words.
    if name == "category":
        return Category.display(value, "nl")
    if name == "severity":
        return Severity.display(value, "nl")
    if name == "status":
        return Status.display(value, "nl")
    return value


# The row under a closed incident's TLP banner (the CSVs carry no other meta).
CLOSED_NL = "Incident gesloten"
CLOSED_EN = "incident closed"


def _sheet(
    entries: Sequence[SituationEntry],
    items: Sequence[RecordItem],
    marker: str | None,
    *,
    delimiter: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    record_header: Sequence[str],
    record_rows: Iterable[Sequence[Any]],
    closed: Sequence[str] = (),
) -> bytes:
    """What both CSVs are: `marker` (an exercise's OEFENING) as the first row, the TLP
    banner (TLP 2.0: the label at the top, where a reader of the sheet sees it), the
    `closed` row of a closed incident (its label and time), the entries under `header`, and the record items after an empty row under their own
    header. Every cell goes through `csv_safe`; None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    if marker:
        writer.writerow([marker])
    writer.writerow([f"TLP:{_labels(entries, items)}"])
    if closed:
        writer.writerow(closed)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe("" if v is None else v) for v in row])
    if items:
        writer.writerow([])
        writer.writerow(record_header)
        for row in record_rows:
            writer.writerow([csv_safe("" if v is None else v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def _dutch_record_value(name: str, value: Any) -> Any:
    if name in _RECORD_TIMES and value:
        return _local(datetime.fromisoformat(value))
    if name == "kind":
        return RECORD_KIND_NL.get(value, value)
    return value


def to_csv_nl(
    entries: Sequence[SituationEntry],
    figures: dict[int, list[EntryFigure]],
    items: Sequence[RecordItem] = (),
    *,
    marker: str | None = None,
    closed: datetime | None = None,
) -> bytes:
    """The Dutch CSV: `;`, Dutch headers and values, Europe/Amsterdam times; assessments,
    decisions and actions follow the entries after an empty row, under their own header.
    `marker` (an exercise's OEFENING) is the first row, above the TLP banner."""

    def row(entry: SituationEntry) -> list[Any]:
        shown = "; ".join(
            f"{f.label}: {bounds.prefix(f.bound, f.estimate)}{dutch_number(f.value)}"
            f"{' ' + f.unit if f.unit else ''}"
            for f in figures.get(entry.id, [])
        )
        values = [
            _dutch_value(name, entry.code if name == "code" else getattr(entry, name))
            for name in FIELDS
        ]
        return [*values, shown]

    def record_cells(item: RecordItem) -> list[Any]:
        record = record_row(item)
        return [_dutch_record_value(name, record[name]) for name in RECORD_FIELDS]

    return _sheet(
        entries,
        items,
        marker,
        delimiter=";",
        header=[HEADERS_NL[name] for name in (*FIELDS, "figures")],
        rows=(row(e) for e in entries),
        record_header=[RECORD_HEADERS_NL[name] for name in RECORD_FIELDS],
        record_rows=(record_cells(i) for i in items),
        closed=[CLOSED_NL, _local(closed)] if closed else (),
    )


def to_csv(
    entries: Sequence[SituationEntry],
    figures: dict[int, list[EntryFigure]],
    items: Sequence[RecordItem] = (),
    *,
    marker: str | None = None,
    closed: datetime | None = None,
) -> bytes:
    """The international CSV (`csv-en`): `,`, English field names and values, UTC times.
    `marker` (an exercise's OEFENING) is the first row, above the TLP banner."""

    def row(entry: SituationEntry) -> list[Any]:
        record = entry_record(entry, figures.get(entry.id, []))
        shown = "; ".join(
            f"{f['metric']}={bounds.mark(f.get('bound'), bool(f.get('estimate')))}{f['value']:g}"
            f"{' ' + f['unit'] if f['unit'] else ''}"
            for f in record["figures"]
        )
        return [*(record[name] for name in FIELDS), shown]

    return _sheet(
        entries,
        items,
        marker,
        delimiter=",",
        header=[*FIELDS, "figures"],
        rows=(row(e) for e in entries),
        record_header=RECORD_FIELDS,
        record_rows=([record_row(i)[name] for name in RECORD_FIELDS] for i in items),
        closed=[CLOSED_EN, closed.isoformat()] if closed else (),
    )


def _edxl_time(moment: datetime) -> str:
    # EDXL date-times carry an explicit offset and no fractional seconds.
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _person_time(parent: ET.Element, tag: str, name: str, when: datetime) -> None:
    pair = ET.SubElement(parent, _q(SITREP_NS, tag))
    details = ET.SubElement(pair, _q(CT_NS, "personDetails"))
    person = ET.SubElement(details, _q(XNL_NS, "personName"))
    ET.SubElement(person, _q(XNL_NS, "nameElement")).text = name
    ET.SubElement(pair, _q(CT_NS, "timeValue")).text = _edxl_time(when)


def _edxl_entry(
    root: ET.Element, entry: SituationEntry, figures: Sequence[EntryFigure], marker: str | None
) -> None:
    """One situation entry as a sitRep: a field observation with its place and figures."""
    report = ET.SubElement(root, _q(SITREP_NS, "sitRep"))
    ET.SubElement(
        report, _q(SITREP_NS, "messageID")
    ).text = f"knooppunt-{entry.code}-r{entry.revision}"
    _person_time(
        report,
        "preparedBy",
        f"{entry.reporter} ({entry.organisation or '-'})",
        entry.recorded_at,
    )
    _person_time(report, "authorizedBy", entry.organisation or entry.reporter, entry.recorded_at)
    ET.SubElement(
        report, _q(SITREP_NS, "reportPurpose")
    ).text = f"{marker + ': ' if marker else ''}{entry.category}: situation entry {entry.code}"
    ET.SubElement(report, _q(SITREP_NS, "reportNumber")).text = str(entry.id)
    version = "Initial" if entry.revision == 1 else "Update"
    if entry.retracted_at is not None:
        version = "Cancel"
    elif entry.status == "resolved":
        version = "Final"
    ET.SubElement(report, _q(SITREP_NS, "reportVersion")).text = version
    period = ET.SubElement(report, _q(SITREP_NS, "forTimePeriod"))
    ET.SubElement(period, _q(CT_NS, "fromDateTime")).text = _edxl_time(entry.observed_at)
    ET.SubElement(period, _q(CT_NS, "toDateTime")).text = _edxl_time(entry.updated_at)
    ET.SubElement(report, _q(SITREP_NS, "incidentID")).text = entry.incident or ""
    ET.SubElement(report, _q(SITREP_NS, "reportConfidentiality")).text = f"TLP:{entry.tlp}"
    ET.SubElement(report, _q(SITREP_NS, "severity")).text = entry.severity
    body = ET.SubElement(
        report, _q(SITREP_NS, "report"), {_q(XSI_NS, "type"): "sitrep:FieldObservationType"}
    )
    location = ET.SubElement(body, _q(SITREP_NS, "observationLocation"))
    geo = ET.SubElement(location, _q(CT_NS, "EDXLGeoPoliticalLocation"))
    for list_uri, value in (
        ("urn:knooppunt:municipality", entry.municipality),
        ("urn:knooppunt:safety-region", entry.region),
        ("urn:knooppunt:location", entry.location),
    ):
        if value:
            code = ET.SubElement(geo, _q(CT_NS, "geoCode"))
            ET.SubElement(code, _q(CT_NS, "valueListURI")).text = list_uri
            ET.SubElement(code, _q(CT_NS, "value")).text = value
    # EDXL-SitRep has no field for a figure's bound: it goes in the text as it does in the
    # chat ("gewonden: > 3"; before, an estimate or bound read as an exact count there).
    shown = "; ".join(
        f"{f.label}: {bounds.prefix(f.bound, f.estimate)}{f.value:g}{' ' + f.unit if f.unit else ''}"
        for f in figures
    )
    text = entry.text + (f"\n[{shown}]" if shown else "")
    ET.SubElement(body, _q(SITREP_NS, "observationText")).text = text


def _edxl_record(root: ET.Element, item: RecordItem) -> None:
    """An assessment, decision or action as a sitRep: the header fields SitRep defines
    fit (who, when, purpose, number, version, incident, confidentiality); the content has
    no SitRep element of its own, so it goes in Knooppunt's namespace."""
    report = ET.SubElement(root, _q(SITREP_NS, "sitRep"))
    ET.SubElement(
        report, _q(SITREP_NS, "messageID")
    ).text = f"knooppunt-{item.code}-r{item.revision}"
    _person_time(
        report, "preparedBy", f"{item.author} ({item.organisation or '-'})", item.created_at
    )
    _person_time(report, "authorizedBy", item.organisation or item.author, item.created_at)
    ET.SubElement(report, _q(SITREP_NS, "reportPurpose")).text = f"{item.kind} {item.code}"
    ET.SubElement(report, _q(SITREP_NS, "reportNumber")).text = item.code
    version = "Initial" if item.revision == 1 else "Update"
    if item.withdrawn_at is not None:
        version = "Cancel"
    elif item.done_at is not None:
        version = "Final"
    ET.SubElement(report, _q(SITREP_NS, "reportVersion")).text = version
    period = ET.SubElement(report, _q(SITREP_NS, "forTimePeriod"))
    ET.SubElement(period, _q(CT_NS, "fromDateTime")).text = _edxl_time(item.created_at)
    ET.SubElement(period, _q(CT_NS, "toDateTime")).text = _edxl_time(item.due_at or item.updated_at)
    ET.SubElement(report, _q(SITREP_NS, "incidentID")).text = item.incident
    ET.SubElement(report, _q(SITREP_NS, "reportConfidentiality")).text = f"TLP:{item.tlp}"
    content = ET.SubElement(report, _q(SET_NS, item.kind))
    for name, value in record_row(item).items():
        if value is not None and name not in ("code", "kind", "incident", "tlp", "room_id"):
            ET.SubElement(content, _q(SET_NS, name)).text = str(value)


def to_edxl(
    entries: Sequence[SituationEntry],
    figures: dict[int, list[EntryFigure]],
    items: Sequence[RecordItem] = (),
    *,
    marker: str | None = None,
    closed: datetime | None = None,
) -> bytes:
    """EDXL-SitRep. `marker` (an exercise's OEFENING) comes first as a comment, as an
    `exercise` attribute on the root and in front of every report's purpose, the
    field a receiving system shows."""
    ET.register_namespace("sitrep", SITREP_NS)
    ET.register_namespace("ct", CT_NS)
    ET.register_namespace("xnl", XNL_NS)
    ET.register_namespace("xsi", XSI_NS)
    ET.register_namespace("kp", SET_NS)
    attributes = {"tlp": _labels(entries, items)}
    if marker:
        attributes["exercise"] = marker
    if closed:
        attributes["closed"] = closed.isoformat()  # the incident was closed then
    root = ET.Element(_q(SET_NS, "sitRepSet"), attributes)
    for entry in entries:
        _edxl_entry(root, entry, figures.get(entry.id, []), marker)
    for item in items:
        _edxl_record(root, item)
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        for name, value in element.attrib.items():
            element.set(name, xml_safe(value))
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    if marker:
        head += f"<!-- {xml_safe(marker)} -->\n".encode()
    return head + document
