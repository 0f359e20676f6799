"""nio's removal of the access token from a request's query, the same result for less CPU.

Before each request matrix-nio 0.26 (`AsyncClient._send`) takes `access_token` out of
the path's query (it goes in the Authorization header): `parse_qs` decodes every
field, `urlencode(..., doseq=True)` encodes them all again. The bot's long poll
carries its filter inline (bot/syncer.py: SYNC_FILTER), some 200 characters of JSON
that are percent-decoded and encoded anew on every /sync: about 8 times a send's cost
(a quiet run of 5,000 each: 205-266 µs a /sync against 19-25 µs a send, the machine
busy; cProfile of a sustained run: `urllib.parse` 2.8% of the bot's CPU, as much as
all of nio's own code).

Both functions work field by field: `parse_qs` with the default arguments reads each
`&`-separated field on its own (urllib's `parse_qsl`), and `urlencode` with
`doseq=True` writes each (name, value) pair on its own. So the two here cache the
result per field and per pair (the filter, the timeout and the token are the same on
every poll; only `since` changes) and join them as urllib does: the same dict, the
same string, by construction. Any other arguments or types go to urllib as they are.
`install()` puts them in place of the names nio's client module imported;
tests/unit/test_nio_query.py pins that and compares them with urllib's over generated
queries and the paths nio builds.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any
from urllib import parse

_PARSE_QS = parse.parse_qs
_URLENCODE = parse.urlencode
_NIO_CLIENT = "nio.client.async_client"
# nio.api builds each request's query with `urlencode` (the token, `since`, the filter).
_NIO_MODULES = (_NIO_CLIENT, "nio.api")
# Distinct fields kept: the token, the filter and the timeout stay; `since` changes per poll.
_CACHED = 512


@lru_cache(maxsize=_CACHED)
def _field(field: str) -> tuple[tuple[str, str], ...]:
    """urllib's reading of one field: () (empty, no `=`, no value) or one pair."""
    return tuple(parse.parse_qsl(field))


@lru_cache(maxsize=_CACHED)
def _pair(name: str, value: str) -> str:
    return _URLENCODE(((name, value),))


def parse_qs(qs: Any, *args: Any, **kwargs: Any) -> dict[Any, list[Any]]:
    """`urllib.parse.parse_qs`; a str with the default arguments is read per field."""
    if args or kwargs or type(qs) is not str:
        return _PARSE_QS(qs, *args, **kwargs)
    parsed: dict[str, list[str]] = {}
    for field in qs.split("&"):
        for name, value in _field(field):
            if name in parsed:
                parsed[name].append(value)
            else:
                parsed[name] = [value]
    return parsed


def urlencode(query: Any, doseq: bool = False, *args: Any, **kwargs: Any) -> str:
    """`urllib.parse.urlencode`; a dict of str names to str values (or, with `doseq`,
    lists of str) is written per pair."""
    if args or kwargs or type(query) is not dict:
        return _URLENCODE(query, doseq, *args, **kwargs)
    pairs: list[str] = []
    for name, value in query.items():
        if type(name) is not str:
            return _URLENCODE(query, doseq)
        if type(value) is str:
            pairs.append(_pair(name, value))
        elif doseq and type(value) is list and all(type(v) is str for v in value):
            pairs.extend(_pair(name, v) for v in value)
        else:
            return _URLENCODE(query, doseq)
    return "&".join(pairs)


def install() -> None:
    """Put them in place of the names nio's client and request-building modules
    imported from urllib."""
    for name in _NIO_MODULES:
        __import__(name)
        module = sys.modules[name]
        if name == _NIO_CLIENT:
            module.parse_qs = parse_qs  # type: ignore[attr-defined]
        module.urlencode = urlencode  # type: ignore[attr-defined]
