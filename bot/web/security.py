"""Response headers and the rate limit on failed link tokens.

Headers: a strict Content-Security-Policy (nothing but this origin's stylesheet,
script and images; no frames, no inline script), no caching anywhere (every page is
labelled), and no Referer, so a link's token never leaves in a header.
Rate limit: each client address may fail a token check a few times a minute
(aiolimiter's leaky bucket per address); once its bucket is empty every portal
request from it gets 429 before any token is looked at, so guessing is throttled
without slowing down the people who hold valid links.
"""

from __future__ import annotations

from collections import OrderedDict

from aiolimiter import AsyncLimiter

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# A chart is an SVG document with its own inline styles and nothing else.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

COMMON_HEADERS = {
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def headers_for(content_type: str) -> dict[str, str]:
    csp = SVG_CSP if content_type.startswith("image/svg") else PAGE_CSP
    return {**COMMON_HEADERS, "Content-Security-Policy": csp}


class FailureLimiter:
    """Failed token checks per client address: `rate` per `period` seconds."""

    def __init__(self, rate: float = 10, period: float = 60, max_clients: int = 10_000) -> None:
        self.rate, self.period, self.max_clients = rate, period, max_clients
        self._buckets: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def blocked(self, client: str) -> bool:
        bucket = self._buckets.get(client)
        return bucket is not None and not bucket.has_capacity()

    async def failed(self, client: str) -> None:
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = AsyncLimiter(self.rate, self.period)
            self._buckets[client] = bucket
            if len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # the longest-quiet address
        self._buckets.move_to_end(client)
        if bucket.has_capacity():
            await bucket.acquire()  # never waits: there is capacity
