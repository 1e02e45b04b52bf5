"""A TCP proxy in front of a real server, for outage tests.

It forwards every byte both ways until it is ``cut``: then it holds what it has and reads no more,
and accepts new connections without ever answering on them, closing no socket — to both ends, a
network that went silent. ``refuse`` closes its port and every connection, as a server that went
away does. ``restore`` forwards again (on the same port), and what was held flows on.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHUNK = 65536


class CuttableProxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="cuttable-proxy", daemon=True)
        self._thread.start()
        self._flowing = self._call(self._event)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.restore()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine(), self._loop).result(timeout=10)

    @staticmethod
    async def _event() -> asyncio.Event:
        return asyncio.Event()

    def cut(self) -> None:
        """Go silent: nothing forwarded, nothing closed, new connections accepted and left unanswered."""
        self._loop.call_soon_threadsafe(self._flowing.clear)

    def refuse(self) -> None:
        """Close the port (a connection is refused) and every connection through it."""

        async def refusing() -> None:
            if self._server is not None:
                self._server.close()
                self._server = None
            for writer in list(self._writers):
                writer.transport.abort()

        self._call(refusing)

    def restore(self) -> None:
        """Listen again if refused, and forward again (what was held while cut goes on)."""

        async def restoring() -> None:
            if self._server is None:
                self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
                self.port = self._server.sockets[0].getsockname()[1]
            self._flowing.set()

        self._call(restoring)

    def close(self) -> None:
        async def closing() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
            for writer in list(self._writers):
                writer.transport.abort()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        self._call(closing)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        accepting = asyncio.current_task()
        if accepting is not None:
            self._tasks.add(accepting)  # type: ignore[arg-type]
            accepting.add_done_callback(self._tasks.discard)  # type: ignore[arg-type]
        self._writers.add(client_writer)
        try:
            await self._flowing.wait()
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            client_writer.transport.abort()
            self._writers.discard(client_writer)
            return
        self._writers.add(server_writer)
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            task = asyncio.ensure_future(self._pump(reader, writer))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Bytes from one end to the other, only while flowing; then the other end is closed too."""
        try:
            while True:
                await self._flowing.wait()
                data = await reader.read(CHUNK)
                if not data:
                    break
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()


@contextmanager
def cuttable(host: str, port: int) -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(host, port)
    try:
        yield proxy
    finally:
        proxy.close()
