"""The subcommand table: names in both languages, any case, a default, usage otherwise."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from commands.errors import UserError
from commands.subcommands import Subcommand, Subcommands

ROOT = Path(__file__).resolve().parents[2]


def action(name: str) -> Any:
    async def run(ctx: Any, parsed: Any, args: list[str]) -> list[Any]:
        return [(name, args)]

    return run


TABLE = Subcommands(
    Subcommand(("show", "toon"), action("show")),
    Subcommand(("phase", "fase"), action("phase")),
    default="show",
)
USAGE = UserError("incidents.usage_incident_open_slug", prefix="!")


async def test_either_name_in_any_case_gets_the_words_after_it() -> None:
    assert await TABLE.run(None, None, ["FASE", "x", "warm"], USAGE) == [  # type: ignore[arg-type]
        ("phase", ["x", "warm"])
    ]
    assert await TABLE.run(None, None, ["toon"], USAGE) == [("show", [])]  # type: ignore[arg-type]


async def test_no_words_runs_the_default_and_an_unknown_word_is_the_usage() -> None:
    assert await TABLE.run(None, None, [], USAGE) == [("show", [])]  # type: ignore[arg-type]
    with pytest.raises(UserError) as caught:
        await TABLE.run(None, None, ["sluit"], USAGE)  # type: ignore[arg-type]
    assert caught.value is USAGE


def test_a_name_declared_twice_or_a_missing_default_is_refused() -> None:
    with pytest.raises(ValueError, match="toon"):
        Subcommands(Subcommand(("toon",), action("a")), Subcommand(("toon",), action("b")))
    with pytest.raises(ValueError, match="list"):
        Subcommands(Subcommand(("show",), action("a")), default="list")


def test_no_handler_compares_its_first_word_with_a_tuple_of_names() -> None:
    """`if action in ("show", "toon")` chains are what the table replaces."""
    chains = []
    for path in sorted((ROOT / "commands").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Name)
                and node.left.id in ("action", "sub", "subcommand")
                and isinstance(node.ops[0], ast.In | ast.NotIn)
            ):
                chains.append(f"{path.name}:{node.lineno}")
    assert chains == []
