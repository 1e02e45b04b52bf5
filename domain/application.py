"""The application: append, retract and correct events, register and look up entities."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from domain.cache import EntriesReader, Relations, entries_one_by_one, relations_from
from domain.directory import Directory, Entity, entity_id
from domain.errors import (
    BatchRejected,
    ChanceryError,
    Contended,
    DuplicateEntity,
    InvalidRelation,
    UnknownEntity,
    VersionMismatch,
)
from domain.lives import Spell, spells
from domain.records import AliasesAdded, EntityRegistered, RequestRecorded
from domain.relation import Relation, project, relation_id, relation_key
from domain.written import Keyed, Written, replayed, request_record
from events import EntityIn, EventIn

Change = tuple[list[DomainEvent], tuple[str, ...]]


class Chancery(Application[UUID]):
    """The write side of Chancery over the store its settings name."""

    name = "chancery"

    def __init__(self, env: dict[str, str] | None = None, stored_entries: EntriesReader = entries_one_by_one) -> None:
        """``stored_entries`` reads many relations' entries from the store at once."""
        super().__init__(env)
        self.stored_entries = stored_entries
        self.directory = Directory()
        self.relations = Relations(int(self.env.get("CHANCERY_WRITE_CACHE", Relations.LIMIT)))
        self._loaded: list[UUID] = []

    # Entities

    def resolve(self, name: str) -> Entity:
        """The entity a code, name or alias names (case-insensitive).

        Names are only ever added, so a name found is still right; only a miss reads the log
        for registrations made since (by any process).
        """
        entity = self.find(name)
        if entity is None:
            raise UnknownEntity(name, self.directory.close_to(name))
        return entity

    def find(self, name: str) -> Entity | None:
        """The entity a code, name or alias names, or None (without looking for close names)."""
        entity = self.directory.find(name)
        if entity is None:
            self.refresh_directory()
            entity = self.directory.find(name)
        return entity

    def register_entity(self, spec: EntityIn, by: str, *, request: Keyed | None = None) -> Written:
        def change() -> Change:
            self.refresh_directory()
            existing = self.directory.by_code.get(spec.code)
            if existing is not None and _same_entity(existing, spec):
                return [], (spec.code,)
            self._check_names_free(spec)
            event = EntityRegistered(
                originator_id=entity_id(spec.code),
                originator_version=1,
                timestamp=DomainEvent.create_timestamp(),
                code=spec.code,
                name=spec.name,
                kind=spec.kind.value,
                aliases=list(dict.fromkeys(spec.aliases)),
                recorded_by=by,
            )
            return [event], (spec.code,)

        try:
            return self._write(change, request, None)
        except IntegrityError:
            raise DuplicateEntity(f"the code {spec.code} is already registered") from None

    def add_aliases(self, code: str, aliases: Sequence[str], by: str) -> tuple[Written, list[str]]:
        """Record more names for an entity; names another entity holds are left out and returned."""

        def change() -> Change:
            self.refresh_directory()
            if code not in self.directory.by_code:
                raise UnknownEntity(code, self.directory.close_to(code))
            new, taken = [], []
            for alias in dict.fromkeys(a.strip() for a in aliases if a.strip()):
                owner = self.directory.by_name.get(alias.casefold())
                if owner is None:
                    new.append(alias)
                elif owner != code:
                    taken.append(alias)
            skipped.extend(taken)
            if not new:
                return [], (code,)
            event = AliasesAdded(
                originator_id=entity_id(code),
                originator_version=self.directory.versions[code] + 1,
                timestamp=DomainEvent.create_timestamp(),
                code=code,
                aliases=new,
                recorded_by=by,
            )
            return [event], (code,)

        skipped: list[str] = []
        return self._write(change, None, None), skipped

    def refresh_directory(self) -> None:
        """Read registrations recorded since the last look (by any process)."""
        directory = self.directory
        with directory.lock:
            head = self.recorder.max_notification_id() or 0
            while directory.scanned < head:
                stop = min(head, directory.scanned + 10_000)
                for notification in self.recorder.select_notifications(
                    start=directory.scanned + 1, stop=stop, limit=10_000, topics=Directory.TOPICS
                ):
                    event = self.mapper.to_domain_event(notification)
                    assert isinstance(event, EntityRegistered | AliasesAdded)
                    directory.add(event)
                directory.scanned = stop

    def _check_names_free(self, spec: EntityIn) -> None:
        if spec.code in self.directory.by_code:
            raise DuplicateEntity(f"the code {spec.code} is already registered")
        for name in (spec.code, spec.name, *spec.aliases):
            owner = self.directory.by_name.get(name.casefold())
            if owner is not None:
                raise DuplicateEntity(f"the name {name!r} already belongs to {owner}")

    # Relations

    def relation(self, a: str, b: str) -> Relation:
        """The relation between two entity codes, read from the store (empty if nothing was recorded yet)."""
        try:
            found = self.repository.get(relation_id(a, b), projector_func=project)
        except AggregateNotFoundError:
            return Relation.start(a, b)
        assert isinstance(found, Relation)
        return found

    def _relations(self, pairs: Iterable[tuple[str, str]]) -> dict[str, Relation]:
        """The relations a write judges against, by key: from the cache, the rest in one read."""
        wanted = {relation_key(a, b): (a, b) for a, b in pairs}
        found: dict[str, Relation] = {}
        missing: dict[UUID, tuple[str, str]] = {}
        for key, (a, b) in wanted.items():
            key_id = relation_id(a, b)
            cached = self.relations.get(key_id)
            if cached is None:
                missing[key_id] = (a, b)
            else:
                found[key] = cached
        stored = relations_from(self.mapper, self.stored_entries(self.recorder, list(missing))) if missing else {}
        for key_id, (a, b) in missing.items():
            relation = stored.get(key_id) or Relation.start(a, b)
            self.relations.put(relation)
            found[relation.key] = relation
        self._loaded += [r.id for r in found.values()]
        return found

    def _sync(self) -> None:
        """Drop cached relations that another process has written since this one last looked."""
        cache = self.relations
        head = self.recorder.max_notification_id() or 0
        if head <= cache.seen:
            return
        if not cache.held or head - cache.seen > 10_000:
            cache.clear()
        else:
            for notification in self.recorder.select_notifications(
                start=cache.seen + 1, stop=head, limit=head - cache.seen
            ):
                cached = cache.held.get(UUID(str(notification.originator_id)))
                if cached is not None and cached[0].version < notification.originator_version:
                    cache.drop([cached[0].id])
        cache.seen = head

    def append(
        self,
        spec: EventIn,
        by: str,
        *,
        expected_version: int | None = None,
        event_id: UUID | None = None,
        request: Keyed | None = None,
    ) -> Written:
        """Record one event; with ``event_id`` already recorded, record nothing and say so."""

        def change() -> Change:
            subject, counterpart = self._parties(spec)
            relation = self._relation_at(subject, counterpart, expected_version)
            if event_id is not None and event_id in relation.recorded:
                return [], (str(event_id),)
            lives = self._lives(subject, counterpart, self._relations(_own(subject, counterpart)))
            event = relation.record(spec, subject, counterpart, event_id or uuid4(), by, lives)
            return relation.collect_events(), (str(event.event_id),)

        return self._write(change, request, expected_version)

    def append_many(
        self,
        specs: Sequence[EventIn],
        by: str,
        *,
        request: Keyed | None = None,
        event_ids: Sequence[UUID] | None = None,
    ) -> Written:
        """Record several events atomically: all of them or, at the first refusal, none.

        With ``event_ids``, an event whose id is already recorded is left out (a re-import).
        """

        def change() -> Change:
            parties: list[tuple[str, str]] = []
            for index, spec in enumerate(specs):
                try:
                    parties.append(self._parties(spec))
                except ChanceryError as refusal:
                    raise BatchRejected(index, refusal) from None
            relations = self._relations([*parties, *(own for pair in parties for own in _own(*pair))])
            events: list[DomainEvent] = []
            results: list[str] = []
            for index, (spec, (subject, counterpart)) in enumerate(zip(specs, parties, strict=True)):
                try:
                    key = relation_key(subject, counterpart)
                    event_id = event_ids[index] if event_ids is not None else uuid4()
                    results.append(str(event_id))
                    if event_id in relations[key].recorded:
                        continue
                    lives = self._lives(subject, counterpart, relations)
                    events.append(relations[key].record(spec, subject, counterpart, event_id, by, lives))
                except ChanceryError as refusal:
                    raise BatchRejected(index, refusal) from None
            for relation in relations.values():
                relation.collect_events()  # saved in the order sent, from ``events``; not kept in memory
            return events, tuple(results)

        return self._write(change, request, None)

    def retract(
        self,
        a: str,
        b: str,
        event_id: UUID,
        reason: str,
        by: str,
        *,
        expected_version: int | None = None,
        request: Keyed | None = None,
    ) -> Written:
        def change() -> Change:
            relation = self._relation_at(a, b, expected_version)
            relation.retract(event_id, uuid4(), reason, by)
            return relation.collect_events(), (str(event_id),)

        return self._write(change, request, expected_version)

    def correct(
        self,
        a: str,
        b: str,
        event_id: UUID,
        replacement: EventIn,
        reason: str,
        by: str,
        *,
        expected_version: int | None = None,
        request: Keyed | None = None,
    ) -> Written:
        """Retract an event and record its replacement in one atomic write."""

        def change() -> Change:
            original = self._relation_at(a, b, expected_version)
            subject, counterpart = self._parties(replacement)
            new_id = uuid4()
            same = relation_key(subject, counterpart) == original.key
            target = original if same else self._relations([(subject, counterpart)])[relation_key(subject, counterpart)]
            original.retract(event_id, uuid4(), reason, by, replaced_by=new_id, judge=False)
            lives = self._lives(subject, counterpart, self._relations(_own(subject, counterpart)))
            target.record(replacement, subject, counterpart, new_id, by, lives)
            if not same:
                original.judge_without(event_id)
            events = original.collect_events() + ([] if same else target.collect_events())
            return events, (str(event_id), str(new_id))

        return self._write(change, request, expected_version)

    def find_request(self, request: Keyed) -> RequestRecorded | None:
        """The record of a keyed request served before, if any."""
        for event in self.events.get(request.id):
            assert isinstance(event, RequestRecorded)
            return event
        return None

    def _lives(self, subject: str, counterpart: str, relations: dict[str, Relation]) -> dict[str, list[Spell]]:
        """The spells each party of a relation event lived, from its own history in ``relations``
        (none for an entity's own event)."""
        return {code: spells(relations[f"{code}/{code}"].facts()) for code, _ in _own(subject, counterpart)}

    def _parties(self, spec: EventIn) -> tuple[str, str]:
        """The codes of an event's parties; an entity's own event has the entity as both."""
        subject = self.resolve(spec.subject).code
        if spec.counterpart is None:
            return subject, subject
        counterpart = self.resolve(spec.counterpart).code
        if subject == counterpart:
            raise InvalidRelation(f"subject and counterpart are both {subject}: a relation needs two entities")
        return subject, counterpart

    def _relation_at(self, a: str, b: str, expected_version: int | None) -> Relation:
        relation = self._relations([(a, b)])[relation_key(a, b)]
        if expected_version is not None and expected_version != relation.version:
            raise VersionMismatch(relation.key, expected_version, relation.version)
        return relation

    def _write(self, change: Callable[[], Change], request: Keyed | None, expected_version: int | None) -> Written:
        """Judge and save a change atomically, with the request's key if it has one.

        A concurrent write to the same relation is judged again, unless the caller pinned a
        version; a keyed request already served answers with what it answered then.
        """
        for _ in range(5):
            if request is not None and (served := self.find_request(request)) is not None:
                return replayed(served, request)
            self._sync()
            self._loaded = []
            try:
                events, results = change()
                if not events:
                    return Written((), (), results, created=False)
                if request is not None:
                    events.append(request_record(request, results))
                recordings = self.events.put(events)  # as save() does, without its per-event protocol check
            except IntegrityError:
                self.relations.drop(self._loaded)
                if request is not None and (served := self.find_request(request)) is not None:
                    return replayed(served, request)
                if expected_version is not None:
                    raise VersionMismatch("being written", expected_version, expected_version + 1) from None
                if isinstance(events[0], EntityRegistered):
                    raise
                continue
            except BaseException:
                self.relations.drop(self._loaded)
                raise
            positions = tuple(r.notification.id for r in recordings)
            if positions and positions[0] == self.relations.seen + 1:
                self.relations.seen = positions[-1]
            for key in dict.fromkeys(self._loaded):
                relation = self.relations.get(key)
                if relation is not None:
                    self.relations.put(relation)
            return Written(tuple(events), positions, results, request=request.id if request else None)
        raise Contended("the relation is being written by others too often; try again")


def _own(subject: str, counterpart: str) -> list[tuple[str, str]]:
    """The pairs that hold each party's own history, for a relation event (none for an entity's own)."""
    return [] if subject == counterpart else [(subject, subject), (counterpart, counterpart)]


def _same_entity(entity: Entity, spec: EntityIn) -> bool:
    return (entity.name, entity.kind, entity.aliases) == (
        spec.name,
        spec.kind.value,
        tuple(dict.fromkeys(spec.aliases)),
    )


__all__ = ["Chancery", "Entity", "Keyed", "Written", "entity_id"]
