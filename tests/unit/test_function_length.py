"""Long functions are split where a name helps the reader: no function (or method) in
bot/, commands/, knowledge/ or storage/ is longer than MAX_LINES, from its `def` line
to its last line (docstring and decorators' arguments included, decorators not)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "commands", "knowledge", "storage")
MAX_LINES = 60
# Functions allowed to be longer; a new entry needs a reason (a declarative table, say).
ALLOWED: set[str] = set()


def long_functions(path: Path, limit: int = MAX_LINES) -> list[str]:
    """`<file>:<Class.function> <lines>` for each function longer than `limit`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                lines = (child.end_lineno or child.lineno) - child.lineno + 1
                if lines > limit:
                    found.append(f"{where}:{name} {lines}")
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_no_function_is_longer_than_the_limit() -> None:
    files = sources()
    assert ROOT / "bot" / "syncer.py" in files and ROOT / "storage" / "items.py" in files
    found = [hit for path in files for hit in long_functions(path)]
    assert [hit for hit in found if hit.partition(" ")[0] not in ALLOWED] == []


def test_the_check_finds_a_long_method(tmp_path: Path) -> None:
    body = "".join(f"        x{i} = {i}\n" for i in range(60))
    sample = tmp_path / "sample.py"
    sample.write_text(
        f"class A:\n    async def long(self):\n{body}\n    def short(self):\n        pass\n",
        encoding="utf-8",
    )
    assert long_functions(sample) == ["sample.py:A.long 61"]
