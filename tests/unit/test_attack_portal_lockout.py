"""Attack on the portal's guessing limit (outside tester, session 11).

Failed token checks are limited per client address (10 a minute), and a throttled
address had every request refused, valid links included. But the portal sits behind a
reverse proxy (`public_url`), and a crisis centre's staff share one address: everyone
is one client. One stale tab was enough to lock them all out: after a restart of the
bot its expired link's stream is refused, and the page's script fell back to polling
the marker every 2 s, each poll a failed check, for as long as the tab stayed open,
while it showed its old picture as if nothing happened. An outsider needed only ten
requests a minute.

Now a link that opened its page before keeps working for a throttled address (it is
no guess: its hash is known valid), a new token from that address is still not checked
(guessing stays limited), and the page's script stops polling on a refusal and loads
the page again, which then says the link no longer works.
"""

from __future__ import annotations

from importlib import resources

from tests.unit.test_portal import ALICE, BOB, COORD, Rig, client, db, dispatcher, rig

__all__ = ["client", "db", "dispatcher", "rig"]


async def test_a_link_in_use_survives_someone_else_s_failed_checks(rig: Rig) -> None:
    token = await rig.link(COORD, ALICE)
    assert (await rig.http.get(f"/p/{token}")).status == 200
    statuses = [(await rig.http.get(f"/p/stale{i}/marker")).status for i in range(8)]
    assert statuses[-1] == 429, statuses  # the address is throttled
    assert (await rig.http.get(f"/p/{token}")).status == 200
    assert (await rig.http.get(f"/p/{token}/marker")).status == 200
    # A token this address has not opened before is still not checked.
    fresh = await rig.link(COORD, BOB)
    assert (await rig.http.get(f"/p/{fresh}")).status == 429


def test_the_page_script_stops_polling_when_its_link_is_refused() -> None:
    script = resources.files("bot.web").joinpath("static/portal.js").read_text("utf-8")
    tick = script[script.index("function tick()") :].split("function startPolling", 1)[0]
    assert "403" in tick and "reload" in tick, tick
