"""A TCP proxy the test controls, in front of the machine's shared PostgreSQL or Redis: `cut()`
drops every open connection and refuses new ones (the service looks down to the app), `restore()`
accepts again. The real service is never touched. Runs in its own thread with its own loop so it
serves a subprocess and an in-process app alike."""

from __future__ import annotations

import asyncio
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.loop = asyncio.new_event_loop()
        self.up = True
        self.writers: set[asyncio.StreamWriter] = set()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TcpProxy":
        self.thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self._shutdown)
        self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        self.loop.run_forever()
        self.loop.close()

    def _shutdown(self) -> None:
        self._drop_all()
        self.server.close()
        self.loop.stop()

    def _drop_all(self) -> None:
        for writer in list(self.writers):
            transport = writer.transport
            transport.abort()  # RST, like a crashed or restarted server
        self.writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                if not dst.transport.is_closing():
                    dst.transport.abort()
                self.writers.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        """The service goes away: open connections are reset, new ones refused."""
        def _cut() -> None:
            self.up = False
            self._drop_all()
        self.loop.call_soon_threadsafe(_cut)

    def restore(self) -> None:
        def _restore() -> None:
            self.up = True
        self.loop.call_soon_threadsafe(_restore)
