"""Live portal viewers for bench/portal.py, in a process of their own (as browsers are):
each one opens its own link's page over HTTP with its stylesheet, script and charts,
then does what bot/web/static/portal.js does: opens the page's event stream
(`/p/<token>/events?m=<marker>&v=<version held>`); on a pushed page (whole, or a
patch put together with the pushed page it holds, links filled in with its own), loads
the charts of the new page it has not loaded before (as the browser does for the
swapped-in <main>); on "gone" or
"reload" loads the page again; on "poll", or when the stream is refused, polls the
change marker every 2 s instead (and loads the page when it moved).

    python -m bench.portal_viewers BASE_URL MAX_SECONDS < tokens

Reads one token per line from stdin up to an empty line, prints "ready" once every
viewer has loaded its page and opened its stream, then takes lines: "pause" (the pages
are hidden: portal.js closes their streams, and skips polls; answered "paused" once no
stream is open and no request is under way), "resume" (the pages are shown again: the
streams are opened again with the page's marker; answered "resumed" once all are open),
and "stop" (or EOF, or MAX_SECONDS), after which it prints one JSON line of counts.
Tokens come over stdin, not the command line.
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
        self.pushes = 0
        self.requests = 0
        self.errors = 0
        self.bytes = 0  # of the event streams
        self.whole = 0  # pages received whole (the rest of the pushes: patches)
        self.busy = 0  # viewers with a request under way (a stream open counts as one)
        self.idle = asyncio.Event()  # set while busy is 0
        self.idle.set()
        self.streams: set[aiohttp.ClientResponse] = set()  # open event streams
        self.opened = asyncio.Event()  # set when a stream opens (resume waits for all)
        self.closed = asyncio.Event()  # set when a stream ends (pause waits for all)

    def start(self) -> None:
        self.busy += 1
        self.idle.clear()

    def done(self) -> None:
        self.busy -= 1
        if not self.busy:
            self.idle.set()


class Held:
    """The pushed page a viewer holds, as portal.js keeps it: its text (links with the
    stand-in) and version; a "full" event replaces it, a "patch" is put together from
    its lines."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.version = ""

    def take(self, name: str, data: str, ident: str, own: str) -> str | None:
        """The page an event shows (with the viewer's own links), "again" for a patch
        against another page, None for an event that is no page."""
        if name == "page":  # the portal before patches: the whole page, own links in it
            return data
        if name == "full":
            base, _, text = data.partition("\n")
        elif name == "patch":
            patch = json.loads(data)
            if self.text is None or patch["from"] != self.version:
                self.text, self.version = None, ""
                return "again"
            old = self.text.split("\n")
            lines: list[str] = []
            for op in patch["ops"]:
                lines.extend([op] if isinstance(op, str) else old[op[0] : op[0] + op[1]])
            base, text = patch["base"], "\n".join(lines)
        else:
            return None
        self.text, self.version = text, ident.partition(".")[2]
        return text.replace(base, own)


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


async def charts(
    http: aiohttp.ClientSession, base: str, html: str, counts: Counts, images: set[str]
) -> str:
    """The charts a page shows that it has not loaded before, as a browser loads them
    (its list of available images: an image URL already loaded in the document is not
    fetched again, whatever its caching headers; a chart's URL carries its version).
    The page's marker."""
    for src in _IMG.findall(html):
        if src not in images:
            images.add(src)
            await fetch(http, base + src.replace("&amp;", "&"), counts)
    found = _MARKER.search(html)
    return found.group(1) if found else ""


async def load(
    http: aiohttp.ClientSession, base: str, token: str, counts: Counts, images: set[str]
) -> str:
    """The page and its charts; the page's marker."""
    html = await fetch(http, f"{base}/p/{token}", counts) or ""
    counts.loads += 1
    return await charts(http, base, html, counts, images)


async def listen(
    http: aiohttp.ClientSession,
    base: str,
    token: str,
    marker: str,
    counts: Counts,
    images: set[str],
    held: Held,
) -> tuple[str, str]:
    """The page's event stream, as portal.js uses it, until it ends (or is closed by a
    pause): (the marker of the page shown, how it ended: "gone", "reload", "poll",
    "refused" or "closed")."""
    counts.requests += 1
    params = {"m": marker, "v": held.version} if held.version else {"m": marker}
    try:
        async with http.get(
            f"{base}/p/{token}/events",
            params=params,
            timeout=aiohttp.ClientTimeout(total=None, sock_read=None),
        ) as stream:
            if stream.status != 200:
                counts.errors += 1
                return marker, "refused"
            counts.streams.add(stream)
            counts.opened.set()
            try:
                while True:
                    block = await stream.content.readuntil(b"\n\n")
                    counts.bytes += len(block)
                    if not block.endswith(b"\n\n"):
                        return marker, "closed"
                    name, data, ident = "message", [], ""
                    for line in block.decode().split("\n"):
                        if line.startswith("event: "):
                            name = line[7:]
                        elif line.startswith("id: "):
                            ident = line[4:]
                        elif line.startswith("data:"):
                            data.append(line[6:])
                    page = held.take(name, "\n".join(data), ident, f"/p/{token}")
                    counts.whole += name in ("full", "page")
                    if page == "again":  # a patch against a page not held: open again
                        return marker, "closed"
                    if page is not None:
                        counts.pushes += 1
                        counts.start()
                        try:
                            marker = await charts(http, base, page, counts, images)
                        finally:
                            counts.done()
                    elif name in ("gone", "reload", "poll"):
                        return marker, name
            finally:
                counts.streams.discard(stream)
                counts.closed.set()
    except (aiohttp.ClientError, ValueError):
        return marker, "closed"


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
        held = Held()
        marker = await load(http, base, token, counts, images)
        for name in ("portal.css", "portal.js"):
            await fetch(http, f"{base}/static/{name}", counts)
        polling = False
        first = True
        while not stop.is_set():
            if not watching.is_set():  # hidden: no stream, no poll
                waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(watching.wait())]
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for wait in waits:
                    wait.cancel()
                continue
            if not polling:
                if first:
                    asyncio.get_running_loop().call_soon(ready.set)
                    first = False
                marker, ended = await listen(http, base, token, marker, counts, images, held)
                if ended in ("gone", "reload"):
                    counts.start()
                    try:
                        marker = await load(http, base, token, counts, images)
                    finally:
                        counts.done()
                polling = ended in ("poll", "refused")
                continue
            ready.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
            if stop.is_set() or not watching.is_set():
                continue
            counts.polls += 1
            counts.start()
            try:
                text = await fetch(http, f"{base}/p/{token}/marker", counts)
                if text is not None and json.loads(text).get("marker") != marker:
                    marker = await load(http, base, token, counts, images)
            finally:
                counts.done()


async def hide(counts: Counts) -> None:
    """Every page hidden: their streams closed, no request under way."""
    while counts.streams:
        counts.closed.clear()
        for stream in list(counts.streams):
            stream.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(counts.closed.wait(), 0.5)
    await counts.idle.wait()


async def shown(counts: Counts, viewers: int, limit: float = 60.0) -> None:
    """Every page's stream open again (a page that polls instead has none: bounded)."""
    deadline = time.monotonic() + limit
    while len(counts.streams) < viewers and time.monotonic() < deadline:
        counts.opened.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(counts.opened.wait(), 0.5)


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
    await shown(counts, len(tokens))
    print("ready", flush=True)
    started = time.monotonic()
    while (left := max_seconds - (time.monotonic() - started)) > 0:
        try:
            command = (await asyncio.wait_for(reader.readline(), left)).decode().strip()
        except TimeoutError:
            break
        if command == "pause":
            watching.clear()
            await hide(counts)
            print("paused", flush=True)
        elif command == "resume":
            watching.set()
            await shown(counts, len(tokens))
            print("resumed", flush=True)
        else:  # "stop", or EOF
            break
    stop.set()
    await hide(counts)
    await asyncio.gather(*tasks)
    print(
        json.dumps(
            {
                "viewers": len(tokens),
                "seconds": round(time.monotonic() - started, 1),
                "polls": counts.polls,
                "pushes": counts.pushes,
                "loads": counts.loads,
                "requests": counts.requests,
                "errors": counts.errors,
                "bytes": counts.bytes,
                "whole": counts.whole,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2])))
