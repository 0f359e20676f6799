"""One text catalogue: every key in Dutch and English with the same placeholders, and
no literal sentence on its way to a user outside the catalogue."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from commands.i18n import TEXTS, t

ROOT = Path(__file__).resolve().parents[2]
# Keys that are empty on purpose: "no hint" after an unknown word.
MAY_BE_EMPTY = {"report_parser.no_hint"}
# Files not yet in the catalogue (relative paths). Empty: every scanned file says its
# sentences through `t`; a file added here needs a reason and an issue.
PENDING: set[str] = set()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def entry_faults(key: str, entry: dict[str, str]) -> list[str]:
    faults = []
    if set(entry) != {"nl", "en"}:
        return [f"{key}: languages {sorted(entry)}"]
    if key not in MAY_BE_EMPTY and not (entry["nl"].strip() and entry["en"].strip()):
        faults.append(f"{key}: empty")
    if placeholders(entry["nl"]) != placeholders(entry["en"]):
        faults.append(f"{key}: placeholders differ")
    # The configured prefix, never a hard-coded "!": "!incident" in a reply is wrong
    # for a bot whose prefix is "?".
    faults += [f"{key}: '!'" for text in entry.values() if re.search(r"(?<![\w{])![a-z]", text)]
    return faults


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_key_has_dutch_and_english_with_the_same_placeholders(key: str) -> None:
    assert entry_faults(key, dict(TEXTS[key])) == []


def test_the_check_catches_a_gap_a_placeholder_and_a_bare_prefix() -> None:
    assert entry_faults("a", {"nl": "Hallo {naam}"}) != []
    assert entry_faults("b", {"nl": "Hallo {naam}", "en": "Hello {name}"}) != []
    assert entry_faults("c", {"nl": "Typ !hulp", "en": "Type !help"}) != []
    assert entry_faults("d", {"nl": "Typ {prefix}hulp", "en": "Type {prefix}help"}) == []


def test_nested_values_follow_the_language() -> None:
    from commands.report_parser import Problem

    hint = Problem.of("report_parser.did_you_mean", suggestion="opvang")
    assert "Bedoelde je" in t("nl", "grammar_error", error=hint)
    assert "Did you mean" in t("en", "grammar_error", error=hint)


def scanned() -> list[Path]:
    files = [*sorted((ROOT / "commands").glob("*.py")), *sorted((ROOT / "knowledge").glob("*.py"))]
    # bot/ and its CLI and dev tools (bot/web has its own templates); storage/ too.
    files += [*sorted((ROOT / "bot").glob("*.py")), *sorted((ROOT / "bot" / "cli").glob("*.py"))]
    files += sorted((ROOT / "bot" / "devtools").glob("*.py"))
    files += sorted((ROOT / "storage").glob("*.py"))
    return [p for p in files if str(p.relative_to(ROOT)) not in PENDING and p.name != "i18n.py"]


# Where a string reaches a person: a reply, an HTML escape of one, the console, stdout.
# An operator's error (`ConfigError`), a content file's rule, the demo's narration.
SINKS = {"plain", "Reply", "print", "write", "escape", "UserError", "Problem"}
SINKS |= {"ConfigError", "ContentRule", "ArgumentTypeError", "DemoError", "HomeserverError"}
SINKS |= {"_say"}
# A validator's `ValueError` in a content file (knowledge/) reaches the operator who
# imports the file: it says a `ContentRule` key instead. Except in these files:
RAISES_FOR_A_DEVELOPER = {
    # the glossary shipped inside the package is broken: a packaging bug, not content
    "knowledge/text.py",
}
SENTENCE = re.compile(r"[A-Za-zÀ-ÿ]{2,}\s+[A-Za-zÀ-ÿ]{2,}")


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _adds_a_problem(call: ast.Call) -> bool:
    """`result.problems.append(...)`: a file check's problem reaches the operator."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "append"):
        return False
    target = func.value
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name == "problems"


def _strings(node: ast.AST) -> list[tuple[int, str]]:
    """String literals under `node`, an f-string as one text; a `t(...)` call is skipped."""
    if isinstance(node, ast.Call) and _name(node) == "t":
        return []  # a catalogue lookup: its arguments are a key and values
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.lineno, node.value)]
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
        inner = [s for v in node.values if isinstance(v, ast.FormattedValue) for s in _strings(v)]
        return [(node.lineno, text), *inner]
    return [found for child in ast.iter_child_nodes(node) for found in _strings(child)]


def _raises_a_value_error(path: Path, node: ast.AST) -> bool:
    """`raise ValueError("...")` in a content module: a validator's message."""
    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
        return False
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    content = where.startswith("knowledge/") or not path.is_relative_to(ROOT)
    return content and where not in RAISES_FOR_A_DEVELOPER and _name(node.exc) == "ValueError"


def literal_sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if _raises_a_value_error(path, node):
            assert isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            texts = [text for arg in node.exc.args for _, text in _strings(arg)]
            found += [f"{path.name}:{node.lineno} {t!r}" for t in texts if SENTENCE.search(t)]
        if not isinstance(node, ast.Call):
            continue
        if _name(node) == "tr":
            found.append(f"{path.name}:{node.lineno} tr(nl, en)")
        # `FileResult(problems=[...])`: a file check's problems, given at once.
        given = [k.value for k in node.keywords if k.arg == "problems"]
        if _name(node) not in SINKS and not _adds_a_problem(node) and not given:
            continue
        args = given or [*node.args, *(k.value for k in node.keywords)]
        for arg in args:
            for line, text in _strings(arg):
                if SENTENCE.search(text):
                    found.append(f"{path.name}:{line} {text[:60]!r}")
    return found


def test_no_literal_sentence_outside_the_catalogue() -> None:
    files = scanned()
    assert ROOT / "commands" / "reports.py" in files and ROOT / "bot" / "console.py" in files
    assert (
        ROOT / "bot" / "cli" / "crypto.py" in files and ROOT / "knowledge" / "objects.py" in files
    )
    assert ROOT / "bot" / "devtools" / "demo.py" in files and ROOT / "bot" / "config.py" in files
    found = [hit for path in files for hit in literal_sentences(path)]
    assert found == []


def test_the_scan_finds_a_literal_sentence(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'def f(lang):\n    return [render.plain(f"Melding {code} opgeslagen.")]\n'
        'def g(lang):\n    return tr(lang, "ja", "yes")\n'
        'def h(result):\n    result.problems.append(f"line {n}: not a mapping of fields")\n'
        'def i(path):\n    return FileResult(path=path, problems=["not UTF-8 text"])\n'
        'def j(value):\n    raise ValueError(f"unknown sector {value!r}")\n'
        'def k(value):\n    raise ConfigError(f"--format must be one of {value}")\n',
        encoding="utf-8",
    )
    assert len(literal_sentences(sample)) == 6
