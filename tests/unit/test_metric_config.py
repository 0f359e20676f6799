"""The metric vocabulary is extendable in the config file (`metrics:`), validated at the
edge: a configured metric is recognised in reports by its Dutch and English labels and
shown with its label and unit; a wrong entry is one clear config error line.

Regression test: `MetricVocabulary.extended` existed but nothing read configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.wiring import build_dispatcher
from commands.i18n import said
from commands.phone import METRICS
from commands.report_parser import parse_report

CONFIG = """
metrics:
  zandzakken_geplaatst:
    nl: zandzakken geplaatst
    en: sandbags placed
    unit: zakken
  pompen_actief:
    nl: actieve pompen
    en: active pumps
"""


@pytest.fixture
def configured(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "knooppunt.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    yield path
    METRICS.configure({})  # one vocabulary per process: back to the built-in one


def test_configured_metrics_are_parsed_and_labelled(configured: Path) -> None:
    settings = load_settings(configured)
    dispatcher = build_dispatcher(settings)
    vocabulary = dispatcher.settings.vocabulary
    for line in ("zandzakken geplaatst: 1.200", "sandbags placed: 1200"):
        draft = parse_report("water", ["gemeente: Dordrecht", line], datetime.now(UTC), vocabulary)
        assert not isinstance(draft, list), draft
        assert [(f.metric, f.value) for f in draft.figures] == [("zandzakken_geplaatst", 1200)]
    assert METRICS.label("zandzakken_geplaatst", "nl") == "zandzakken geplaatst"
    assert METRICS.label("zandzakken_geplaatst", "en") == "sandbags placed"
    assert METRICS.unit("zandzakken_geplaatst", "nl") == "zakken"
    # A configured entry replaces the built-in label of the same key.
    assert METRICS.label("pompen_actief", "nl") == "actieve pompen"
    # The built-in ones stay.
    assert METRICS.label("huishoudens_zonder_stroom", "en") == "households without power"


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ("metrics:\n  Zand Zakken:\n    nl: zandzakken\n", "'Zand Zakken' is not a metric key"),
        ("metrics:\n  zandzakken:\n    en: sandbags\n", "metrics.zandzakken.nl"),
        ("metrics:\n  zandzakken:\n    nl: zandzakken\n    kleur: geel\n", "kleur"),
        ("metrics:\n  zandzakken:\n    nl: '  '\n", "metrics.zandzakken.nl"),
    ],
)
def test_a_wrong_metric_entry_is_one_clear_line(
    tmp_path: Path, yaml_text: str, needle: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    message = said("en", error.value)  # as the CLI says it
    assert message.startswith("config error:") and "\n" not in message
    assert needle in message, message
