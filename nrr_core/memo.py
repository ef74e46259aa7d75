"""``Kept``: a few results remembered per process, the oldest forgotten first.

What is remembered is keyed on the book's load id by its users (a new load is
a new id), so nothing stale is ever served. Streamlit runs sessions in threads,
so every read and write holds a lock; two threads asking for the same missing
key at once may both compute it (the same value), which is cheaper than
making one wait while holding the lock.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class Kept:
    """At most ``size`` values by key, least recently used forgotten first."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``make()`` kept and returned."""
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            value = make()
            self.put(key, value)
        return value

    def clear(self) -> None:
        """Forget everything (tests that compare with a fresh computation)."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
