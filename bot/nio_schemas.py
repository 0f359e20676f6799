"""nio's JSON-schema checks, the same outcome at a fraction of the CPU.

matrix-nio 0.26 checks every response (`nio.responses`, `@verify`) and every event it
parses (`nio.events.misc`) with `validate_json`: a jsonschema Draft 4 validator,
extended to fill in the schema's defaults, with nio's format checker. It built a new
validator per check, and jsonschema walks a schema through generic keyword
functions, a new validator object and a resolver per level it descends. At 10
events/s over 100 rooms those checks were a quarter of the bot's CPU (cProfile,
session 12): every sync response is checked whole, then each of its events again.

`cached_validate_json` does the same check in two steps:

1. A fast check compiled once per schema into plain Python closures (`_compile`),
   for the Draft 4 keywords nio's schemas use. It walks the instance in the order
   jsonschema does, fills in the defaults where nio's validator does (the very same
   default objects, as nio inserts them), and answers only "valid".
2. Anything else (invalid, a case it cannot decide, an exception) goes to nio's own
   validator (kept per schema), after the defaults the fast check inserted are
   removed again: it decides, raises nio's `ValidationError` with nio's message, and
   leaves the instance as nio would. A schema with a keyword the compiler does not
   know is always checked by nio's validator.

So a valid event costs the fast check only, and every other outcome is nio's own.
`install()` puts it in place of `validate_json` in every loaded nio module that holds
it by name; tests/unit/test_nio_schemas.py pins that, and that outcome and instance
equal nio's for nio's schemas over real and generated events.
"""

from __future__ import annotations

import numbers
import re
import sys
from collections.abc import Callable
from typing import Any

from nio import schemas

_ORIGINAL = schemas.validate_json
# Where the fast check inserted a default: (the object, the key), to undo them.
Inserted = list[tuple[dict[str, Any], str]]
# A compiled check: True when the instance is valid; False or an exception otherwise.
Check = Callable[[Any, Inserted], bool]
# The keywords nio's Draft 4 validator acts on; any other key in a schema is ignored.
_DRAFT4 = frozenset(schemas.Validator.VALIDATORS)
# id(schema) -> (the schema, its fast check or None, nio's validator for it); the schema
# is kept so its id stays its own.
_HELD: dict[int, tuple[Any, Check | None, Any]] = {}


class _Unsupported(Exception):
    """A schema the compiler does not take: nio's validator checks it."""


class _Unsure(Exception):
    """An instance the fast check cannot decide: nio's validator decides."""


def cached_validate_json(instance: Any, schema: Any) -> None:
    """nio's `validate_json`: raise ValidationError when `instance` does not fit."""
    held = _HELD.get(id(schema))
    if held is None or held[0] is not schema:
        held = _hold(schema)
    check = held[1]
    if check is not None:
        inserted: Inserted = []
        try:
            if check(instance, inserted):
                return
        except Exception:  # nio's validator below raises it again, or decides otherwise
            pass
        for target, key in reversed(inserted):
            del target[key]  # as it was: nio's validator fills in its defaults itself
    held[2].validate(instance)


def _hold(schema: Any) -> tuple[Any, Check | None, Any]:
    if len(_HELD) >= 512:  # never expected (nio's schemas are constants): a bound
        _HELD.clear()
    try:
        check: Check | None = _compile(schema)
    except _Unsupported:
        check = None
    held = (schema, check, schemas.Validator(schema, format_checker=schemas.Checker))
    _HELD[id(schema)] = held
    return held


def install() -> None:
    """Use `cached_validate_json` wherever nio checks a schema (idempotent). `import nio`
    loads every module that checks one; this runs after it."""
    schemas.validate_json = cached_validate_json
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "nio" and vars(module).get("validate_json") is _ORIGINAL:
            module.validate_json = cached_validate_json  # type: ignore[attr-defined]


def _valid(instance: Any, inserted: Inserted) -> bool:
    return True


def _undecided(instance: Any, inserted: Inserted) -> bool:
    raise _Unsure


def _compile(schema: Any) -> Check:
    """One schema (a level of it): its keywords in the schema's order, as jsonschema
    takes them, stopping at the first that fails."""
    if not isinstance(schema, dict) or "$ref" in schema or "$schema" in schema:
        raise _Unsupported(repr(schema)[:80])
    checks = []
    for key, value in schema.items():
        if key in _DRAFT4:
            make = _KEYWORDS.get(key)
            if make is None:
                raise _Unsupported(key)
            checks.append(make(value, schema))
    checks = [check for check in checks if check is not _valid]
    if not checks:
        return _valid
    if len(checks) == 1:
        return checks[0]

    def check_all(instance: Any, inserted: Inserted) -> bool:
        for check in checks:  # noqa: SIM110 - a loop: no generator per call (hot path)
            if not check(instance, inserted):
                return False
        return True

    return check_all


def _is_number(instance: Any) -> bool:
    return isinstance(instance, numbers.Number) and not isinstance(instance, bool)


def _is_integer(instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


# Draft 4's types as jsonschema tells them (a bool is neither integer nor number).
_TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "integer": _is_integer,
    "null": lambda instance: instance is None,
    "number": _is_number,
    "object": lambda instance: isinstance(instance, dict),
    "string": lambda instance: isinstance(instance, str),
}
# The common single types, checked without a call.
_CLASSES: dict[str, type] = {"object": dict, "string": str, "array": list}


def _type(value: Any, schema: dict[str, Any]) -> Check:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(
        isinstance(name, str) and name in _TYPES for name in names
    ):
        raise _Unsupported(f"type {value!r}")
    if len(names) == 1 and names[0] in _CLASSES:
        cls = _CLASSES[names[0]]

        def is_class(instance: Any, inserted: Inserted) -> bool:
            return isinstance(instance, cls)

        return is_class
    tests = [_TYPES[name] for name in names]

    def is_one_of(instance: Any, inserted: Inserted) -> bool:
        return any(test(instance) for test in tests)

    return is_one_of


def _properties(value: Any, schema: dict[str, Any]) -> Check:
    """nio's `set_defaults`: every absent property with a default gets it (the schema's
    own object) first, then the present properties are checked in the schema's order."""
    if not isinstance(value, dict):
        raise _Unsupported("properties")
    if any(
        not isinstance(sub, dict | list) or "default" in sub
        for sub in value.values()
        if not isinstance(sub, dict)
    ):
        raise _Unsupported("properties")
    # A subschema that is no object (nio has one: a misplaced "required" list) makes
    # jsonschema raise when the instance has that property: nio's validator raises it.
    subs = [
        (name, _compile(sub) if isinstance(sub, dict) else _undecided)
        for name, sub in value.items()
    ]
    defaults = [
        (name, sub["default"])
        for name, sub in value.items()
        if isinstance(sub, dict) and "default" in sub
    ]
    subs = [(name, check) for name, check in subs if check is not _valid]

    def properties(instance: Any, inserted: Inserted) -> bool:
        if not isinstance(instance, dict):
            if defaults:
                raise _Unsure  # nio's setdefault on a non-object raises
            return True
        for name, default in defaults:
            if name not in instance:
                instance[name] = default
                inserted.append((instance, name))
        for name, check in subs:
            if name in instance and not check(instance[name], inserted):
                return False
        return True

    return properties


def _required(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise _Unsupported("required")
    names = tuple(value)

    def required(instance: Any, inserted: Inserted) -> bool:
        if isinstance(instance, dict):
            for name in names:
                if name not in instance:
                    return False
        return True

    return required


def _items(value: Any, schema: dict[str, Any]) -> Check:
    if isinstance(value, dict):
        each = _compile(value)

        def items(instance: Any, inserted: Inserted) -> bool:
            if isinstance(instance, list):
                for item in instance:
                    if not each(item, inserted):
                        return False
            return True

        return items
    if not isinstance(value, list):
        raise _Unsupported("items")
    checks = [_compile(sub) for sub in value]

    def positions(instance: Any, inserted: Inserted) -> bool:
        if isinstance(instance, list):
            for item, check in zip(instance, checks, strict=False):
                if not check(item, inserted):
                    return False
        return True

    return positions


def _enum(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, list):
        raise _Unsupported("enum")
    # jsonschema compares a string only by ==, so only the strings can equal one.
    strings = frozenset(each for each in value if isinstance(each, str))

    def enum(instance: Any, inserted: Inserted) -> bool:
        if isinstance(instance, str):
            return instance in strings
        raise _Unsure  # jsonschema's equality rules for the rest: nio's validator

    return enum


def _pattern_properties(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, dict):
        raise _Unsupported("patternProperties")
    pairs = [(re.compile(pattern), _compile(sub)) for pattern, sub in value.items()]

    def pattern_properties(instance: Any, inserted: Inserted) -> bool:
        if isinstance(instance, dict):
            for regex, check in pairs:
                for key, item in instance.items():
                    if regex.search(key) and not check(item, inserted):
                        return False
        return True

    return pattern_properties


def _additional_properties(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, bool | dict):
        raise _Unsupported("additionalProperties")
    known = schema.get("properties", {})
    joined = "|".join(schema.get("patternProperties", {}))
    regex = re.compile(joined) if joined else None
    each = _compile(value) if isinstance(value, dict) else None

    def additional_properties(instance: Any, inserted: Inserted) -> bool:
        if not isinstance(instance, dict):
            return True
        extras = {
            key
            for key in instance
            if key not in known and not (regex is not None and regex.search(key))
        }
        if each is not None:
            return all(each(instance[key], inserted) for key in extras)
        return bool(value) or not extras

    return additional_properties


def _minimum(value: Any, schema: dict[str, Any]) -> Check:
    if not _is_number(value):
        raise _Unsupported("minimum")
    exclusive = bool(schema.get("exclusiveMinimum", False))

    def minimum(instance: Any, inserted: Inserted) -> bool:
        if not _is_number(instance):
            return True
        # jsonschema's own comparison, negated (so that NaN compares as there)
        return not (instance <= value if exclusive else instance < value)

    return minimum


def _not(value: Any, schema: dict[str, Any]) -> Check:
    sub = _compile(value)

    def not_(instance: Any, inserted: Inserted) -> bool:
        # jsonschema stops at the first error of the inner schema too, with the defaults
        # inserted up to there left in place: the same order here.
        return not sub(instance, inserted)

    return not_


def _pattern(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, str):
        raise _Unsupported("pattern")
    regex = re.compile(value)

    def pattern(instance: Any, inserted: Inserted) -> bool:
        return not isinstance(instance, str) or regex.search(instance) is not None

    return pattern


def _format(value: Any, schema: dict[str, Any]) -> Check:
    checkers = schemas.Checker.checkers

    def format_(instance: Any, inserted: Inserted) -> bool:
        # FormatChecker.check: an unknown format passes; the checker's declared
        # exceptions mean "does not conform"; any other propagates (nio's validator).
        found = checkers.get(value)
        if found is None:
            return True
        test, raises = found
        try:
            return bool(test(instance))
        except raises:
            return False

    return format_


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "properties": _properties,
    "required": _required,
    "items": _items,
    "enum": _enum,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "minimum": _minimum,
    "not": _not,
    "pattern": _pattern,
    "format": _format,
}
