"""The one time zone of the Dutch crisis organisation, defined once.

Local times shown in rooms, typed by liaisons, used by `om 08:00` subscriptions
and written in the Dutch CSV are Europe/Amsterdam wall-clock.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
