"""The CLI's language when the settings fail: the one the operator configured.

When a setting fails validation there are no settings to ask for the language; the
CLI then reads `language` from the environment or, failing that, from the file
itself (bot/config_file.py), so an English file's error is said in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def _run_error(config: Path, capsys: pytest.CaptureFixture[str]) -> str:
    from bot.cli import main

    assert main(["run", "--config", str(config)]) == 2
    return capsys.readouterr().err.strip()


def test_a_bad_setting_is_said_in_the_files_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KNOOPPUNT_LANGUAGE", raising=False)
    config = tmp_path / "k.yaml"
    config.write_text("language: en\nlog_level: LOUD\n", encoding="utf-8")
    assert _run_error(config, capsys).startswith("knooppunt: config error: log_level")
    # The environment still wins over the file, as it does for the settings.
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "nl")
    assert _run_error(config, capsys).startswith("knooppunt: configuratiefout: log_level")


def test_without_a_readable_language_the_default_is_dutch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KNOOPPUNT_LANGUAGE", raising=False)
    config = tmp_path / "k.yaml"
    config.write_text("language: fr\n", encoding="utf-8")
    assert _run_error(config, capsys).startswith("knooppunt: configuratiefout: language")
    config.write_text("- not\n- a mapping\n", encoding="utf-8")
    assert "knooppunt: configuratiefout" in _run_error(config, capsys)
