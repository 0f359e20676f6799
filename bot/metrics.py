"""Prometheus metrics, in a registry of the bot's own (no global state between bots in tests)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "knooppunt_events_processed",
            "Matrix events handled, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.commands = Counter(
            "knooppunt_commands",
            "Chat commands, by name and outcome",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.reply_latency = Histogram(
            "knooppunt_reply_latency_seconds",
            "From receiving an event to its reply being accepted by the homeserver",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.sync_errors = Counter(
            "knooppunt_sync_errors", "Failed sync attempts", registry=self.registry
        )
        self.entries = Counter(
            "knooppunt_entries_recorded", "Situation entries recorded", registry=self.registry
        )
        self.questions = Counter(
            "knooppunt_questions",
            "Questions, by whether they were answered",
            ["answered"],
            registry=self.registry,
        )
        self.domino_alerts = Counter(
            "knooppunt_domino_alerts",
            "Domino alerts queued for dependent partners' rooms, by whether the room saw "
            "the report's content (full) or only that there is a severe outage (redacted)",
            ["kind"],
            registry=self.registry,
        )
        self.alerts_undelivered = Counter(
            "knooppunt_alerts_undelivered",
            "Alerts (coordinator or domino) that did not reach their room, their reporter "
            "told: voided (the room may no longer see the report) or refused",
            ["reason"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "knooppunt_outbox_pending", "Replies waiting to be sent", registry=self.registry
        )
        self.last_sync_age = Gauge(
            "knooppunt_last_sync_age_seconds",
            "Seconds since the last successful sync",
            registry=self.registry,
        )

    def command(self, name: str, outcome: str, events: list[str]) -> None:
        if outcome == "ok" and "report.refused" in events:
            # The handler ran fine but stored nothing: the user's report was refused.
            outcome = "refused"
        self.commands.labels(command=name, outcome=outcome).inc()
        for event in events:
            if event == "entry.recorded":
                self.entries.inc()
            elif event.startswith("domino.alert."):
                self.domino_alerts.labels(kind=event.removeprefix("domino.alert.")).inc()
            elif event in ("question.answered", "question.open"):
                self.questions.labels(answered=str(event == "question.answered").lower()).inc()
