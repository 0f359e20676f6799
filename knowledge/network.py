"""The partner network as curated content: dependency maps and partner files.

Like the Q&A store and object information, these live in files a region keeps in git
(YAML), and `knooppunt network import|export|check` moves them in and out. A file is
all or nothing: one problem and nothing of it is loaded, and every problem names its
place ("afhankelijkheden.yaml: dependencies.2.onset: ...").

A *dependency map* says which vital sectors depend on which: energy -> telecom, with
a short reason and the expected onset ("accu's masten 4–8 uur"); a map or one of its
lines may hold for one safety region only. A *partners file* lists organisations with
their sectors, where they work, their role per incident phase (koud, lauw, warm, na)
and their contact lines, each with a TLP label (AMBER unless the file says otherwise).
An organisation exported under a ceiling says `max_tlp:`; its import keeps the contact
lines above that label, which the file never held.

Keys may be Dutch or English; stored values are the vocabulary's English ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from knowledge.model import ContentRule, _check_id, _check_tlp, mapping
from knowledge.problems import FileProblem, field_error
from storage.organisations import name_key
from storage.vocabulary import OrgKind, Phase, Sector

SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 5_000_000

# Dutch (and a few other) key names -> the models' names.
_KEYS: dict[str, str] = {
    "titel": "title", "omschrijving": "title",
    "regio": "region", "veiligheidsregio": "region",
    "afhankelijkheden": "dependencies",
    "afhankelijk": "dependent", "afhankelijke sector": "dependent", "raakt": "dependent",
    "reden": "reason", "waarom": "reason",
    "verwacht": "onset", "aanloop": "onset", "verwachting": "onset",
    "organisaties": "organisations", "organizations": "organisations", "partners": "organisations",
    "naam": "name", "soort": "kind", "sectoren": "sectors",
    "regio's": "regions", "regios": "regions", "gemeenten": "municipalities",
    "rollen": "roles", "rol": "roles", "contacten": "contacts", "contactlijnen": "contacts",
    "lijn": "line", "nummer": "line", "telefoon": "line", "omschrijving lijn": "label",
    "wat": "label", "max-tlp": "max_tlp",
}  # fmt: skip


def _keys(raw: Any) -> Any:
    """Dutch keys -> English, recursively (values untouched)."""
    if isinstance(raw, dict):
        return {
            _KEYS.get(str(k).strip().lower(), str(k).strip().lower()): _keys(v)
            for k, v in raw.items()
        }
    if isinstance(raw, list):
        return [_keys(v) for v in raw]
    return raw


def _sector(value: Any) -> str:
    found = Sector.parse(str(value))
    if found is None:
        known = ", ".join(s.nl for s in Sector)
        raise ContentRule("knowledge.rule_unknown_sector", value=str(value), known=known)
    return found.value


def _text(value: Any, limit: int) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise ContentRule("knowledge.rule_empty")
    if len(text) > limit:
        raise ContentRule("knowledge.rule_too_long", limit=limit)
    return text


def _bounded(limit: int) -> BeforeValidator:
    """A field of one line of text, spaces collapsed, at most `limit` characters."""
    return BeforeValidator(lambda value: _text(value, limit))


def _as_list(value: Any) -> Any:
    """`Alkmaar` for a list of one; nothing for none."""
    return [value] if isinstance(value, str) else (value or [])


Places = Annotated[list[str], BeforeValidator(_as_list)]


class Dependency(BaseModel):
    """`dependent` depends on `sector`, for `reason`; effects expected after `onset`."""

    model_config = ConfigDict(extra="forbid")

    sector: str
    dependent: str
    reason: str
    onset: str | None = None
    region: str | None = None

    @field_validator("sector", "dependent", mode="before")
    @classmethod
    def _sectors(cls, value: Any) -> str:
        return _sector(value)

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str:
        return _text(value, 300)

    @field_validator("onset", "region", mode="before")
    @classmethod
    def _short(cls, value: Any) -> str | None:
        return None if value in (None, "") else _text(value, 200)


class DependencyMap(BaseModel):
    """One map file: an id (its lines are replaced as a whole on import), an optional
    safety region every line holds for, and its lines."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str | None = None
    region: str | None = None
    dependencies: list[Dependency] = Field(min_length=1)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str:
        return _check_id(str(value))

    def lines(self) -> list[Dependency]:
        """Every line with the map's region where the line names none."""
        return [
            d if d.region or not self.region else d.model_copy(update={"region": self.region})
            for d in self.dependencies
        ]


class Contact(BaseModel):
    """A contact line: what it is for, the number or address, its label (AMBER unless
    given), and optionally the municipalities it serves."""

    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, _bounded(120)]
    line: Annotated[str, _bounded(200)]
    tlp: str = "AMBER"
    municipalities: Places = Field(default_factory=list)

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value: Any) -> str:
        return _check_tlp(str(value))


class Partner(BaseModel):
    """An organisation in the partner network."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, _bounded(200)]
    kind: str | None = None
    sectors: list[str] = Field(default_factory=list)
    regions: Places = Field(default_factory=list)
    municipalities: Places = Field(default_factory=list)
    roles: dict[str, str] = Field(default_factory=dict)
    contacts: list[Contact] = Field(default_factory=list)
    # The ceiling this entry was exported under (`knooppunt network export --max-tlp`):
    # its contact lines above it were left out, so an import keeps those.
    max_tlp: str | None = None

    @field_validator("max_tlp", mode="before")
    @classmethod
    def _ceiling(cls, value: Any) -> str | None:
        return None if value in (None, "") else _check_tlp(str(value))

    @model_validator(mode="before")
    @classmethod
    def _one_sector(cls, value: Any) -> Any:
        """`sector: energie` for an organisation of one sector."""
        if isinstance(value, dict) and "sector" in value and "sectors" not in value:
            value = {("sectors" if k == "sector" else k): v for k, v in value.items()}
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str | None:
        if value in (None, ""):
            return None
        found = OrgKind.parse(str(value))
        if found is None:
            known = ", ".join(k.nl for k in OrgKind)
            raise ContentRule("knowledge.rule_unknown_kind", value=value, known=known)
        return found.value

    @field_validator("sectors", mode="before")
    @classmethod
    def _sectors(cls, value: Any) -> list[str]:
        out: list[str] = []
        for item in _as_list(value):
            sector = _sector(item)
            if sector not in out:
                out.append(sector)
        return out

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, role in mapping(value, "knowledge.rule_roles_mapping").items():
            phase = Phase.parse(str(key))
            if phase is None:
                raise ContentRule("knowledge.rule_unknown_phase", value=key)
            out[phase.value] = _text(role, 300)
        return out


class PartnersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisations: list[Partner] = Field(min_length=1)


@dataclass
class FileResult:
    """One file read: a map or a partners file (never both), or its problems."""

    path: Path
    map: DependencyMap | None = None
    partners: list[Partner] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kind(self) -> str:
        return "map" if self.map is not None else "partners"


def read_text(text: str, path: Path) -> FileResult:
    import yaml  # here: the bot's start loads this module but reads no file

    result = FileResult(path=path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        result.problems.append(
            FileProblem.of("content.not_valid", format="YAML", error=str(exc).splitlines()[0])
        )
        return result
    data = _keys(raw)
    if not isinstance(data, dict):
        result.problems.append(FileProblem.of("content.expected_network_mapping"))
        return result
    try:
        if "dependencies" in data:
            result.map = DependencyMap.model_validate(data)
        elif "organisations" in data:
            partners = PartnersFile.model_validate(data).organisations
            # One organisation whatever its case or Unicode form (the import finds it so).
            names = [name_key(p.name) for p in partners]
            doubles = sorted({n for n in names if names.count(n) > 1})
            if doubles:
                result.problems.append(
                    FileProblem.of("content.organisations_twice", names=", ".join(doubles))
                )
            else:
                result.partners = partners
        else:
            result.problems.append(FileProblem.of("content.expected_network_kind"))
    except ValidationError as exc:
        result.problems.append(field_error(exc, "file"))
    return result


def read_file(path: Path) -> FileResult:
    if path.stat().st_size > MAX_FILE_BYTES:
        too_large = FileProblem.of("content.too_large_bytes", limit=MAX_FILE_BYTES)
        return FileResult(path=path, problems=[too_large])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return FileResult(path=path, problems=[FileProblem.of("content.not_utf8")])
    return read_text(text, path)


def network_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path] if path.exists() else []


def check(path: Path) -> list[FileResult]:
    return [read_file(p) for p in network_files(path)]


def map_yaml(dependency_map: DependencyMap) -> str:
    import yaml

    data = dependency_map.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def partners_yaml(partners: list[Partner]) -> str:
    import yaml

    data = {
        "organisations": [
            p.model_dump(mode="json", exclude_defaults=True, exclude_none=True) | {"name": p.name}
            for p in partners
        ]
    }
    # Contacts keep their label explicit, AMBER included: a reader sees what is shared.
    for out, partner in zip(data["organisations"], partners, strict=True):
        if partner.contacts:
            out["contacts"] = [c.model_dump(mode="json") for c in partner.contacts]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
