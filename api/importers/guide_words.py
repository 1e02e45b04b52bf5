"""The words of the guide's events: their summaries, the windows of implied changes, the names of
governments and agreements."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from events import parse_date

if TYPE_CHECKING:
    from api.importers.guide_events import Said


def window(since: str | None, until: str) -> str:
    """The EDTF interval from the start of ``since`` (open when None) to the end of ``until``."""
    start = ".." if since is None else since.split("/")[0].rstrip("~?%")
    end = end_of(until)
    if start != ".." and parse_date(start).window.first >= parse_date(end).window.last:
        return end
    return f"{start}/{end}"


def end_of(occurred: str) -> str:
    return occurred.split("/")[-1].rstrip("~?%")


def implied_summary(said: Said, what: str) -> str:
    h = said.heading
    said_so = f"Implied: {what}. " if what else "Implied, not said in these words: "
    return (f"{said_so}The guide does not date it; it records “{h.text}” ({h.country}): "
            f"“{shortened(said.quote)}”")[:2000]


def government_named(text: str) -> str | None:
    """The government or state form a heading names as recognized ("Recognition of the Provisional
    Government of the French Republic"), if it names one."""
    match = re.search(r"recogni\w* of (?:the )?(?:independence of )?(?:the )?(.+?)(?:,? \d{4}(?:[-–]\d+)?)?$", text, re.I)
    if match is None:
        return None
    named = re.sub(r"\s*\([^)]*\)", "", match.group(1)).strip()
    return named if re.search(r"Government|Committee|Federation|Republic|Kingdom|Empire|Union", named) else None


def shortened(text: str) -> str:
    return text if len(text) <= 600 else text[:597] + "…"


def slug(text: str) -> str:
    words = [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split()]
    return "-".join(words)[:120]


def agreement_kind(text: str) -> str:
    lowered = text.lower()
    for kind in ("treaty", "convention", "agreement", "declaration", "arrangement", "compact", "protocol"):
        if kind in lowered:
            return kind
    return "agreement"
