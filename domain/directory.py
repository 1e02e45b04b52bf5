"""Entities by code, name and alias, kept from the log's registrations."""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from uuid import UUID, uuid5

from eventsourcing.utils import get_topic

from domain.records import AliasesAdded, EntityRegistered
from domain.relation import NAMESPACE


@dataclass(frozen=True)
class Entity:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


def entity_id(code: str) -> UUID:
    return uuid5(NAMESPACE, "entity:" + code)


class Directory:
    """Entities by code, name and alias (case-insensitive), kept from the log's registrations."""

    TOPICS = (get_topic(EntityRegistered), get_topic(AliasesAdded))

    def __init__(self) -> None:
        self.by_code: dict[str, Entity] = {}
        self.by_name: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.scanned = 0
        self.lock = threading.Lock()

    def add(self, event: EntityRegistered | AliasesAdded) -> None:
        if isinstance(event, EntityRegistered):
            entity = Entity(event.code, event.name, event.kind, tuple(event.aliases))
        else:
            known = self.by_code[event.code]
            entity = Entity(known.code, known.name, known.kind, (*known.aliases, *event.aliases))
        self.by_code[entity.code] = entity
        self.versions[entity.code] = event.originator_version
        for name in (entity.code, entity.name, *entity.aliases):
            # A name is its first holder's: a log could give it to a second entity (writers of two
            # processes that once judged without seeing each other's registration), and every
            # process, however far it has read, must answer the same.
            self.by_name.setdefault(name.casefold(), entity.code)

    def find(self, name: str) -> Entity | None:
        code = self.by_name.get(name.strip().casefold())
        return self.by_code.get(code) if code else None

    def close_to(self, name: str, limit: int = 3) -> list[tuple[str, str]]:
        matches = difflib.get_close_matches(name.casefold(), list(self.by_name), n=limit * 3, cutoff=0.6)
        found: dict[str, str] = {}
        for match in matches:
            entity = self.by_code[self.by_name[match]]
            found.setdefault(entity.code, entity.name)
        return list(found.items())[:limit]
