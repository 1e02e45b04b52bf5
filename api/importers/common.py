"""What every parser gives (``Parsed``) and the reading they share; nothing here touches a store."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from events import EntityIn, EventIn


class BadSource(ValueError):
    """A file that is not what a parser expects."""


@dataclass(frozen=True)
class Group:
    """Events that stand or fall together, and where they come from (for a refusal's report)."""

    events: tuple[EventIn, ...]
    where: str


@dataclass(frozen=True)
class Parsed:
    """What a source says: the entities its events name, in the order to register them, and its events.

    Events name entities by the codes of ``entities``; a store may know such a code as another
    entity's name, and the loader then puts that entity's code in their place. ``unmapped`` counts
    the parts of the source no event was made of, by their text (``None``: the parser leaves
    nothing out that a reader would look for).
    """

    entities: tuple[EntityIn, ...]
    groups: tuple[Group, ...]
    unmapped: Counter[str] | None = None
    summary: str | None = None
    """What the source became, in one line, said before the parts not mapped (None: a count of groups)."""


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
