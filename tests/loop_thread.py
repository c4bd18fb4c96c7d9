"""An asyncio loop on a thread of its own, for tests that run servers and clients."""

from __future__ import annotations

import asyncio
import threading


class LoopThread:
    """An asyncio loop on its own thread; ``call`` runs a function there and returns its result.

    Exceptions the loop's callbacks raise are kept in ``errors`` (tests assert it is empty).
    """

    def __init__(self, name: str = "loop") -> None:
        self.loop = asyncio.new_event_loop()
        self.errors: list[dict] = []
        self.loop.set_exception_handler(lambda loop, context: self.errors.append(context))
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = 60):
        """Run ``coroutine`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(self, fn, *args, timeout: float = 60):
        """Call ``fn(*args)`` on the loop's thread and wait for its result."""

        async def call():
            return fn(*args)

        return self.run(call(), timeout)

    def stop(self) -> None:
        """Stop the loop, join its thread and close it."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()  # glframe's event loop no longer drives timers from it
