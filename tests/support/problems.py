"""File problems as a reader sees them: a check records catalogue keys, a test reads text."""

from __future__ import annotations

from collections.abc import Iterable

from commands.i18n import Language, t
from knowledge.problems import FileProblem


def said(problems: Iterable[FileProblem], lang: Language = "en") -> list[str]:
    return [t(lang, problem.key, **problem.args) for problem in problems]
