"""nio's HTTP session, opened by the bot without aiohttp's per-request trace hooks.

matrix-nio 0.26 opens its aiohttp `ClientSession` lazily, on the first request (the
`client_session` decorator of `AsyncClient`), with a `TraceConfig` whose one hook
counts the bytes of an upload when the request's trace context is a
`TransferMonitor`. The bot never passes one, yet with a trace config every request
pays aiohttp's tracing: a `Trace` object and an awaited signal at each step of the
request. That is about 25 µs of CPU per request, some 15% of a request's cost on the
client side (a local server, 3,000 JSON PUTs, five rounds each way: 170 µs traced,
148 µs without). The bot makes one send and about one /sync per handled command.

So `open_session` gives the client its session before nio would, the same in all
else: the client's request timeout as the session's total, and nio's own connect
wrapper (the 16 KiB write-buffer limit on each new connection). With a proxy
configured nio opens its session itself, as before. nio closes the session in
`AsyncClient.close`; should anything drop it, nio opens its own again (correct, only
traced). tests/unit/test_nio_session.py pins both details of nio it relies on.
"""

from __future__ import annotations

from functools import partial

from aiohttp import ClientSession, ClientTimeout
from nio.client.async_client import AsyncClient, connect_wrapper


def open_session(client: AsyncClient) -> bool:
    """Give `client` an untraced session (call within the running event loop, before
    its first request). False when it keeps what it has (a session, or a proxy)."""
    if client.client_session is not None or client.proxy:
        return False
    session = ClientSession(timeout=ClientTimeout(total=client.config.request_timeout))
    connector = session.connector
    assert connector is not None  # a new session owns a new TCPConnector
    connector.connect = partial(connect_wrapper, connector)  # type: ignore[method-assign]
    client.client_session = session
    return True
