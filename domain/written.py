"""What a write put in the log, and the idempotency key a client's request came with."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

from domain.errors import IdempotencyKeyReused
from domain.records import RequestRecorded
from domain.relation import NAMESPACE


@dataclass(frozen=True)
class Written:
    """What a write put in the log: its entries, the position of each, and what it answers with.

    ``results`` are the public ids a response shows (event ids, or an entity code). A write that
    found its work already done (a keyed request served before, a seed event present) has no
    entries and ``created`` false.
    """

    events: tuple[DomainEvent, ...]
    positions: tuple[int, ...]
    results: tuple[str, ...] = ()
    created: bool = True
    request: UUID | None = None

    @property
    def position(self) -> int:
        return self.positions[-1] if self.positions else 0


@dataclass(frozen=True)
class Keyed:
    """A write request with a client's idempotency key and a fingerprint of what it asked."""

    writer: str
    key: str
    fingerprint: str
    action: str

    @property
    def id(self) -> UUID:
        return uuid5(NAMESPACE, f"request:{self.writer}\n{self.key}")


def request_record(request: Keyed, results: tuple[str, ...]) -> RequestRecorded:
    return RequestRecorded(
        originator_id=request.id,
        originator_version=1,
        timestamp=DomainEvent.create_timestamp(),
        key=request.key,
        fingerprint=request.fingerprint,
        action=request.action,
        results=list(results),
        recorded_by=request.writer,
    )


def replayed(served: RequestRecorded, request: Keyed) -> Written:
    if served.fingerprint != request.fingerprint or served.action != request.action:
        raise IdempotencyKeyReused(
            f"the Idempotency-Key {request.key!r} was used for another request ({served.action}); "
            "use a new key for a new request"
        )
    return Written((), (), tuple(served.results), created=False, request=served.originator_id)


