"""The read model's tables, beside the log in the same database."""

from __future__ import annotations

from projections.columns import TABLES, TRACKING
from projections.stores import Database, Renamed

INDEXES = [
    "CREATE INDEX IF NOT EXISTS rm_log_recorded_at ON rm_log (recorded_at)",
    "CREATE INDEX IF NOT EXISTS rm_events_a ON rm_events (a, first_day)",
    "CREATE INDEX IF NOT EXISTS rm_events_b ON rm_events (b, first_day)",
    # What changed between two days, in pages: in the order events took effect, from any page on.
    "CREATE INDEX IF NOT EXISTS rm_events_effect ON rm_events (last_day, first_day, position)",
    "CREATE INDEX IF NOT EXISTS rm_events_type ON rm_events (type, position)",
    # A relation's events by day, and what a state counts of them (its version, what is pending on a
    # day) from the index alone: of one relation, and grouped by relation, of each side of an entity.
    "CREATE INDEX IF NOT EXISTS rm_events_relation_counts ON rm_events"
    " (relation, first_day, last_day, position, retracted_pos)",
    "CREATE INDEX IF NOT EXISTS rm_events_a_counts ON rm_events (a, relation, first_day, last_day, position, retracted_pos)",
    "CREATE INDEX IF NOT EXISTS rm_events_b_counts ON rm_events (b, relation, first_day, last_day, position, retracted_pos)",
    # The rows holding on a day as known now, told from the index alone: only those are read.
    "CREATE INDEX IF NOT EXISTS rm_intervals_now_days ON rm_intervals (relation, from_day, to_day, to_pos)"
    " WHERE to_pos IS NULL",
    "CREATE INDEX IF NOT EXISTS rm_intervals_a_now_days ON rm_intervals (a, from_day, to_day, to_pos)"
    " WHERE to_pos IS NULL",
    "CREATE INDEX IF NOT EXISTS rm_intervals_b_now_days ON rm_intervals (b, from_day, to_day, to_pos)"
    " WHERE to_pos IS NULL",
    "CREATE INDEX IF NOT EXISTS rm_intervals_known ON rm_intervals (relation, from_pos)",
    "CREATE INDEX IF NOT EXISTS rm_intervals_a_known ON rm_intervals (a, from_pos)",
    "CREATE INDEX IF NOT EXISTS rm_intervals_b_known ON rm_intervals (b, from_pos)",
]


TABLE_NAMES = [table.name for table in TABLES]

# The indexes the projector itself reads through; a rebuild creates the others once, at the end.
PROJECTOR_INDEXES = ("rm_events_relation_counts", "rm_intervals_now_days")

# Indexes that a longer one with the same first columns made redundant: a store made before loses them.
RETIRED_INDEXES = (
    "rm_events_relation", "rm_intervals_now", "rm_intervals_a_now", "rm_intervals_b_now", "rm_events_last_day"
)


def _index_name(statement: str) -> str:
    return statement.split()[5]


def create_tables(db: Database, *, indexed: bool = True) -> None:
    """The read model's tables; without ``indexed``, only the indexes the projector needs."""
    with db.write() as cursor:
        db.lock_schema(cursor)
        for table in TABLES:
            cursor.execute(table.create())
        for statement in INDEXES:
            if indexed or _index_name(statement) in PROJECTOR_INDEXES:
                cursor.execute(statement)
        for name in RETIRED_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(
            f"{TRACKING.insert()} ON CONFLICT (name) DO NOTHING", ("relations", 0)
        )


def drop_tables(db: Database) -> None:
    with db.write() as cursor:
        for name in TABLE_NAMES:
            cursor.execute(f"DROP TABLE IF EXISTS rm_{name}")


def switch_to(db: Database, built: Renamed) -> None:
    """Replace the live read model with one built beside it, in one transaction.

    Readers see the old tables until the switch commits, then the new ones. The indexes take the
    live names here, so a table built without its read indexes gets them here, once.
    """
    with db.exclusively([f"rm_{name}" for name in TABLE_NAMES]) as cursor:
        for name in TABLE_NAMES:
            cursor.execute(f"DROP TABLE IF EXISTS rm_{name}")
            cursor.execute(f"ALTER TABLE {built.prefix}{name} RENAME TO rm_{name}")
        for statement in INDEXES:
            built_index = _index_name(statement).replace("rm_", built.prefix)
            cursor.execute(f"DROP INDEX IF EXISTS {built_index}")
            cursor.execute(statement)
