"""What one client connection may hold of a server process, enforced where uvicorn reads and writes it.

uvicorn closes a kept-alive connection that sends nothing (``timeout_keep_alive``), but a client
that trickles a request a byte at a time, or never sends one, is kept forever; a client that
pipelines requests and reads no answer has the next answer made while the last one waits; and a
client that stops reading keeps what was written for it. ``Guarded``, uvicorn's HTTP/1.1 protocol
with these changes, bounds each:

- a request (its head and its body) must arrive within ``read_timeout`` seconds of the connection
  being ready for it, or the connection is closed;
- the server buffers at most WRITE_BUFFER for a connection beyond what the kernel holds, then
  waits for the client (asyncio's default is 64 KiB);
- the next pipelined request waits until the client has taken the last answer;
- a client that takes nothing of its answer for ``send_timeout`` seconds is dropped, and what was
  waiting for it with it;
- past ``max_connections`` open connections, a request is answered ``503`` problem JSON with
  ``Retry-After``, and its connection closed.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

import h11
import uvicorn
from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from api.problems import problem

ARRIVING = (h11.IDLE, h11.SEND_BODY)  # the client's states while its next request is not all in
WRITE_BUFFER = 16 * 1024  # what the server buffers for a connection beyond the kernel's before it waits for the client
KERNEL_BUFFER = 128 * 1024  # what the kernel may hold for a connection (Linux doubles it for its own accounting)
RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: closing drops unsent data and resets


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration, with the limits each connection is held to; ``Guarded`` as the protocol."""

    def __init__(self, app: Any, *, read_timeout: float, send_timeout: float, max_connections: int, **options: Any):
        super().__init__(app, http=Guarded, **options)
        self.read_timeout = read_timeout
        self.send_timeout = send_timeout
        self.max_connections = max_connections


class Guarded(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, holding each connection to the limits of a ``ServerConfig``."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        assert isinstance(config, ServerConfig)
        self.limits = config
        self.app = self._admit
        self._reading: asyncio.TimerHandle | None = None
        self._sending: asyncio.TimerHandle | None = None
        self._answered_unread = False

    async def _admit(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if len(self.connections) > self.limits.max_connections:
            detail = f"the server has {self.limits.max_connections} connections open, its most: try again shortly"
            busy = problem(503, "busy", detail, headers={"Retry-After": "1", "Connection": "close"})
            await busy(scope, receive, send)  # type: ignore[arg-type]
            return
        await self.limits.loaded_app(scope, receive, send)

    def send_400_response(self, msg: str) -> None:
        """A request that is not HTTP/1.1 (a malformed request line or header): 400 problem JSON, and the
        connection closed, as uvicorn does with plain text."""
        answer = problem(400, "malformed-request", "the request is not valid HTTP/1.1: its request line or headers "
                         "are malformed")
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers.items()]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=[*headers, (b"connection", b"close")],
                                                         reason=b"Bad Request")))
        self.transport.write(self.conn.send(h11.Data(data=bytes(answer.body))))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()

    # Reading: a request must arrive in time

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        transport.set_write_buffer_limits(high=WRITE_BUFFER)
        connection = transport.get_extra_info("socket")
        if connection is not None:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, KERNEL_BUFFER)
        self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in ARRIVING:
            self._cancel_reading()

    def on_response_complete(self) -> None:
        if self.flow.write_paused and not self.transport.is_closing():
            self._answered_unread = True  # the next request waits until the client takes this answer
            return
        super().on_response_complete()
        if self.conn.their_state in ARRIVING:
            self._await_request()

    def _await_request(self) -> None:
        self._cancel_reading()
        self._reading = self.loop.call_later(self.limits.read_timeout, self._read_timed_out)

    def _read_timed_out(self) -> None:
        self._reading = None
        if self.conn.their_state in ARRIVING and not self.transport.is_closing():
            self.transport.close()

    def _cancel_reading(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    # Writing: a client must take its answers

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._sending is None:
            self._sending = self.loop.call_later(self.limits.send_timeout, self._send_timed_out)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel_sending()
        if self._answered_unread:
            self._answered_unread = False
            self.on_response_complete()

    def _send_timed_out(self) -> None:
        self._sending = None
        connection = self.transport.get_extra_info("socket")
        if connection is not None:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
        self.transport.abort()

    def _cancel_sending(self) -> None:
        if self._sending is not None:
            self._sending.cancel()
            self._sending = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_reading()
        self._cancel_sending()
        super().connection_lost(exc)
