"""The portal's HTML, from the picture model (`storage.picture_service.RoomPicture`).

jinja2 with autoescaping on for every template: whatever a report says is text, never
markup. The incident page is a list of sections, each a template in
`templates/sections/`; a new part of the picture (decisions, actions, ...) is one more
template and one more name in `SECTIONS`, filled from its field on `RoomPicture`.
Imports no matrix-nio (tests/unit/test_layering.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from commands import picture_domino, picture_record
from commands.common import age, local_time
from commands.i18n import Language, t
from commands.phone import METRICS
from commands.picture import closed_mark, figure_value, heard_of_line, state_place, state_text
from commands.questions import open_question_line
from storage import tlp
from storage.picture import Picture
from storage.picture_service import RoomPicture
from storage.portal_view import EntryView, PortalRoom
from storage.timezone import AMSTERDAM
from storage.vocabulary import Category, Phase, Severity, Status

STALE_AFTER = timedelta(hours=6)
# Charts on one page: the first metrics (the tables list them all). Each is one request
# and one pygal render; more is a long scroll on a phone.
MAX_CHARTS = 8
# The incident page's sections, in order: one template each in templates/sections/.
SECTIONS = ("attention", "heard", "domino", "record", "latest", "figures", "changes", "questions")

ENV = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _tlp_class(label: str) -> str:
    return label.lower().replace("+", "-")


@dataclass
class Page:
    """What every page template gets."""

    lang: Language
    label: str
    title: str
    base: str  # /p/<token>: the link's own pages start here
    print_view: bool = False
    live: bool = False
    marker: str = ""
    # Where a live page polls its marker ("": the incident's, `<base>/marker`), and
    # whether it has an event stream (only the incident page is pushed).
    poll: str = ""
    events: bool = True

    @property
    def tlp_class(self) -> str:
        return _tlp_class(self.label)

    def t(self, key: str, **args: Any) -> str:
        return t(self.lang, key, **args)

    @property
    def age_units(self) -> dict[str, str]:
        return age_units(self.lang)


@dataclass(frozen=True)
class Age:
    """A cell that shows how long ago `moment` was ("5 min"), between `before` and
    `after`: rendered as `<time datetime="..." data-age>5 min</time>`. The page served
    over HTTP carries the text (a page without JavaScript shows it); the pushed page
    does not (`without_ages`): the portal's own script (static/portal.js) fills it in
    from `datetime`, so a pushed page stays the same text for every viewer and as time
    passes, and a patch carries only what changed in the picture."""

    moment: datetime
    text: str
    before: str = ""
    after: str = ""

    @property
    def iso(self) -> str:
        return self.moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Cell = str | Age

# The age texts of a rendered page (autoescaped text never holds "<" or ">": only the
# template's own <time data-age> element matches).
_AGE_TEXT = re.compile(r"(<time datetime=\"[0-9TZ:-]+\" data-age>)[^<>]*(</time>)")


def without_ages(html: str) -> str:
    """The page with its age texts left out (portal.js fills them in)."""
    return _AGE_TEXT.sub(r"\1\2", html)


def age_units(lang: Language) -> dict[str, str]:
    """How portal.js words an age, from the catalogue (`commands.common.age`), with
    "{n}" for the number: minutes, hours (under 48), days."""
    return {
        "min": "{n} min",
        "h": t(lang, "common.h", hours="{n}"),
        "d": t(lang, "common.days", value="{n}"),
    }


@dataclass
class Row:
    cells: list[Cell]
    entry_id: int | None = None
    severe: bool = False


@dataclass
class Chart:
    title: str
    url: str
    alt: str


@dataclass
class IncidentView:
    page: Page
    heading: str
    phase: str
    period: str
    count: int
    generated: str
    view_of: str
    attention: list[Row] = field(default_factory=list)
    # Said when the attention list left its oldest items out (`Picture.attention_cut`).
    attention_cut: str = ""
    # The severe reports the room only heard of, as `!beeld` names them (the chat and the
    # page are one picture: commands/picture.py `heard_of_line`); "" when none.
    heard: str = ""
    categories: list[tuple[str, list[Row]]] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    changes_title: str = ""
    changes: list[tuple[str, list[int]]] = field(default_factory=list)
    since_value: str = ""
    questions: list[str] = field(default_factory=list)
    # "Mogelijke domino-effecten": the summary line and one line per dependent sector.
    domino: tuple[str, list[str]] | None = None
    # Assessments, decisions, open and done actions, as `!beeld` shows them: (title, lines).
    record: list[tuple[str, list[str]]] = field(default_factory=list)
    # An exercise's page says OEFENING first, as every output of an exercise does.
    exercise: str = ""
    # " · GESLOTEN sinds …" after the phase of a closed incident, as the chat picture.
    closed: str = ""
    sections: tuple[str, ...] = SECTIONS


def incident_page(
    room_picture: RoomPicture,
    room: PortalRoom,
    now: datetime,
    lang: Language,
    base: str,
    *,
    print_view: bool = False,
    marker: str = "",
    curator: bool = False,
) -> str:
    picture, incident = room_picture.picture, room_picture.incident
    label = tlp.highest(
        [
            *picture.labels,
            *(q.tlp for q in room_picture.questions),
            *picture_domino.labels(room_picture.domino),
            *room_picture.record.labels,
            *room_picture.heard_of.labels,
        ]
    )
    page = Page(
        lang,
        label,
        f"{t(lang, 'portal.page_title')} {incident.slug}",
        base,
        print_view=print_view,
        # A printable version left open on a screen is a page too: it polls (no event
        # stream) and lets go of what its room may no longer see, like the page.
        live=True,
        marker=marker,
        events=not print_view,
    )
    start = local_time(picture.since) if picture.since else t(lang, "portal.start")
    view = IncidentView(
        page=page,
        heading=f"{incident.slug}: {incident.title}",
        phase=Phase.display(incident.phase, lang),
        closed=closed_mark(incident, lang),
        period=f"{start} – {local_time(now)}",
        count=picture.entry_count,
        generated=local_time(now),
        view_of=t(
            lang, "portal.view_of", room=room.access.room_id, clearance=_read_at(room.access)
        ),
        attention=_attention_rows(picture, now, lang),
        attention_cut=_attention_cut(picture, lang),
        heard=heard_of_line(room_picture.heard_of, lang),
        categories=_category_rows(picture, now, lang),
        figures=_figure_rows(picture, now, lang),
        charts=_charts(picture, base, lang),
        questions=[open_question_line(q, with_asker=curator) for q in room_picture.questions],
        record=picture_record.titled(room_picture.record, lang, now),
    )
    _changes(view, picture, lang)
    if room_picture.domino:
        view.domino = picture_domino.lines(room_picture.domino, lang)
    if incident.exercise:
        view.exercise = t(lang, "exercise.marker")
    return ENV.get_template("incident.html").render(view=view, page=page)


def _attention_cut(picture: Picture, lang: Language) -> str:
    """The line that says an attention list was cut at its limit (empty when whole)."""
    if not picture.attention_cut:
        return ""
    return t(lang, "picture.attention_cut", limit=len(picture.attention))


def _attention_rows(picture: Picture, now: datetime, lang: Language) -> list[Row]:
    return [
        Row(
            [
                item.code,
                Category.display(item.category, lang),
                item.organisation or "-",
                item.place,
                Severity.display(item.severity, lang),
                Age(item.observed_at, age(now, item.observed_at, lang)),
                item.text,
            ],
            item.entry_id,
            severe=True,
        )
        for item in picture.attention
    ]


def _category_rows(picture: Picture, now: datetime, lang: Language) -> list[tuple[str, list[Row]]]:
    """The latest state per category, categories in alphabetical order."""
    by_category: dict[str, list[Row]] = defaultdict(list)
    for s in picture.states:
        by_category[Category.display(s.category, lang)].append(
            Row(
                [
                    s.code,
                    s.organisation or "-",
                    state_place(s),
                    Severity.display(s.severity, lang),
                    Status.display(s.status, lang),
                    Age(
                        s.observed_at,
                        age(now, s.observed_at, lang),
                        f"{local_time(s.observed_at)} (",
                        ")",
                    ),
                    state_text(s, picture.state_figures),
                ],
                s.entry_id,
                severe=s.severity in ("Severe", "Extreme"),
            )
        )
    return sorted(by_category.items())


def _figure_rows(picture: Picture, now: datetime, lang: Language) -> list[Row]:
    rows: list[Row] = []
    for f in picture.figures:
        stale = f" ({t(lang, 'portal.stale')})" if now - f.oldest > STALE_AFTER else ""
        oldest = Age(f.oldest, age(now, f.oldest, lang), after=stale)
        total = figure_value(f, lang)
        rows.append(Row([METRICS.label(f.metric, lang), f.region, total, str(f.sources), oldest]))
    return rows


def _read_at(access: tlp.RoomAccess) -> str:
    """The clearance the room's view is read at now: its binding's, unless the rule
    (`tlp.may_see`, asked here, not restated) lets it see nothing above CLEAR from
    other rooms, as for a public room: the page must not claim access it does not give."""
    if tlp.RANK[access.clearance] <= tlp.RANK["CLEAR"]:
        return access.clearance
    cleared = tlp.may_see(access, "GREEN", "", access.organisation)
    return access.clearance if cleared else "CLEAR"


def _charts(picture: Picture, base: str, lang: Language) -> list[Chart]:
    charts: list[Chart] = []
    for metric in charted_metrics(picture):
        name = METRICS.label(metric, lang)
        version = chart_version(picture, metric)
        charts.append(
            Chart(
                name,
                f"{base}/chart?m={quote(metric, safe='')}&v={version}",
                t(lang, "portal.chart_alt", metric=name),
            )
        )
    return charts


def _changes(view: IncidentView, picture: Picture, lang: Language) -> None:
    """What changed since the chosen time, grouped by kind of change."""
    if picture.changes_since is None:
        return
    view.changes_title = t(lang, "portal.changes_since", since=local_time(picture.changes_since))
    view.since_value = picture.changes_since.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")
    grouped: dict[str, list[int]] = defaultdict(list)
    for c in picture.changes:
        grouped[c.kind].append(c.entry_id)
    for kind in ("new", "updated", "resolved", "retracted"):
        if grouped[kind]:
            view.changes.append((t(lang, f"portal.change.{kind}"), grouped[kind]))


def chart_version(picture: Picture, metric: str) -> str:
    """A version of a metric's chart for its URL: a live page fetches a chart again
    when its figures moved, and only then (a browser does not load an image URL it
    already has on the page again). Made of the region figures the page itself shows
    (total, sources, oldest report), so it tells a room nothing beyond its own page.
    The server always answers with the current chart, whatever version is asked."""
    rows = sorted(
        f"{f.region}|{f.total!r}|{f.sources}|{f.oldest.isoformat()}|{f.unit}"
        for f in picture.figures
        if f.metric == metric
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:12]


def charted_metrics(picture: Picture) -> list[str]:
    """The metrics the page draws a chart of: the first `MAX_CHARTS`, in table order."""
    metrics: list[str] = []
    for f in picture.figures:
        if f.metric not in metrics:
            metrics.append(f.metric)
    return metrics[:MAX_CHARTS]


def entry_page(
    entry_view: EntryView, now: datetime, lang: Language, base: str, print_view: bool = False
) -> str:
    entry = entry_view.entry
    labels = [entry.tlp, *(r.tlp for r in entry_view.revisions)]
    # Live like the incident page (polled, not pushed): an open entry page lets go of
    # the entry within seconds when its room may no longer see it (a raised label, a
    # retraction, a revoked link, a lowered clearance).
    page = Page(
        lang,
        tlp.highest(labels),
        entry.code,
        base,
        print_view=print_view,
        live=True,
        marker=entry_view.marker,
        poll=f"{base}/e/{entry.id}/marker",
        events=False,
    )
    facts = [
        (t(lang, "portal.col.category"), Category.display(entry.category, lang)),
        (t(lang, "portal.col.organisation"), entry.organisation or "-"),
        (t(lang, "portal.col.place"), entry.place),
        (t(lang, "portal.col.severity"), Severity.display(entry.severity, lang)),
        (t(lang, "portal.col.status"), Status.display(entry.status, lang)),
        (t(lang, "portal.col.time"), local_time(entry.observed_at)),
        ("TLP", entry.tlp),
    ]
    revisions = [
        Row(
            [
                str(r.revision),
                local_time(r.created_at),
                Severity.display(r.severity, lang),
                Status.display(r.status, lang),
                r.tlp,
                f"({t(lang, 'portal.withdrawn')})" if r.withdrawn else r.text,
            ]
        )
        for r in entry_view.revisions
    ]
    return ENV.get_template("entry.html").render(
        page=page, entry=entry, facts=facts, revisions=revisions
    )


def error_page(lang: Language, key: str, prefix: str = "!") -> str:
    page = Page(lang, "CLEAR", t(lang, "portal.page_title"), "")
    return ENV.get_template("error.html").render(page=page, message=t(lang, key, prefix=prefix))
