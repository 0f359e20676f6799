"""bench/load_mix.py builds the backlog issue 15 describes; bench/load_baseline.py
answers each command with the content given for it."""

from __future__ import annotations

import json
from pathlib import Path

from bench import load_mix
from bench.load_baseline import OK, reply_content


def test_five_thousand_messages_are_four_thousand_commands_three_thousand_reports() -> None:
    bodies = [load_mix.message(i) for i in range(5000)]
    assert sum(map(load_mix.is_command, bodies)) == 4000
    assert sum(map(load_mix.is_report, bodies)) == 3000 == load_mix.reports_in(5000)
    reports = [b for b in bodies if load_mix.is_report(b)]
    assert len(set(reports)) == len(reports), "a repeated report could be taken for a resend"


def test_the_baseline_answers_each_command_with_its_own_content() -> None:
    path = Path(__file__).resolve().parents[2] / "bench" / "data" / "backlog-replies.json"
    content = json.loads(path.read_text())
    report = reply_content(content, load_mix.message(0))
    assert report["body"].startswith("Melding M-")
    assert len(reply_content(content, "!help")["body"]) > len(report["body"])
    assert reply_content(content, "!onbekend") == OK
    assert reply_content({"msgtype": "m.notice", "body": "x"}, "!help")["body"] == "x"
