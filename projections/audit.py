"""The audit chain: every log entry as canonical JSON (RFC 8785), each hash over the previous one.

An entry's ``hash`` is the lowercase hex SHA-256 of the previous entry's hash (64 ASCII hex
characters; 64 ``0`` before the first entry) followed by the entry's canonical JSON without its
``hash`` field. Anyone with SHA-256 and a JSON library can recompute it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import rfc8785
from eventsourcing.domain import DomainEvent

from domain import AliasesAdded, EntityRegistered, EventRetracted, FactRecorded, RequestRecorded, entity_id, relation_id
from domain.records import RECORDED
from events import EventType, Facet

GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    """Record time as stored and compared: UTC, microseconds, ``Z``."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def kind_of(event: DomainEvent) -> str:
    if isinstance(event, FactRecorded):
        return event.event_type.value
    if isinstance(event, EventRetracted):
        return "event.retracted"
    if isinstance(event, EntityRegistered):
        return "entity.registered"
    if isinstance(event, AliasesAdded):
        return "entity.aliases_added"
    if isinstance(event, RequestRecorded):
        return "request.recorded"
    raise TypeError(f"the log holds an entry of an unknown kind: {type(event).__name__}")


def data_of(event: DomainEvent) -> dict[str, Any]:
    """What the entry recorded, in the words of the contract."""
    if isinstance(event, FactRecorded):
        return {
            "id": str(event.event_id),
            "type": event.event_type.value,
            "subject": event.subject,
            "counterpart": None if event.event_type.facet is Facet.ENTITY else event.counterpart,
            "occurred": event.occurred,
            "summary": event.summary,
            "attributes": event.attributes,
            "sources": event.sources,
        }
    if isinstance(event, EventRetracted):
        return {
            "id": str(event.retraction_id),
            "event": str(event.event_id),
            "reason": event.reason,
            "replaced_by": str(event.replaced_by) if event.replaced_by else None,
        }
    if isinstance(event, EntityRegistered):
        return {"code": event.code, "name": event.name, "kind": event.kind, "aliases": event.aliases}
    if isinstance(event, AliasesAdded):
        return {"code": event.code, "aliases": event.aliases}
    if isinstance(event, RequestRecorded):
        return {
            "id": str(event.originator_id),
            "key": event.key,
            "fingerprint": event.fingerprint,
            "action": event.action,
            "results": event.results,
        }
    raise TypeError(f"the log holds an entry of an unknown kind: {type(event).__name__}")


def entry_of(event: DomainEvent, position: int) -> dict[str, Any]:
    """One entry of the audit log, without its hash."""
    return {
        "position": position,
        "kind": kind_of(event),
        "recorded_at": timestamp(event.timestamp),
        "recorded_by": _writer(event),
        "data": data_of(event),
    }


def _writer(event: DomainEvent) -> str:
    if isinstance(event, FactRecorded | EventRetracted | EntityRegistered | AliasesAdded | RequestRecorded):
        return event.recorded_by
    raise TypeError(f"the log holds an entry of an unknown kind: {type(event).__name__}")


_SORTED_COMPACT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(entry: dict[str, Any]) -> str:
    """RFC 8785 JSON. Without fractional numbers and with keys inside the Basic Multilingual Plane,
    the standard library's sorted, compact, unescaped encoding is the same text, far faster.

    Only an event's attributes and sources hold JSON as a client sent it; the rest of an entry is
    ours: fixed ASCII keys, text and whole numbers.
    """
    data = entry.get("data", {})
    if _plain(data.get("attributes")) and _plain(data.get("sources")):
        return _SORTED_COMPACT.encode(entry)
    return rfc8785.dumps(entry).decode("utf-8")


_OUTSIDE_PLAIN = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")


def _plain(value: Any) -> bool:
    """No floats, integers JSON keeps exactly, no surrogates, keys that sort alike in UTF-16."""
    if isinstance(value, str):
        return value.isascii() or _OUTSIDE_PLAIN.search(value) is None
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items()) if value else True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, bool) or value is None:
        return True
    return isinstance(value, int) and abs(value) <= 2**53 - 1


def link(previous: str, canonical_entry: str) -> str:
    """The hash of an entry: SHA-256 over the previous hash and the entry's canonical JSON."""
    return hashlib.sha256(previous.encode("ascii") + canonical_entry.encode("utf-8")).hexdigest()


class BadArchive(ValueError):
    """An exported log that cannot be restored as it stands."""


class Restorer:
    """Turns exported entries back into the stored events they were, in position order."""

    def __init__(self) -> None:
        self.versions: dict[UUID, int] = {}
        self.relation_of: dict[str, UUID] = {}

    def event(self, entry: dict[str, Any]) -> DomainEvent:
        kind, data = entry["kind"], entry["data"]
        moment = datetime.strptime(entry["recorded_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        fields: dict[str, Any] = {"recorded_by": entry["recorded_by"]}
        cls: type[DomainEvent]
        if kind == "entity.registered":
            origin, cls = entity_id(data["code"]), EntityRegistered
            fields |= {k: data[k] for k in ("code", "name", "kind", "aliases")}
        elif kind == "entity.aliases_added":
            origin, cls = entity_id(data["code"]), AliasesAdded
            fields |= {k: data[k] for k in ("code", "aliases")}
        elif kind == "event.retracted":
            if data["event"] not in self.relation_of:
                raise BadArchive(f"a retraction of {data['event']}, which no earlier entry recorded")
            origin, cls = self.relation_of[data["event"]], EventRetracted
            replaced = data["replaced_by"]
            fields |= {"retraction_id": UUID(data["id"]), "event_id": UUID(data["event"]), "reason": data["reason"],
                       "replaced_by": UUID(replaced) if replaced else None}
        elif kind == "request.recorded":
            origin, cls = UUID(data["id"]), RequestRecorded
            fields |= {k: data[k] for k in ("key", "fingerprint", "action", "results")}
        else:
            cls = RECORDED[EventType(kind)]
            own = data["counterpart"] is None  # an entity's own event: stored with the entity as both parties
            counterpart = data["subject"] if own else data["counterpart"]
            origin = relation_id(data["subject"], counterpart)
            self.relation_of[data["id"]] = origin
            fields |= {k: data[k] for k in ("subject", "occurred", "summary", "attributes", "sources")}
            fields["counterpart"] = counterpart
            fields["event_id"] = UUID(data["id"])
        version = self.versions.get(origin, 0) + 1
        self.versions[origin] = version
        return cls(originator_id=origin, originator_version=version, timestamp=moment, **fields)
