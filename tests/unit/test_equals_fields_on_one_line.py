"""Two `key=value` fields on one body line (lead's user check, session 14).

`gemeente=Dordrecht ernst=extreem` on a line of its own, as a liaison types the
command-line form under the command, stored the municipality "Dordrecht ernst=extreem"
and the severity unknown: no coordinator alert, not in the attention list, under a
confirmation that looked like success. The one-line check of session 13 looked for
`key:` inside a value only; a known field written `key=` inside another's value is now
refused the same way (each field on its own line).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dispatcher import CommandSettings
from commands.report_parser import parse_report

VOCAB = CommandSettings(bot_user_id="@b:x").vocabulary


@pytest.mark.parametrize(
    "line",
    [
        "gemeente=Dordrecht ernst=extreem",
        'gemeente="Hoeksche Waard" ernst=extreem',
        "gemeente=“Hoeksche Waard” ernst=extreem",
        "gemeente=Dordrecht, ernst=extreem",
        "gemeente: Dordrecht ernst=extreem",
        "locatie=Kade 3 status=opgelost",
    ],
)
def test_a_second_equals_field_in_a_value_is_refused(line: str) -> None:
    result = parse_report("water", [line, "Dijk doorgebroken."], datetime.now(UTC), VOCAB)
    assert isinstance(result, list), result
    assert any(p.key == "report_parser.field_inside_value" for p in result), result


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("locatie=Kade 3", "Kade 3"),
        ("locatie: a=b straat", "a=b straat"),  # not a field name before the '='
    ],
)
def test_a_value_with_an_equals_sign_that_is_no_field_is_kept(line: str, value: str) -> None:
    result = parse_report("water", [line, "x"], datetime.now(UTC), VOCAB)
    assert not isinstance(result, list), result
    assert result.location == value
