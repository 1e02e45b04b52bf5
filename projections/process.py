"""What a Chancery process shares with every other one on the same store: its locks, and how it
runs the cycle collector. Applied once, where a process starts (``chancery serve``, the CLI).

The protocol, from outermost to innermost:

0. **Opening the store** (``OPENING_LOCK``, a session advisory lock on PostgreSQL, held on a
   connection of its own while a process opens the store): the event store creates its tables,
   types and functions on every start, and PostgreSQL refuses two processes doing so at once
   ("duplicate key value", "tuple concurrently updated"), so workers starting together take turns.
1. **A writer's turn** (``file_lock`` in a process; ``WRITER_LOCK`` across processes on
   PostgreSQL; on SQLite an exclusive ``flock`` of a file beside the database, ``WriterTurn``).
   A writer holds it while it judges a change against the stored history and saves it, so two
   never judge against the same history. SQLite queues writers unfairly in its busy loop, so this
   process's writers take turns on a lock of their own first.
2. **The projector's turn** (``Projector.lock`` in a process; the tracking row, locked ``FOR
   UPDATE`` in each batch's transaction, across processes). Whoever waits finds the work done.
3. **Making the tables** (``SCHEMA_LOCK``, a transaction-scoped advisory lock on PostgreSQL):
   processes starting together create the read model's tables once.

A writer may catch the projector up while it holds its turn (1 then 2), never the other way round.
"""

from __future__ import annotations

import gc
import os
import threading

SCHEMA_LOCK = 7411  # PostgreSQL advisory lock id: creating the read model's tables
OPENING_LOCK = 7413  # PostgreSQL advisory lock id: a process opening the store (the event store's tables)
WRITER_LOCK = 7412  # PostgreSQL advisory lock id: a writer's turn, across processes

# A service keeps many small objects for long (the relations its writer judges against, those its
# projector keeps); at the collector's default pace (every 700 allocations), walking them again
# and again took a fifth of a bulk import's time. Cycles are still collected, just less often.
COLLECTOR_THRESHOLDS = (50_000, 20, 20)

_file_locks: dict[str, threading.RLock] = {}
_file_locks_guard = threading.Lock()


def file_lock(path: str) -> threading.RLock:
    """The one lock of this process for the SQLite file at ``path``: its writers take turns here."""
    with _file_locks_guard:
        return _file_locks.setdefault(os.path.abspath(path), threading.RLock())


def tune_collector() -> None:
    """Run the cycle collector at the pace a long-lived Chancery process wants (see above)."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
