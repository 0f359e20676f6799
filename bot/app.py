"""The bot process: `knooppunt run` calls `run_bot` (the wiring is bot/runner.py).

Only the standard library and bot/startup.py are imported here at module level:
`run_bot` pauses garbage collection before nio, the database layer and the
handlers are loaded (see bot/startup.py), which takes a good part of the time
from the start of the process to its first reply.
"""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

from bot.startup import pause_gc, resume_gc

if TYPE_CHECKING:
    from bot.config import Settings


async def run_bot(settings: Settings) -> None:
    pause_gc()  # resumed by Bot.run once the handlers are wired
    try:
        from bot.runner import Bot

        bot = Bot(settings)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, bot.stop.set)
        await bot.run()
    finally:
        resume_gc()
