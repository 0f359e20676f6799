"""Which package may import which: read from the source (every import statement,
also those inside functions) and, for the console, from a fresh interpreter."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ("commands", "knowledge", "storage")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str
    top_level: bool  # at module level, not inside a function or class


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top = {id(node) for node in tree.body}
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found: list[Import] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from bot import devtools` imports a module too: count both spellings.
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for name in names:
            found.append(Import(path, node.lineno, name, id(node) in top))
    return found


def sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def where(item: Import) -> str:
    return f"{item.path.relative_to(ROOT)}:{item.line} imports {item.module}"


def test_core_packages_import_neither_nio_nor_bot() -> None:
    wrong = [
        where(item)
        for path in sources(*CORE)
        for item in imports_of(path)
        if within(item.module, "nio") or within(item.module, "bot")
    ]
    assert sources(*CORE), "no sources found: the test reads the wrong directory"
    assert wrong == []


def lazy_demo_import(item: Import) -> bool:
    """The one allowed way in: `knooppunt demo` loads the demo when that subcommand runs."""
    return (
        item.path == ROOT / "bot" / "cli" / "main.py"
        and not item.top_level
        and item.module.startswith("bot.devtools.demo")
    )


def test_runtime_does_not_import_devtools() -> None:
    runtime = [p for p in sources("bot") if "devtools" not in p.relative_to(ROOT).parts]
    assert ROOT / "bot" / "app.py" in runtime and ROOT / "bot" / "cli" / "main.py" in runtime
    wrong = [
        where(item)
        for path in runtime
        for item in imports_of(path)
        if within(item.module, "bot.devtools") and not lazy_demo_import(item)
    ]
    assert wrong == []
    # The CLI's demo branch does reach the devtools: the exception above is in use.
    assert any(lazy_demo_import(item) for item in imports_of(ROOT / "bot" / "cli" / "main.py"))


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sources("bot", *CORE)}


def reachable(*roots: str) -> tuple[set[str], list[Import]]:
    """The project modules that `roots` reach through their imports, and every import
    statement in those modules (importing a.b.c runs a/__init__ and a/b/__init__ too)."""
    modules = project_modules()
    seen: set[str] = set()
    todo = list(roots)
    found: list[Import] = []
    while todo:
        current = todo.pop()
        if current in seen or current not in modules:
            continue
        seen.add(current)
        for item in imports_of(modules[current]):
            found.append(item)
            parts = item.module.split(".")
            todo.extend(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return seen, found


def test_console_imports_no_nio_statically() -> None:
    """Everything the console can reach through project imports is free of nio."""
    seen, found = reachable("bot.console")
    assert "bot.wiring" in seen and "commands.dispatcher" in seen
    assert [where(item) for item in found if within(item.module, "nio")] == []


def loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", ["bot.console", "bot.cli"])
def test_console_and_cli_load_no_nio(module: str) -> None:
    loaded = loaded_after_import(module)
    assert module in loaded
    assert sorted(m for m in loaded if within(m, "nio")) == []


@pytest.mark.parametrize("module", ["bot.app", "bot.cli", "bot.console"])
def test_runtime_loads_no_devtools(module: str) -> None:
    loaded = loaded_after_import(module)
    assert module in loaded
    assert sorted(m for m in loaded if within(m, "bot.devtools")) == []


def test_registry_and_dispatcher_do_not_import_each_other() -> None:
    """The context lives in commands/context.py; command modules need no dispatcher."""
    registry = {item.module for item in imports_of(ROOT / "commands" / "registry.py")}
    dispatcher = {item.module for item in imports_of(ROOT / "commands" / "dispatcher.py")}
    assert "commands.registry" in dispatcher
    assert not any(within(m, "commands.dispatcher") for m in registry)
    context = {item.module for item in imports_of(ROOT / "commands" / "context.py")}
    assert not any(within(m, "commands.dispatcher") for m in context)
    # Only the package front and the assembly of the bot's registry reach the dispatcher.
    allowed = {ROOT / "commands" / "__init__.py", ROOT / "commands" / "builtin.py"}
    wrong = [
        where(item)
        for path in sources("commands")
        if path not in allowed and path != ROOT / "commands" / "dispatcher.py"
        for item in imports_of(path)
        if within(item.module, "commands.dispatcher")
    ]
    assert wrong == []


def loaded_after_running(argv: list[str], tmp: Path) -> set[str]:
    code = (
        "import sys\nfrom bot.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KNOOPPUNT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'k.db'}",
        "KNOOPPUNT_DATA_DIR": str(tmp),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return set(result.stderr.split())


def test_cli_help_loads_neither_configuration_nor_database(tmp_path: Path) -> None:
    """`knooppunt --help` is argparse and the subcommand modules' parsers, nothing more."""
    loaded = loaded_after_running(["--help"], tmp_path)
    assert "bot.cli.main" in loaded and "bot.cli.knowledge" in loaded
    heavy = ("nio", "aiohttp", "sqlalchemy", "pydantic", "yaml", "commands", "knowledge")
    assert sorted(m for m in loaded if any(within(m, h) for h in heavy)) == []


def test_cli_knowledge_search_loads_no_matrix_server_or_handlers(tmp_path: Path) -> None:
    loaded = loaded_after_running(["knowledge", "search", "kat"], tmp_path)
    assert "knowledge.search" in loaded  # it did search
    unneeded = ("nio", "aiohttp", "commands.dispatcher", "knowledge.service", "bot.app")
    assert sorted(m for m in loaded if any(within(m, u) for u in unneeded)) == []
