"""bot/nio_schemas.py's fast check against nio's own validator, for every schema nio
has: the same outcome (valid, or the same ValidationError) and the instance left the
same (the same defaults, in the same order, the schema's own default objects).

Instances are generated from each schema (hypothesis): mostly fitting ones, with
parts of any JSON type and absent optional fields, so that valid, invalid and
defaulted instances all occur. tests/unit/test_nio_corpus.py does the same over
events and responses recorded from a real Synapse.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nio import schemas

from bot import nio_schemas

SCHEMAS = {name: value for name, value in vars(schemas.Schemas).items() if isinstance(value, dict)}
USER_IDS = ["@ann:localhost", "@nodomain", "ann:localhost", "", "@:x"]
URLS = ["https://example.org/x", "http://h", "mxc://x/y", "ftp://x"]
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)
_STRATEGIES: dict[int, st.SearchStrategy[Any]] = {}


def outcome(validate: Any, instance: Any, schema: Any) -> tuple[Any, ...]:
    try:
        validate(instance, schema)
    except Exception as error:  # the outcome is what is compared
        path = list(getattr(error, "path", []))
        schema_path = list(getattr(error, "schema_path", []))
        return type(error), getattr(error, "message", str(error)), path, schema_path
    return ("valid",)


def same(instance: Any, schema: Any) -> None:
    """nio's original check and the fast one: same outcome, same instance after."""
    theirs, ours = copy.deepcopy(instance), copy.deepcopy(instance)
    expected = outcome(nio_schemas._ORIGINAL, theirs, schema)
    assert outcome(nio_schemas.cached_validate_json, ours, schema) == expected
    # The same keys in the same order, the same values (defaults included).
    assert json.dumps(ours, default=repr) == json.dumps(theirs, default=repr)


def value(schema: Any) -> st.SearchStrategy[Any]:
    """Mostly an instance shaped like `schema`, sometimes any JSON value."""
    held = _STRATEGIES.get(id(schema))
    if held is None:
        shaped = fitting(schema) if isinstance(schema, dict) else None
        held = JSON if shaped is None else wrong_sometimes(shaped)
        _STRATEGIES[id(schema)] = held
    return held


def wrong_sometimes(shaped: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One part in twenty of any JSON type instead."""
    return st.integers(0, 19).flatmap(lambda n: JSON if n == 0 else shaped)


def fitting(schema: dict[str, Any]) -> st.SearchStrategy[Any] | None:
    kind = schema.get("type")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if isinstance(kind, list):
        shapes = [fitting({**schema, "type": each}) for each in kind]
        return st.one_of([JSON if shape is None else shape for shape in shapes])
    if kind == "object" or "properties" in schema or "patternProperties" in schema:
        return an_object(schema)
    if kind == "array":
        return st.lists(value(schema.get("items", {})), max_size=3)
    if kind == "string":
        if schema.get("format") == "user_id":
            return st.sampled_from(USER_IDS)
        if schema.get("format") == "http_url":
            return st.sampled_from(URLS)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"])
        return st.text(max_size=6)
    return {
        "integer": st.integers(-2, 100),
        "number": st.integers(-2, 5) | st.floats(-2, 5),
        "boolean": st.booleans(),
        "null": st.none(),
    }.get(str(kind))


def an_object(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    properties = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if isinstance(name, str)]
    named = st.fixed_dictionaries(
        {name: value(properties.get(name, {})) for name in required},
        optional={name: value(sub) for name, sub in properties.items() if name not in required},
    )
    patterned = [
        st.dictionaries(st.from_regex(pattern), value(sub), max_size=2)
        for pattern, sub in schema.get("patternProperties", {}).items()
    ]
    extra = st.dictionaries(st.text(max_size=3), JSON, max_size=1)
    return st.tuples(named, extra, *patterned).map(merged)


def merged(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in reversed(parts):  # the named properties last: they win
        out.update(part)
    return out


def test_every_nio_schema_gets_a_fast_check() -> None:
    # If a nio upgrade brings a keyword the compiler does not know, that schema falls
    # back to nio's validator (still correct) and this test says so.
    for name, schema in SCHEMAS.items():
        assert nio_schemas._compile(schema) is not None, name


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(sorted(SCHEMAS)).flatmap(
        lambda name: st.tuples(st.just(name), value(SCHEMAS[name]))
    )
)
def test_generated_instances_come_out_as_with_nio(case: tuple[str, Any]) -> None:
    name, instance = case
    same(instance, SCHEMAS[name])


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        # nio's set_defaults on a non-object where a property has a default: it raises.
        ("text", {"properties": {"a": {"default": 1}}}),
        # A default that itself does not fit: inserted, then checked, refused.
        ({}, {"type": "object", "properties": {"a": {"type": "string", "default": 1}}}),
        # A default inserted after a check that already passed without it.
        ({}, {"not": {"required": ["a"]}, "properties": {"a": {"default": 1}}}),
        ({}, {"properties": {"a": {"default": 1}}, "not": {"required": ["a"]}}),
        # Inside "not", defaults up to the first error stay (jsonschema's is_valid).
        ({"b": 1}, {"not": {"properties": {"a": {"default": 2}}, "required": ["c"]}}),
        # enum over non-strings: jsonschema's equality (True is not 1).
        ({"a": True}, {"properties": {"a": {"enum": [1, 2]}}}),
        ({"a": 1}, {"properties": {"a": {"enum": [1, 2]}}}),
        ({"a": 1.0}, {"properties": {"a": {"enum": [1]}}}),
        # A bool is no integer or number in Draft 4; a float is no integer.
        ({"a": True}, {"properties": {"a": {"type": "integer"}}}),
        ({"a": 1.0}, {"properties": {"a": {"type": "integer"}}}),
        ({"a": float("nan")}, {"properties": {"a": {"type": "number", "minimum": 0}}}),
        ({"a": 0}, {"properties": {"a": {"minimum": 0, "exclusiveMinimum": True}}}),
        # nio's user_id format on a non-string: its checker raises AttributeError.
        ({"a": 5}, {"properties": {"a": {"format": "user_id"}}}),
        ({"a": "@x"}, {"properties": {"a": {"format": "user_id"}}}),
        ({"a": "@x:y"}, {"properties": {"a": {"type": ["string", "null"]}}}),
        # Draft 4 ignores const (a later draft's keyword), as nio's validator does.
        ({"a": "other"}, {"properties": {"a": {"const": "m.text"}}}),
        ({"x": 1}, schemas.Schemas.empty),
        ({}, schemas.Schemas.empty),
        ({"errcode": "M_X"}, schemas.Schemas.error),
    ],
)
def test_edge_cases_come_out_as_with_nio(instance: Any, schema: Any) -> None:
    same(instance, schema)


def test_a_schema_the_compiler_does_not_know_is_checked_by_nio() -> None:
    schema = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    with pytest.raises(nio_schemas._Unsupported):
        nio_schemas._compile(schema)
    same("x", schema)
    same(1.5, schema)


def test_defaults_are_the_schemas_own_objects_as_nio_inserts_them() -> None:
    schema = schemas.Schemas.sync
    theirs: dict[str, Any] = {"next_batch": "s1"}
    ours: dict[str, Any] = {"next_batch": "s1"}
    nio_schemas._ORIGINAL(theirs, schema)
    nio_schemas.cached_validate_json(ours, schema)
    assert list(ours) == list(theirs)
    for key in theirs:
        assert ours[key] is theirs[key], key
