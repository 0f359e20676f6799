"""nio's token removal with per-field caches (bot/nio_query.py): urllib's results exactly.

Generated queries (any characters, `+` and `%` escapes, repeated and blank fields, no
`=`), the paths nio builds for the bot's requests, and nio's own steps in `_send`
with urllib's functions and with the module's must give the same dicts and strings.
"""

from __future__ import annotations

import inspect
import json
from unittest import mock
from urllib import parse

from hypothesis import given, settings
from hypothesis import strategies as st
from nio import api as nio_api
from nio.api import Api
from nio.client import async_client

from bot import nio_query
from bot.runner import make_client
from bot.syncer import SYNC_FILTER

TOKEN = "syt_Ym90_aBcDeFgHiJkLmNoPqRsT_1a2b3c"
PIECES = st.sampled_from(["a", "=", "&", "+", "%", "%2", "%2B", "%e2%82%ac", "%ZZ", " ", "é", ";"])
QUERY = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=12).map("".join)
TEXT = st.text(max_size=12)


@settings(max_examples=400)
@given(QUERY)
def test_parse_qs_is_urllibs(query: str) -> None:
    assert nio_query.parse_qs(query) == parse.parse_qs(query)
    assert list(nio_query.parse_qs(query)) == list(parse.parse_qs(query))  # the order


@settings(max_examples=400)
@given(st.dictionaries(TEXT, st.lists(TEXT, max_size=3), max_size=5))
def test_urlencode_is_urllibs(query: dict[str, list[str]]) -> None:
    assert nio_query.urlencode(query, doseq=True) == parse.urlencode(query, doseq=True)
    assert nio_query.urlencode(query) == parse.urlencode(query)  # lists as their str()


@settings(max_examples=400)
@given(st.dictionaries(TEXT, TEXT, max_size=5), st.booleans())
def test_urlencode_of_strings_is_urllibs(query: dict[str, str], doseq: bool) -> None:
    assert nio_query.urlencode(query, doseq) == parse.urlencode(query, doseq)


def test_other_arguments_and_types_go_to_urllib() -> None:
    assert nio_query.parse_qs("a=&b=1", keep_blank_values=True) == {"a": [""], "b": ["1"]}
    assert nio_query.parse_qs(b"a=1") == {b"a": [b"1"]}
    assert nio_query.urlencode({"a": "x y"}) == "a=x+y"  # no doseq: a str value as is
    assert nio_query.urlencode({"a": ("1", "2")}, doseq=True) == "a=1&a=2"
    assert nio_query.urlencode({"a": [1]}, doseq=True) == "a=1"
    assert nio_query.urlencode({"a": 30000, "b": "x"}) == "a=30000&b=x"
    assert nio_query.urlencode({1: "x"}) == "1=x"
    assert nio_query.urlencode([("a", "1")], doseq=True) == "a=1"


def _nio_steps(path: str, parse_qs: object, urlencode: object) -> str:
    """The lines of nio's `_send` that drop the token, with the functions given."""
    url = list(parse.urlparse(path))
    qs = parse_qs(url[4])  # type: ignore[operator]
    qs.pop("access_token", None)
    url[4] = urlencode(qs, doseq=True)  # type: ignore[operator]
    return parse.urlunparse(url)


def test_the_bots_requests_lose_the_token_as_with_urllib() -> None:
    nio_query.install()  # nio's Api builds the paths with the cached urlencode
    paths = [
        Api.sync(TOKEN, since=f"s{n}_7_0_1", timeout=30_000, filter=SYNC_FILTER)[1]
        for n in range(3)
    ]
    paths.append(Api.sync(TOKEN, since=None, timeout=None, filter=None)[1])
    paths.append(Api.room_send(TOKEN, "!r:x", "m.room.message", {"body": "é"}, "t1")[1])
    paths.append(Api.room_messages(TOKEN, "!r:x", "t_1", end="t_0", limit=100)[1])
    paths.append(Api.join(TOKEN, "#alias with space:x")[1])
    with mock.patch.object(nio_api, "urlencode", parse.urlencode):  # as nio builds them
        assert paths[0] == Api.sync(TOKEN, since="s0_7_0_1", timeout=30_000, filter=SYNC_FILTER)[1]
        assert paths[4] == Api.room_send(TOKEN, "!r:x", "m.room.message", {"body": "é"}, "t1")[1]
    for path in paths:
        expected = _nio_steps(path, parse.parse_qs, parse.urlencode)
        assert _nio_steps(path, nio_query.parse_qs, nio_query.urlencode) == expected
        assert "access_token" not in expected
    filtered = _nio_steps(paths[0], nio_query.parse_qs, nio_query.urlencode)
    query = parse.parse_qs(parse.urlparse(filtered).query)
    assert json.loads(query["filter"][0]) == SYNC_FILTER
    assert query["since"] == ["s0_7_0_1"]


def test_installed_where_nio_drops_the_token(tmp_path: object) -> None:
    """Pin: nio's `_send` calls the module-level `parse_qs` and `urlencode(qs, doseq=True)`
    of its client module; the bot's client puts the cached ones there."""
    source = inspect.getsource(async_client.AsyncClient._send)
    assert "qs = parse_qs(url[4])" in source
    assert "urlencode(qs, doseq=True)" in source
    nio_query.install()
    assert async_client.parse_qs is nio_query.parse_qs  # type: ignore[attr-defined]
    assert async_client.urlencode is nio_query.urlencode  # type: ignore[attr-defined]
    assert nio_api.urlencode is nio_query.urlencode  # type: ignore[attr-defined]
    assert "urlencode(query_parameters)" in inspect.getsource(Api._build_path)
    assert "nio_query.install()" in inspect.getsource(make_client)
