"""Small builders for relation facts and sent events in tests."""

from __future__ import annotations

import itertools
from typing import Any
from uuid import uuid4

from domain import Chancery, Fact
from events import EventIn, EventType, parse_date
from projections.stores import open_store

_seq = itertools.count(1)


def fact(type_: str, occurred: str, subject: str = "PAN", counterpart: str = "TWN", **attributes: Any) -> Fact:
    return Fact(
        id=uuid4(),
        type=EventType(type_),
        subject=subject,
        counterpart=counterpart,
        occurred=parse_date(occurred),
        attributes=attributes,
        seq=next(_seq),
    )


def sent(type_: str, occurred: str, subject: str = "PAN", counterpart: str = "TWN", **attributes: Any) -> EventIn:
    return EventIn(
        type=EventType(type_),
        subject=subject,
        counterpart=counterpart,
        occurred=occurred,
        summary=f"{subject} {type_} {counterpart}",
        attributes=attributes,
        sources=[{"title": "Test source", "quote": f"{type_} in {occurred}"}],
    )


def application(url: str) -> Chancery:
    """The write side over the store ``url`` names, reading relations as a service does."""
    store = open_store(url)
    return Chancery(env=store.settings(), stored_entries=store.stored_entries)


SOURCE = [{"title": "A test source", "quote": "as the test says", "url": None}]


def event(kind: str, subject: str, counterpart: str, occurred: str, **attributes: str) -> dict[str, Any]:
    """An event in the sent form as JSON values, citing a test source."""
    return {
        "type": kind,
        "subject": subject,
        "counterpart": counterpart,
        "occurred": occurred,
        "summary": f"{subject} and {counterpart}: {kind} ({occurred}).",
        "attributes": attributes,
        "sources": SOURCE,
    }
