"""What the domain refuses, each with what a caller needs to put it right.

ChanceryError
 ├── UnknownEntity          a code, name or alias nobody registered (with close names)
 ├── InvalidRelation        an event of an entity with itself
 ├── DuplicateEntity        a code, name or alias already taken
 ├── EventNotFound          no such event id
 ├── AlreadyRetracted       the event was withdrawn before
 ├── StateRuleViolated      a state rule broken in valid-time order
 ├── VersionMismatch        the relation moved on since the caller read it
 ├── IdempotencyKeyReused   a request key already used for another request
 ├── Contended              others kept writing the same relation; try again
 └── BatchRejected          one item of an atomic batch failed
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID


class ChanceryError(Exception):
    """Base of every refusal the domain makes."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class UnknownEntity(ChanceryError):
    def __init__(self, name: str, suggestions: Sequence[tuple[str, str]]):
        self.name = name
        self.suggestions = list(suggestions)
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + ", ".join(f"{n} ({c})" for c, n in self.suggestions) + "?"
        super().__init__(f"no entity has the code, name or alias {name!r}{hint}")


class InvalidRelation(ChanceryError):
    pass


class DuplicateEntity(ChanceryError):
    pass


class EventNotFound(ChanceryError):
    def __init__(self, event_id: UUID):
        self.event_id = event_id
        super().__init__(f"no event has the id {event_id}")


class AlreadyRetracted(ChanceryError):
    pass


class StateRuleViolated(ChanceryError):
    def __init__(
        self,
        detail: str,
        *,
        rule: str,
        on: str,
        conflicting: Sequence[dict[str, Any]],
        state: dict[str, Any],
    ):
        self.rule = rule
        self.on = on
        self.conflicting = list(conflicting)
        self.state = state
        super().__init__(detail)


class VersionMismatch(ChanceryError):
    def __init__(self, relation: str, expected: int, actual: int):
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"relation {relation} is at version {actual}, not {expected}: read it again and retry"
        )


class IdempotencyKeyReused(ChanceryError):
    pass


class Contended(ChanceryError):
    pass


class BatchRejected(ChanceryError):
    def __init__(self, index: int, cause: ChanceryError):
        self.index = index
        self.cause = cause
        super().__init__(f"item {index}: {cause.detail}; nothing was recorded")
