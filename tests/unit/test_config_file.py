"""The CLI's language when the settings fail: the one the operator configured.

When a setting fails validation there are no settings to ask for the language; the
CLI then reads `language` from the environment or, failing that, from the file
itself (bot/config_file.py), so an English file's error is said in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("env", "text", "said"),
    [
        # The file's own language, when another setting fails.
        (None, "language: en\nlog_level: LOUD\n", "config error: log_level"),
        # The environment still wins over the file, as it does for the settings.
        ("nl", "language: en\nlog_level: LOUD\n", "configuratiefout: log_level"),
        # No language to be read: the default, Dutch.
        (None, "language: fr\n", "configuratiefout: language"),
        (None, "- not\n- a mapping\n", "configuratiefout: "),
    ],
)
def test_a_bad_setting_is_said_in_the_configured_language(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: str | None,
    text: str,
    said: str,
) -> None:
    from bot.cli import main

    if env is None:
        monkeypatch.delenv("KNOOPPUNT_LANGUAGE", raising=False)
    else:
        monkeypatch.setenv("KNOOPPUNT_LANGUAGE", env)
    config = tmp_path / "k.yaml"
    config.write_text(text, encoding="utf-8")
    assert main(["run", "--config", str(config)]) == 2
    assert capsys.readouterr().err.strip().startswith(f"knooppunt: {said}")
