"""EDTF dates (level 0/1 subset) and the windows of days they cover."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

_FORM = re.compile(r"^(?P<base>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?P<mark>[?~%]?)$")


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class InvalidDate(ValueError):
    """A string that is not a supported EDTF date."""


@dataclass(frozen=True, order=True)
class Window:
    """The days an EDTF date covers, both ends inclusive."""

    first: date
    last: date

    def certain_on(self, day: date) -> bool:
        """Whether the event has surely happened by the end of ``day``."""
        return self.last <= day

    def pending_on(self, day: date) -> bool:
        """Whether ``day`` falls inside the window but the window runs past it."""
        return self.first <= day < self.last


@dataclass(frozen=True)
class EdtfDate:
    """A parsed ``occurred`` value: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with ``?``, ``~`` or ``%``."""

    text: str
    window: Window
    precision: Precision
    uncertain: bool
    approximate: bool

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=65_536)
def parse_date(text: str) -> EdtfDate:
    """Parse an ``occurred`` value, refusing anything outside the contract's forms.

    Parsed values are immutable and the grammar is slow, so each distinct text is parsed once.
    """
    match = _FORM.match(text)
    if match is None:
        raise InvalidDate(
            f"{text!r} is not an EDTF date of the form YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ?, ~ or %"
        )
    if int(text[:4]) < 1:
        raise InvalidDate(f"{text!r}: the year must be 0001 or later")
    if len(match.group("base")) >= 7 and not 1 <= int(text[5:7]) <= 12:
        # EDTF reads 21-41 as seasons and quarters; the contract's dates have months only.
        raise InvalidDate(f"{text!r} is not a valid calendar date: the month must be 01 to 12")
    try:
        parsed = parse_edtf(text)
    except EDTFParseException:
        raise InvalidDate(f"{text!r} is not a valid calendar date") from None
    mark = match.group("mark")
    base = match.group("base")
    precision = {4: Precision.YEAR, 7: Precision.MONTH, 10: Precision.DAY}[len(base)]
    window = Window(_to_date(parsed.lower_strict()), _to_date(parsed.upper_strict()))
    return EdtfDate(
        text=text,
        window=window,
        precision=precision,
        uncertain=mark in ("?", "%"),
        approximate=mark in ("~", "%"),
    )


def parse_day(text: str) -> date:
    """Parse a full calendar day ``YYYY-MM-DD`` (the ``on`` of a state query)."""
    parsed = parse_date(text)
    if parsed.precision is not Precision.DAY or parsed.uncertain or parsed.approximate:
        raise InvalidDate(f"{text!r} is not a calendar day of the form YYYY-MM-DD")
    return parsed.window.first


def _to_date(value: time.struct_time) -> date:
    return date(value.tm_year, value.tm_mon, value.tm_mday)
