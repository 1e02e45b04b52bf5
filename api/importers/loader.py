"""The one loader: what a parser read, put into a store through the service's public methods only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from api.importers.common import Group, Parsed
from api.service import IMPORT_WAIT_SECONDS, Service
from domain import BatchRejected, DuplicateEntity
from events import EntityIn, EventIn, parse_date

BATCH = 500
Progress = Callable[[int], None] | None


@dataclass
class Report:
    """What a load did: events appended, already present and refused (with why); entities registered
    and entities given new names."""

    appended: int = 0
    present: int = 0
    refused: list[str] = field(default_factory=list)
    registered: int = 0
    aliased: int = 0

    def line(self) -> str:
        return (
            f"appended {self.appended}, already present {self.present}, refused {len(self.refused)}; "
            f"entities registered {self.registered}, given new names {self.aliased}"
        )


def load(service: Service, parsed: Parsed, by: str, progress: Progress = None) -> Report:
    """Register the entities (or name the ones the store knows), then append the groups in batches.

    A group the store refuses is reported and left out; a group already recorded adds nothing
    (event ids come from their content), so loading the same source twice appends nothing.
    """
    report = Report()
    codes = {spec.code: ensure_entity(service, spec, by, report) for spec in parsed.entities}
    groups = [renamed(group, codes) for group in parsed.groups if not _made_one(group, codes)]
    append_groups(service, sorted(groups, key=_earliest), by, report, progress)
    return report


def _earliest(group: Group) -> date:
    """When a group's first event begins. Groups are appended in that order, so each relation's
    events arrive in valid-time order: an event is judged with those before it already recorded,
    and what it is judged against does not depend on the order the source lists them in (a second
    load accepts nothing a first one refused)."""
    return min(parse_date(event.occurred).window.first for event in group.events)


def ensure_entity(service: Service, spec: EntityIn, by: str, report: Report) -> str:
    """The code of the entity meant: registered as given when its code and names are all free (one
    write, the common case), else as ``reconcile`` finds it."""
    try:
        _, written, _ = service.register_entity(spec, by)
    except DuplicateEntity:
        return reconcile(service, spec, by, report)
    report.registered += written.created
    return spec.code


def reconcile(service: Service, spec: EntityIn, by: str, report: Report) -> str:
    """The entity the store knows by this code (as its code, or as a name of another) or, failing
    that, by its name (another source registered it under a code of its own), given the names it
    lacks; else the entity registered now under the names still free."""
    known = service.find(spec.code) or service.find(spec.name)
    if known is None:
        free = [a for a in spec.aliases if service.find(a) is None]
        service.register_entity(EntityIn(code=spec.code, name=spec.name, kind=spec.kind, aliases=free), by)
        report.registered += 1
        return spec.code
    offered = (spec.name, *spec.aliases) if known.code == spec.code else tuple(spec.aliases)
    names = {n.casefold() for n in (known.code, known.name, *known.aliases)}
    wanted = [n for n in dict.fromkeys(offered) if n.casefold() not in names]
    if wanted and len(service.add_aliases(known.code, wanted, by)) < len(wanted):
        report.aliased += 1
    return known.code


def renamed(group: Group, codes: dict[str, str]) -> Group:
    """The group with each entity named by the code the store knows it under."""
    return Group(tuple(_renamed(event, codes) for event in group.events), group.where)


def _renamed(event: EventIn, codes: dict[str, str]) -> EventIn:
    subject = codes.get(event.subject, event.subject)
    counterpart = None if event.counterpart is None else codes.get(event.counterpart, event.counterpart)
    if (subject, counterpart) == (event.subject, event.counterpart):
        return event
    return event.model_copy(update={"subject": subject, "counterpart": counterpart})


def _made_one(group: Group, codes: dict[str, str]) -> bool:
    """Whether a group relates two codes the store knows as one entity (it would relate it to itself)."""
    return any(
        e.counterpart is not None
        and e.subject != e.counterpart
        and codes.get(e.subject, e.subject) == codes.get(e.counterpart, e.counterpart)
        for e in group.events
    )


def append_groups(service: Service, groups: Sequence[Group], by: str, report: Report, progress: Progress) -> None:
    """Append in batches through the bulk path; a refused group is reported and left out."""
    done = 0
    for start in range(0, len(groups), BATCH):
        _append_batch(service, list(groups[start : start + BATCH]), by, report)
        done += len(groups[start : start + BATCH])
        if progress:
            progress(done)
    service.current(timeout=IMPORT_WAIT_SECONDS)


def _append_batch(service: Service, pending: list[Group], by: str, report: Report) -> None:
    """Append a batch; while the store refuses one of its groups, report that group and try the rest."""
    while pending:
        specs = [event for group in pending for event in group.events]
        try:
            written = service.import_many(specs, by)
        except BatchRejected as refusal:
            refused = _refused(pending, refusal.index)
            report.refused.append(f"{pending[refused].where}: {refusal.cause.detail}")
            del pending[refused]
            continue
        report.appended += len(written.events)
        report.present += len(specs) - len(written.events)
        return


def _refused(groups: Sequence[Group], index: int) -> int:
    """The number of the group that holds the batch's event at ``index``."""
    seen = 0
    for number, group in enumerate(groups):
        seen += len(group.events)
        if seen > index:
            return number
    raise IndexError(index)
