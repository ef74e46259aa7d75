"""``memo.Kept``: the bounded per-process memory behind the remembered results."""
from __future__ import annotations

import threading

from nrr_core.memo import Kept


def test_a_value_is_made_once_and_the_least_recently_used_is_forgotten_first():
    made = []
    kept = Kept(2)

    def make(key):
        made.append(key)
        return key * 10

    assert kept.get_or_make(1, lambda: make(1)) == 10
    assert kept.get_or_make(1, lambda: make(1)) == 10
    kept.get_or_make(2, lambda: make(2))
    kept.get_or_make(1, lambda: make(1))      # 1 is now the most recent
    kept.get_or_make(3, lambda: make(3))      # so 2 goes
    assert made == [1, 2, 3] and len(kept) == 2
    assert kept.get(2) is None and kept.get(1) == 10 and kept.get(3) == 30


def test_a_value_of_none_is_kept_like_any_other():
    made = []
    kept = Kept(4)
    for _ in range(3):
        kept.get_or_make("k", lambda: made.append(1))
    assert made == [1]


def test_threads_asking_at_once_all_get_the_value_and_the_bound_holds():
    kept = Kept(8)
    results = []

    def ask(i):
        results.append(kept.get_or_make(i % 12, lambda: i % 12))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(results)) == list(range(12)) and len(kept) == 8
    kept.clear()
    assert len(kept) == 0 and kept.get(11) is None
