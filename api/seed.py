"""The seed data set: entities and events from the two Panama documents, read purely, loaded idempotently."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.importers.common import Group, Parsed
from api.service import Service
from events import EntityIn, EventIn

M = TypeVar("M", bound=BaseModel)


class BadSeedFile(ValueError):
    pass


@dataclass
class Loaded:
    entities_added: int = 0
    entities_present: int = 0
    events_added: int = 0
    events_present: int = 0


def seed_directory() -> Path:
    """The packaged data set, or the repository's ``data/`` when run from a checkout."""
    packaged = Path(__file__).parent / "seed_data"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "data"


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BadSeedFile(f"cannot read {path}: {error.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadSeedFile(f"{path}:{number}: not JSON ({error.msg})") from None
        if not isinstance(value, dict):
            raise BadSeedFile(f"{path}:{number}: expected a JSON object")
        yield number, value


def read(directory: Path) -> Parsed:
    """The data set as a parser gives a source: its entities, and each event a group of its own."""
    entities, events = directory / "entities.jsonl", directory / "events.jsonl"
    return Parsed(
        tuple(_parse(EntityIn, value, entities, number) for number, value in read_jsonl(entities)),
        tuple(Group((_parse(EventIn, value, events, number),), f"{events}:{number}") for number, value in read_jsonl(events)),
    )


def load(service: Service, directory: Path, by: str, progress: Callable[[], None] | None = None) -> Loaded:
    return load_parsed(service, read(directory), by, progress)


def load_parsed(service: Service, parsed: Parsed, by: str, progress: Callable[[], None] | None = None) -> Loaded:
    """Register each entity and append each event by its content id, one by one: the seed is curated, so
    a refusal stops it; what is recorded already is counted present, not recorded again."""
    loaded = Loaded()
    for entity in parsed.entities:
        _, written, _ = service.register_entity(entity, by)
        loaded.entities_added += written.created
        loaded.entities_present += not written.created
        if progress:
            progress()
    for event in (e for group in parsed.groups for e in group.events):
        _, written, _ = service.append(event, by, event_id=event.content_id())
        loaded.events_added += written.created
        loaded.events_present += not written.created
        if progress:
            progress()
    return loaded


def _parse(model: type[M], value: dict[str, Any], path: Path, number: int) -> M:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadSeedFile(f"{path}:{number}: {where}: {first['msg']}") from None
