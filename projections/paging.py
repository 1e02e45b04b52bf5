"""Long answers come in pages. A page ends at a row and the next begins after it, named by a
token the client passes back (``cursor``): the sort key of the page's last row, its days and its
log position. A page is found through an index however deep it is, never by skipping rows, and a
row recorded meanwhile neither repeats nor hides another."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from projections.columns import SHOWN
from projections.reading import MAX_POSITION

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class InvalidCursor(ValueError):
    """A cursor that no page of this answer ends with."""


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of an answer, and the cursor the next page starts after (None: this is the last)."""

    answer: T
    following: str | None


DAY = r"\d{4}-\d{2}-\d{2}"
RELATION = r"[A-Z][A-Z0-9]{1,15}/[A-Z][A-Z0-9]{1,15}"
# The columns of an event's row a page may be sorted by: those shown, then the relation's key.
SORTABLE = (*SHOWN, "relation")


@dataclass(frozen=True)
class Order:
    """How an answer's rows are sorted: by these columns, each with the form of its values, then by
    log position."""

    columns: tuple[tuple[str, str], ...]

    @property
    def sql(self) -> str:
        return ", ".join((*(name for name, _ in self.columns), "position"))

    def parse(self, token: str) -> Key:
        """The key a client's cursor names."""
        pattern = "_".join([*(form for _, form in self.columns), r"\d{1,19}"])
        if not re.fullmatch(pattern, token, re.ASCII):
            shape = "_".join([*(name.upper() for name, _ in self.columns), "POSITION"])
            raise InvalidCursor(f"{token!r} is not a cursor of this answer (a next link gives one: {shape})")
        *values, position = token.split("_")
        if int(position) > MAX_POSITION:
            raise InvalidCursor(f"{token!r} names a position past any the log can hold")
        return Key(self, tuple(values), int(position))

    def last(self, row: Sequence[Any]) -> Key:
        """The key of an event's row (its ``SORTABLE`` columns, or the first of them)."""
        values = tuple(str(row[SORTABLE.index(name)]) for name, _ in self.columns)
        return Key(self, values, int(row[SORTABLE.index("position")]))


@dataclass(frozen=True)
class Key:
    """Where a page ends: the sort key of its last row."""

    order: Order
    values: tuple[str, ...]
    position: int

    @property
    def token(self) -> str:
        return "_".join((*self.values, str(self.position)))

    def after(self) -> tuple[str, list[Any]]:
        """The condition that keeps the rows sorted after this key, and its parameters."""
        marks = ", ".join("?" * (len(self.values) + 1))
        # The first column's bound again on its own: a store seeks an index to it, where it might
        # test the rows before the page one by one against the whole key.
        first = self.order.columns[0][0]
        return f"{first} >= ? AND ({self.order.sql}) > ({marks})", [self.values[0], *self.values, self.position]


# A timeline's events by the day they began; changes by the day they took effect, then began; an
# entity's timelines by relation, then as a timeline.
BY_BEGINNING = Order((("first_day", DAY),))
BY_EFFECT = Order((("last_day", DAY), ("first_day", DAY)))
BY_RELATION = Order((("relation", RELATION), ("first_day", DAY)))


def page(rows: Sequence[Any], limit: int | None, order: Order) -> tuple[Sequence[Any], str | None]:
    """The rows of a page read with one more than ``limit`` (events' ``SORTABLE`` columns), and
    the cursor of the page after."""
    if limit is None or len(rows) <= limit:
        return rows, None
    return rows[:limit], order.last(rows[limit - 1]).token
