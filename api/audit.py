"""Audit operations over a service: verify, replay, export, restore, import."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from api.service import IMPORT_WAIT_SECONDS, Service
from domain import BatchRejected
from events import EventIn
from projections import AuditEntry, Digest, Projector
from projections.audit import GENESIS, BadArchive, Restorer, canonical, link
from projections.schema import create_tables, drop_tables, switch_to
from projections.stores import ERRORS as STORE_ERRORS
from projections.stores import Renamed, transient
from projections.verify import Report, replay_into, verify_chain, verify_projections

Progress = Callable[[int], None] | None
SAVE_BATCH = 500


class StoreNotEmpty(Exception):
    """A restore goes only into an empty store."""


def parse_digest(text: str) -> Digest:
    """A kept digest: ``{"position": N, "hash": "…"}`` or ``N:hash``."""
    try:
        if text.lstrip().startswith("{"):
            kept = Digest.model_validate_json(text)
        else:
            position, _, hash_ = text.partition(":")
            kept = Digest(position=int(position), hash=hash_.strip().lower())
    except (ValueError, ValidationError):
        kept = None
    if kept is None or kept.position < 0 or not re.fullmatch(r"[0-9a-f]{64}", kept.hash):
        raise BadArchive(f'{text!r} is not a digest: give {{"position": N, "hash": "<64 hex>"}} or N:<64 hex>')
    return kept


def verify(service: Service, digest: Digest | None = None, progress: Progress = None) -> Report:
    """The chain recomputed from the raw log, then the read model replayed and compared."""
    stuck = _caught_up(service)
    chain = verify_chain(service.app, service.db, digest)
    with service.projector.lock:
        replayed = verify_projections(service.app, service.db, progress)
    chain.findings = stuck + chain.findings + replayed.findings
    return chain


def _caught_up(service: Service) -> list[str]:
    """Bring the read model to the log's head; an entry it cannot apply (a row of the log stored
    twice, say) is a finding at its position, not the end of the check."""
    try:
        service.current()
    except STORE_ERRORS as error:
        if transient(error):
            raise
        # The batch that failed may hold good entries before the bad one: apply them one at a
        # time, so the position named is the entry's own.
        one_by_one = Projector(service.app, service.db, service.projector.lock, batch=1)
        try:
            one_by_one.catch_up()
        except STORE_ERRORS as exact:
            if transient(exact):
                raise
            error = exact
        position = service.position() + 1
        return [f"position {position}: the read model cannot apply this entry ({type(error).__name__}: {error})"]
    return []


def replay(service: Service, progress: Progress = None) -> int:
    """Rebuild the read model beside the live one, then switch to it; readers are never stopped."""
    built = Renamed(service.db, "rb")
    drop_tables(built)
    create_tables(built, indexed=False)
    position = replay_into(service.app, built, progress)
    with service.projector.lock:
        position = replay_into(service.app, built, progress)  # what arrived meanwhile
        switch_to(service.db, built)
    service.db.settle()
    return position


def export(service: Service) -> Iterator[str]:
    """The whole log as JSON Lines, one audit entry (with its hash) a line."""
    service.current()
    after = 0
    while entries := service.audit_log(after, 1000):
        for entry in entries:
            yield entry.model_dump_json() + "\n"
        after = entries[-1].position


@dataclass
class Restored:
    entries: int
    head: Digest


def restore(service: Service, lines: Iterable[str], progress: Progress = None) -> Restored:
    """Load an export into an empty store, keeping ids, positions, record times and writers."""
    if service.head() != 0:
        raise StoreNotEmpty("the store is not empty: restore goes only into a new, empty store")
    restorer, pending, previous, count = Restorer(), list[Any](), GENESIS, 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = _entry(line, number)
        if entry.position != count + 1:
            raise BadArchive(f"line {number}: position {entry.position}, expected {count + 1}: positions run 1, 2, 3…")
        plain = entry.model_dump(exclude={"hash"})
        previous = link(previous, canonical(plain))
        if previous != entry.hash:
            raise BadArchive(f"line {number}: the hash does not follow from the entries before it")
        try:
            pending.append((entry.position, restorer.event(plain)))
        except (KeyError, ValueError, TypeError) as error:
            raise BadArchive(f"line {number}: {error}") from None
        count += 1
        if len(pending) >= SAVE_BATCH:
            _save(service, pending, progress)
            pending = []
    if pending:
        _save(service, pending, progress)
    service.current()
    head = service.digest()
    if head.hash != previous:
        raise BadArchive(f"restored, but the head hash {head.hash} differs from the file's {previous}")
    return Restored(entries=count, head=head)


@dataclass
class Imported:
    appended: int = 0
    present: int = 0
    refused: list[str] = field(default_factory=list)


def import_events(service: Service, lines: Iterable[str], by: str, progress: Progress = None) -> Imported:
    """Append events in the sent form; each line is all or nothing, and a line seen before adds nothing.

    Lines go through the bulk path a batch at a time; a refused line is reported and the rest of
    its batch judged again without it. The read model is brought up to date at the end.
    """
    result = Imported()
    batch: list[tuple[int, EventIn]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append((number, EventIn.model_validate_json(line)))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            result.refused.append(f"line {number}: {where}: {first['msg'].removeprefix('Value error, ')}")
        if len(batch) == SAVE_BATCH:
            _import_batch(service, batch, by, result)
            batch = []
        if progress:
            progress(number)
    _import_batch(service, batch, by, result)
    service.current(timeout=IMPORT_WAIT_SECONDS)
    result.refused.sort(key=lambda reason: int(reason.split(":")[0].removeprefix("line ")))
    return result


def _import_batch(service: Service, batch: list[tuple[int, EventIn]], by: str, result: Imported) -> None:
    while batch:
        try:
            written = service.import_many([sent for _, sent in batch], by)
        except BatchRejected as refusal:
            number, _ = batch.pop(refusal.index)
            result.refused.append(f"line {number}: {refusal.cause.detail}")
            continue
        result.appended += len(written.events)
        result.present += len(batch) - len(written.events)
        return


def _entry(line: str, number: int) -> AuditEntry:
    try:
        return AuditEntry.model_validate(json.loads(line))
    except (json.JSONDecodeError, ValidationError) as error:
        raise BadArchive(f"line {number}: not an audit log entry ({str(error).splitlines()[0]})") from None


def _save(service: Service, pending: list[tuple[int, Any]], progress: Progress) -> None:
    service.app.save(*(event for _, event in pending))
    if progress:
        progress(pending[-1][0])
