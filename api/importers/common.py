"""What the importers share: registering states once, and appending in atomic batches."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from api.service import IMPORT_WAIT_SECONDS, Service
from domain import BatchRejected
from events import EntityIn, EventIn

BATCH = 500
Progress = Callable[[int], None] | None


class BadSource(ValueError):
    """A file that is not what an importer expects."""


@dataclass
class Report:
    appended: int = 0
    present: int = 0
    refused: list[str] = field(default_factory=list)
    registered: int = 0
    aliased: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)
    mapped: int = 0

    def line(self) -> str:
        return (
            f"appended {self.appended}, already present {self.present}, refused {len(self.refused)}; "
            f"entities registered {self.registered}, given new names {self.aliased}"
        )


@dataclass(frozen=True)
class Group:
    """Events that stand or fall together, and where they come from (for a refusal's report)."""

    events: tuple[EventIn, ...]
    where: str


def read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows as text; "None" and "NA" stay the strings they are."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise BadSource(f"{path} is not the expected table: it lacks the column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise BadSource(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


def ensure_entity(service: Service, spec: EntityIn, by: str, report: Report) -> str:
    """Register the entity, or give the one already registered under that code its new names."""
    service.app.refresh_directory()
    known = service.read.entity(spec.code)
    if known is None:
        free = [a for a in spec.aliases if _unknown(service, a)]
        name = spec.name if _unknown(service, spec.name) else f"{spec.name} ({spec.code})"
        service.register_entity(EntityIn(code=spec.code, name=name, kind=spec.kind, aliases=free), by)
        report.registered += 1
        return spec.code
    names = {n.casefold() for n in (known.code, known.name, *known.aliases)}
    wanted = [n for n in dict.fromkeys((spec.name, *spec.aliases)) if n.casefold() not in names]
    if wanted and len(service.add_aliases(spec.code, wanted, by)) < len(wanted):
        report.aliased += 1
    return spec.code


def append_groups(service: Service, groups: Sequence[Group], by: str, report: Report, progress: Progress) -> None:
    """Append in batches through the bulk path; a refused group is reported and left out."""
    done = 0
    for start in range(0, len(groups), BATCH):
        pending = list(groups[start : start + BATCH])
        while pending:
            specs = [event for group in pending for event in group.events]
            try:
                written = service.import_many(specs, by)
            except BatchRejected as refusal:
                index, seen = refusal.index, 0
                for number, group in enumerate(pending):
                    if seen + len(group.events) > index:
                        report.refused.append(f"{group.where}: {refusal.cause.detail}")
                        del pending[number]
                        break
                    seen += len(group.events)
                continue
            appended = len(written.events)
            report.appended += appended
            report.present += len(specs) - appended
            break
        done += len(groups[start : start + BATCH])
        if progress:
            progress(done)
    service.current(timeout=IMPORT_WAIT_SECONDS)


def _unknown(service: Service, name: str) -> bool:
    return service.app.directory.find(name) is None
