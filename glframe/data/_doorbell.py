"""Doorbells: a stream store's readers hear of each commit at once (no GL).

A reader that wants to know when producers commit (the browser viewer) opens a
:class:`Doorbell`: a UDP socket on the loopback address, announced by an empty file
``.doorbells/<port>`` in the store's directory. After each commit a writer sends an
empty datagram to every port announced there (:class:`Ringer`), so the reader looks at
the store within a scheduler tick of the flush instead of at its next periodic look.

Best effort by design: a datagram may be lost, a reader may run on another machine
(a store on a shared file system), a reader killed without closing leaves its file
behind. None of this is an error. The reader still looks at the store's commit
counter periodically (``StreamServer(watch=...)``), which finds every commit; the
doorbell only makes the common case immediate. A send never blocks the writer (UDP,
non-blocking), and costs a directory listing and one ``sendto`` per reader.

Loopback UDP rather than Unix sockets: no limit on the store's path length (a Unix
socket's path has at most 107 bytes) and the same code on every platform.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

__all__ = ["Doorbell", "Ringer", "DIRECTORY"]

#: the directory, inside a store, of the doorbells' announcements
DIRECTORY = ".doorbells"
_LOOPBACK = "127.0.0.1"


class Doorbell:
    """A reader's doorbell for the store at ``path``: readable (:meth:`fileno`) after a
    writer's commit; :meth:`drain` empties it; :meth:`close` stops the announcements."""

    def __init__(self, path: str | os.PathLike) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._socket.bind((_LOOPBACK, 0))
            self._socket.setblocking(False)
            self.port = self._socket.getsockname()[1]
            folder = Path(path) / DIRECTORY
            folder.mkdir(exist_ok=True)
            self._file = folder / str(self.port)
            self._file.touch()
        except BaseException:
            self._socket.close()
            raise

    def fileno(self) -> int:
        """The socket's descriptor (for ``loop.add_reader``)."""
        return self._socket.fileno()

    def drain(self) -> int:
        """Read every datagram waiting; how many there were."""
        count = 0
        while True:
            try:
                self._socket.recv(64)
            except OSError:  # none left (or an ICMP error reported here: not ours to act on)
                return count
            count += 1

    def close(self) -> None:
        """Withdraw the announcement and close the socket (idempotent)."""
        with contextlib.suppress(OSError):
            self._file.unlink()
        self._socket.close()


class Ringer:
    """A writer's side: :meth:`ring` after each commit of the store at ``path``."""

    def __init__(self, path: str | os.PathLike) -> None:
        self._folder = Path(path) / DIRECTORY
        self._socket: socket.socket | None = None

    def ring(self) -> int:
        """Send an empty datagram to each announced reader; how many were sent."""
        try:
            names = os.listdir(self._folder)
        except OSError:  # no reader ever announced itself here
            return 0
        sent = 0
        for name in names:
            # announcements are port numbers; anything else (or a privileged port) is
            # not a doorbell
            if not (name.isdigit() and 1024 <= int(name) <= 65535):
                continue
            if self._socket is None:
                self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self._socket.setblocking(False)
            with contextlib.suppress(OSError):  # a full buffer, a reader gone: best effort
                self._socket.sendto(b"", (_LOOPBACK, int(name)))
                sent += 1
        return sent

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
