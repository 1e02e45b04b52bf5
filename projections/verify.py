"""Checks an auditor can run: recompute the chain from the raw stored events (and see that no
name went to two entities), and replay the read model from the log beside the live one and
compare them row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import DomainEvent

from domain import AliasesAdded, Chancery, EntityRegistered
from projections.audit import GENESIS, canonical, entry_of, link
from projections.columns import ENTITIES, EVENTS, INTERVALS, LOG, REQUESTS
from projections.models import Digest
from projections.projector import Projector, build_intervals
from projections.read_model import ReadModel
from projections.schema import create_tables, drop_tables
from projections.stores import Database, Renamed

BATCH = 5000

# What a check compares: every table but the tracking row, in a stable order, without the
# columns that differ by construction.
COMPARED = (LOG, ENTITIES, EVENTS, INTERVALS, REQUESTS)


@dataclass
class Report:
    """What a check found: the recomputed head, and the first places where things part."""

    head: Digest
    entries: int
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def raw_entries(app: Chancery) -> Iterator[tuple[int, str | Exception, DomainEvent | None]]:
    """Every stored event, at its position (1, 2, 3… in log order), as the canonical entry it
    stands for, or the error decoding it; and the event decoded."""
    stored, position = 0, 0
    while True:
        notifications = app.recorder.select_notifications(start=stored + 1, limit=BATCH)
        if not notifications:
            return
        for notification in notifications:
            stored, position = notification.id, position + 1
            event: DomainEvent | None = None
            try:
                decoded = app.mapper.to_domain_event(notification)
                if not isinstance(decoded, DomainEvent):
                    raise TypeError(f"not a domain event: {type(decoded).__name__}")
                event = decoded
                entry: str | Exception = canonical(entry_of(event, position))
            except Exception as error:  # noqa: BLE001 - a tampered row is reported, not raised
                entry = error
            yield position, entry, event


class Names:
    """Who holds each name (a code, a name or an alias, in any case), from the registrations in
    log order. A name is one entity's: an entry that gives it to another is a finding (writers of
    different processes could once do so, each judging before seeing the other's registration)."""

    def __init__(self) -> None:
        self.holders: dict[str, tuple[str, int]] = {}
        self.findings: list[str] = []

    def see(self, event: DomainEvent, position: int) -> None:
        if isinstance(event, EntityRegistered):
            names = [event.code, event.name, *event.aliases]
        elif isinstance(event, AliasesAdded):
            names = list(event.aliases)
        else:
            return
        for name in names:
            holder, since = self.holders.setdefault(name.strip().casefold(), (event.code, position))
            if holder != event.code:
                self.findings.append(
                    f"position {position}: {event.code} is given the name {name!r}, which {holder} holds since position {since}"
                )


def verify_chain(app: Chancery, db: Database, digest: Digest | None = None) -> Report:
    """Recompute the chain from the raw log; compare it with the stored chain and a kept digest.
    Each name held by two entities is a finding too."""
    stored = _stored_chain(db)
    previous, count, findings, names = GENESIS, 0, list[str](), Names()
    recomputed_at: dict[int, str] = {}
    for position, entry, event in raw_entries(app):
        count += 1
        if event is not None:
            names.see(event, position)
        if isinstance(entry, Exception):
            findings.append(f"position {position}: the stored event cannot be read ({type(entry).__name__}: {entry})")
            break
        previous = link(previous, entry)
        recomputed_at[position] = previous
        kept = stored.pop(position, None)
        if kept is None and not findings:
            findings.append(f"position {position}: in the log but not in the stored chain")
        elif kept is not None and kept != (entry, previous) and not findings:
            what = "its content differs from the entry recorded then" if kept[0] != entry else "its hash differs"
            findings.append(f"position {position}: {what}")
    if stored and not findings:
        findings.append(f"position {min(stored)}: in the stored chain but no longer in the log")
    head = Digest(position=max(recomputed_at, default=0), hash=previous)
    if digest is not None:
        findings += _against_digest(digest, recomputed_at)
    findings += names.findings
    return Report(head=head, entries=count, findings=findings)


def verify_projections(app: Chancery, db: Database, progress: Callable[[int], None] | None = None) -> Report:
    """Replay the whole log into scratch tables beside the live ones and compare them row by row."""
    scratch = Renamed(db, "rv")
    drop_tables(scratch)
    create_tables(scratch, indexed=False)
    findings: list[str] = []
    try:
        head = replay_into(app, scratch, progress)
        findings = compare(db, scratch)
    except Exception as error:  # noqa: BLE001 - a log that cannot be replayed is a finding
        findings.append(f"the log cannot be replayed: {type(error).__name__}: {error}")
        head = 0
    finally:
        drop_tables(scratch)
        db.settle()
    return Report(head=Digest(position=head, hash=""), entries=head, findings=findings)


def replay_into(app: Chancery, target: Database, progress: Callable[[int], None] | None = None) -> int:
    """Project the whole log into ``target`` batch by batch; the position reached."""
    projector = Projector(app, target, batch=BATCH)
    head = projector.head()
    stored = projector.tracking()
    if stored == 0:  # empty tables: the log first, then each relation's intervals in one go
        while stored < head:
            stored = projector.catch_up(min(head, stored + BATCH), intervals=False)
            if progress:
                progress(stored)
        build_intervals(target)
    while stored < head:
        stored = projector.catch_up(min(head, stored + BATCH))
        if progress:
            progress(stored)
    return ReadModel(target).position()


def compare(live: Database, rebuilt: Renamed) -> list[str]:
    for compared in COMPARED:
        table, columns = compared.name, compared.compared
        with live.read() as cursor:
            cursor.execute(f"SELECT {columns} FROM rm_{table} ORDER BY {compared.order}")
            have = [tuple(_row(r, columns)) for r in cursor.fetchall()]
        with rebuilt.read() as cursor:
            cursor.execute(f"SELECT {columns} FROM rm_{table} ORDER BY {compared.order}")
            want = [tuple(_row(r, columns)) for r in cursor.fetchall()]
        for index, (a, b) in enumerate(zip(have, want, strict=False)):
            if a != b:
                return [f"read model table {table}, row {index + 1}: live {a!r} but replayed {b!r}"]
        if len(have) != len(want):
            return [f"read model table {table}: {len(have)} rows live but {len(want)} replayed"]
    return []


def _row(row: Any, columns: str) -> list[Any]:
    return [row[name.strip()] for name in columns.split(",")]


def _stored_chain(db: Database) -> dict[int, tuple[str, str]]:
    with db.read() as cursor:
        cursor.execute("SELECT position, entry, hash FROM rm_log")
        return {int(r["position"]): (r["entry"], r["hash"]) for r in cursor.fetchall()}


def _against_digest(digest: Digest, recomputed_at: dict[int, str]) -> list[str]:
    if digest.position == 0:
        return [] if digest.hash == GENESIS else ["the digest for position 0 must be 64 zeros"]
    found = recomputed_at.get(digest.position)
    if found is None:
        return [f"position {digest.position}: the kept digest is past the log's end or the entry is gone"]
    if found != digest.hash:
        return [f"position {digest.position}: the recomputed hash differs from the kept digest"]
    return []
