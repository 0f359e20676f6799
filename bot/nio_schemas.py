"""nio's JSON-schema checks with one validator per schema instead of one per check.

matrix-nio 0.26 checks every event it parses (`nio.events.misc`) and every response
(`nio.responses`, `@verify`) with `validate_json`, which builds a new jsonschema
validator each time: a registry of resources and a resolver, for a check of a few
fields. At a steady 10 events/s that building was some 3% of the bot's CPU (every
command, every echo of a reply, every send's response). `cached_validate_json`
does the same check (nio's own `Validator` class and format `Checker`) with a
validator built once per schema and kept: a jsonschema validator holds no state
between `validate` calls. The schemas are nio's module-level constants, so they
are few.

`install()` puts it in place of `validate_json` in every loaded nio module that
holds it by name (`from .schemas import validate_json`, and the packages that
re-export it); tests/unit/test_nio_schemas.py pins that and that the outcome is nio's.
"""

from __future__ import annotations

import sys
from typing import Any

from nio import schemas

_ORIGINAL = schemas.validate_json
# id(schema) -> (the schema, its validator); the schema is kept so its id stays its own.
_VALIDATORS: dict[int, tuple[Any, Any]] = {}


def cached_validate_json(instance: Any, schema: Any) -> None:
    """nio's `validate_json`: raise ValidationError when `instance` does not fit."""
    held = _VALIDATORS.get(id(schema))
    if held is None or held[0] is not schema:
        if len(_VALIDATORS) >= 512:  # never expected (nio's schemas are constants): a bound
            _VALIDATORS.clear()
        held = (schema, schemas.Validator(schema, format_checker=schemas.Checker))
        _VALIDATORS[id(schema)] = held
    held[1].validate(instance)


def install() -> None:
    """Use `cached_validate_json` wherever nio checks a schema (idempotent). `import nio`
    loads every module that checks one; this runs after it."""
    schemas.validate_json = cached_validate_json
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "nio" and vars(module).get("validate_json") is _ORIGINAL:
            module.validate_json = cached_validate_json  # type: ignore[attr-defined]
