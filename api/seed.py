"""The seed data set: entities and events from the two Panama documents, loaded idempotently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.service import Service
from events import EntityIn, EventIn


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


def load(service: Service, directory: Path, by: str, progress: Any = None) -> Loaded:
    entities = [(n, _parse(EntityIn, v, directory / "entities.jsonl", n)) for n, v in read_jsonl(directory / "entities.jsonl")]
    events = [(n, _parse(EventIn, v, directory / "events.jsonl", n)) for n, v in read_jsonl(directory / "events.jsonl")]
    loaded = Loaded()
    for _, entity in entities:
        _, written, _ = service.register_entity(entity, by)
        if written.created:
            loaded.entities_added += 1
        else:
            loaded.entities_present += 1
        if progress:
            progress()
    for _, event in events:
        _, written, _ = service.append(event, by, event_id=event.content_id())
        if written.created:
            loaded.events_added += 1
        else:
            loaded.events_present += 1
        if progress:
            progress()
    return loaded


def count(directory: Path) -> int:
    return sum(1 for _ in read_jsonl(directory / "entities.jsonl")) + sum(1 for _ in read_jsonl(directory / "events.jsonl"))


def _parse(model: Any, value: dict[str, Any], path: Path, number: int) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadSeedFile(f"{path}:{number}: {where}: {first['msg']}") from None
