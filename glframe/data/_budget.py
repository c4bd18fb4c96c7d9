"""Budget: a byte budget shared fairly by several consumers (multiscale visuals).

Each multiscale visual holds tiles in RAM and in GPU memory under byte budgets.
Several visuals in one program must not each take a machine-sized budget, and
one busy visual must not starve the others: they share a :class:`Budget`. Every
consumer joins with the least it can live with (its coarsest level, always
resident) and gets a fair share: the total split equally, except that a
consumer whose minimum is above an equal share gets its minimum and the rest is
split equally among the others (water-filling). Shares are recomputed when a
consumer joins or leaves; each consumer reads its share every frame and evicts
down to it.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

__all__ = ["Budget"]


class Budget:
    """Bytes shared fairly by the consumers that joined.

    Parameters
    ----------
    total
        The bytes all consumers together may hold (an int > 0).
    name
        A label for messages ("cpu_budget", "gpu_budget").

    Examples
    --------
    >>> from glframe.data import Budget
    >>> budget = Budget(1000)
    >>> class Visual: ...
    >>> a, b, c = Visual(), Visual(), Visual()
    >>> budget.join(a, minimum=100); budget.share(a)
    1000
    >>> budget.join(b, minimum=600); budget.share(a), budget.share(b)
    (400, 600)
    >>> budget.join(c, minimum=0); budget.share(a), budget.share(b), budget.share(c)
    (200, 600, 200)
    >>> budget.leave(b); budget.share(a)
    500
    """

    def __init__(self, total: int, *, name: str = "budget") -> None:
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise ValueError(f"{name} must be an int > 0 (bytes), not {total!r}")
        self.total = total
        self.name = name
        self._lock = threading.Lock()
        # consumer -> its minimum; weak, so a consumer dropped without leave() frees its share
        self._minimum: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._shares: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._counted = 0  # consumers when the shares were computed

    def join(self, consumer: Any, *, minimum: int = 0) -> None:
        """Add ``consumer`` (or update its minimum). Raises ValueError, changing nothing,
        when the minimums of all consumers would exceed the total."""
        with self._lock:
            others = sum(m for c, m in self._minimum.items() if c is not consumer)
            if others + minimum > self.total:
                raise ValueError(
                    f"{self.name}: {minimum} bytes needed (always resident) do not fit: "
                    f"{others} of the {self.total} bytes are already needed by "
                    f"{len(self._minimum)} other consumer(s); give a larger budget"
                )
            self._minimum[consumer] = int(minimum)
            self._recompute()

    def leave(self, consumer: Any) -> None:
        """Remove ``consumer``; its share goes to the others. No error if absent."""
        with self._lock:
            self._minimum.pop(consumer, None)
            self._recompute()

    def share(self, consumer: Any) -> int:
        """The bytes ``consumer`` may hold now (0 when it has not joined)."""
        with self._lock:
            if len(self._minimum) != self._counted:  # a consumer was collected
                self._recompute()
            return self._shares.get(consumer, 0)

    @property
    def consumers(self) -> int:
        """How many consumers share the budget."""
        return len(self._minimum)

    def _recompute(self) -> None:
        items = sorted(self._minimum.items(), key=lambda cm: -cm[1])
        shares: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        left, n = self.total, len(items)
        for consumer, minimum in items:  # largest minimum first: water-filling
            shares[consumer] = max(minimum, left // n)
            left -= shares[consumer]
            n -= 1
        self._shares = shares
        self._counted = len(items)

    def __repr__(self) -> str:
        return f"<Budget {self.name} {self.total} bytes, {self.consumers} consumer(s)>"
