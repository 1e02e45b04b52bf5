"""The read model's tables and indexes, as a new store gets them and as an older store is brought up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from projections.schema import INDEXES, RETIRED_INDEXES, create_tables
from projections.stores.sqlite import SQLiteDatabase


def _indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_store_made_before_loses_the_indexes_a_longer_one_made_redundant(tmp_path: Path):
    path = tmp_path / "older.db"
    db = SQLiteDatabase(str(path))
    create_tables(db)
    with sqlite3.connect(path) as connection:  # as an earlier release left them
        connection.execute("CREATE INDEX rm_events_relation ON rm_events (relation, first_day)")
        connection.execute("CREATE INDEX rm_intervals_now ON rm_intervals (relation, from_day) WHERE to_pos IS NULL")
    assert {"rm_events_relation", "rm_intervals_now"} <= _indexes(path)
    create_tables(db)
    db.close()
    present = _indexes(path)
    assert not present & set(RETIRED_INDEXES)
    wanted = {statement.split()[5] for statement in INDEXES}
    assert wanted <= present
