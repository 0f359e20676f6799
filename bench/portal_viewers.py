"""Live portal viewers for bench/portal.py, in a process of their own (as browsers are):
each one opens its own link's page over HTTP with its stylesheet, script and charts,
then does what bot/web/static/portal.js does: polls the change marker every 2 s and,
when it moved, fetches the page again and the charts of the new page.

    python -m bench.portal_viewers BASE_URL MAX_SECONDS < tokens

Reads one token per line from stdin up to an empty line, prints "ready" once every
viewer has loaded its page, then takes lines: "pause" (the viewers skip their polls;
answered "paused" once no request is under way), "resume" (answered "resumed"), and
"stop" (or EOF, or MAX_SECONDS), after which it prints one JSON line of counts. Tokens come over stdin, not the command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time

import aiohttp

POLL_SECONDS = 2.0
_IMG = re.compile(r'<img[^>]+src="([^"]+/chart\?[^"]+)"')
_MARKER = re.compile(r'data-marker="([0-9a-f]+)"')


class Counts:
    def __init__(self) -> None:
        self.polls = 0
        self.loads = 0
        self.requests = 0
        self.errors = 0
        self.busy = 0  # viewers with a poll or load under way
        self.idle = asyncio.Event()  # set while busy is 0
        self.idle.set()


async def fetch(http: aiohttp.ClientSession, url: str, counts: Counts) -> str | None:
    counts.requests += 1
    try:
        async with http.get(url) as response:
            text = await response.text()
            if response.status != 200:
                counts.errors += 1
                return None
            return text
    except aiohttp.ClientError:
        counts.errors += 1
        return None


async def load(
    http: aiohttp.ClientSession, base: str, token: str, counts: Counts, images: set[str]
) -> str:
    """The page and the charts it shows that this page has not loaded before, as a
    browser loads them (its list of available images: an image URL already loaded in
    the document is not fetched again, whatever its caching headers; a chart's URL
    carries its version). The page's marker."""
    html = await fetch(http, f"{base}/p/{token}", counts) or ""
    for src in _IMG.findall(html):
        if src not in images:
            images.add(src)
            await fetch(http, base + src.replace("&amp;", "&"), counts)
    counts.loads += 1
    found = _MARKER.search(html)
    return found.group(1) if found else ""


async def viewer(
    base: str,
    token: str,
    delay: float,
    counts: Counts,
    ready: asyncio.Event,
    stop: asyncio.Event,
    watching: asyncio.Event,
) -> None:
    async with aiohttp.ClientSession() as http:
        await asyncio.sleep(delay)  # viewers opened the page at different times
        images: set[str] = set()
        marker = await load(http, base, token, counts, images)
        for name in ("portal.css", "portal.js"):
            await fetch(http, f"{base}/static/{name}", counts)
        ready.set()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
            if stop.is_set():
                break
            if not watching.is_set():
                continue  # paused: the page stays open, its poll skips a beat
            counts.polls += 1
            counts.busy += 1
            counts.idle.clear()
            try:
                text = await fetch(http, f"{base}/p/{token}/marker", counts)
                if text is not None and json.loads(text).get("marker") != marker:
                    marker = await load(http, base, token, counts, images)
            finally:
                counts.busy -= 1
                if not counts.busy:
                    counts.idle.set()


async def main(base: str, max_seconds: float) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tokens: list[str] = []
    while line := (await reader.readline()).decode().strip():
        tokens.append(line)
    counts = Counts()
    stop, watching = asyncio.Event(), asyncio.Event()
    watching.set()
    readies = [asyncio.Event() for _ in tokens]
    tasks = [
        asyncio.create_task(
            viewer(base, token, POLL_SECONDS * n / len(tokens), counts, readies[n], stop, watching)
        )
        for n, token in enumerate(tokens)
    ]
    await asyncio.gather(*(r.wait() for r in readies))
    print("ready", flush=True)
    started = time.monotonic()
    while (left := max_seconds - (time.monotonic() - started)) > 0:
        try:
            command = (await asyncio.wait_for(reader.readline(), left)).decode().strip()
        except TimeoutError:
            break
        if command == "pause":
            watching.clear()
            await counts.idle.wait()
            print("paused", flush=True)
        elif command == "resume":
            watching.set()
            print("resumed", flush=True)
        else:  # "stop", or EOF
            break
    stop.set()
    await asyncio.gather(*tasks)
    print(
        json.dumps(
            {
                "viewers": len(tokens),
                "seconds": round(time.monotonic() - started, 1),
                "polls": counts.polls,
                "loads": counts.loads,
                "requests": counts.requests,
                "errors": counts.errors,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2])))
