"""What only the HTTP API sends and receives; the read models themselves are in ``projections``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from events import EventIn, Prose
from projections import Digest, EventOut

EXAMPLE_EVENT: dict[str, Any] = {
    "type": "relations.suspended",
    "subject": "PAN",
    "counterpart": "SADR",
    "occurred": "2013-11-20",
    "summary": "Panama suspends relations with the SADR.",
    "attributes": {},
    "sources": [
        {
            "title": "Foreign relations of Panama",
            "quote": "Relations were suspended from 20 November 2013 to 7 January 2016",
            "url": None,
        }
    ],
}

EXAMPLE_BATCH: dict[str, Any] = {
    "events": [
        {
            "type": "relations.severed",
            "subject": "PAN",
            "counterpart": "TWN",
            "occurred": "2017-06-12",
            "summary": "Panama severs diplomatic relations with the Republic of China (Taiwan).",
            "sources": [{"title": "Foreign relations of Panama",
                         "quote": "Panama has severed diplomatic relationship with the Republic of China (Taiwan)"}],
        },
        {
            "type": "relations.established",
            "subject": "PAN",
            "counterpart": "PRC",
            "occurred": "2017-06-12",
            "summary": "Panama establishes diplomatic relations with the People's Republic of China.",
            "sources": [{"title": "Foreign relations of Panama",
                         "quote": "Panama has established a diplomatic relationship with People's Republic of China"}],
        },
    ]
}


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    position: int = Field(description="the read model's position")
    head: int = Field(description="the log's newest position")


class RetractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Prose, Field(examples=["The date was misread."])]


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Prose
    replacement: EventIn


class CorrectionOut(BaseModel):
    retracted: EventOut
    replacement: EventOut


class BatchIn(BaseModel):
    events: Annotated[list[EventIn], Field(min_length=1, max_length=1000)]


class BatchOut(BaseModel):
    events: list[EventOut]


class Verification(BaseModel):
    ok: bool = Field(description="the chain, the kept digest and the replayed read model all agree with the log")
    entries: int
    head: Digest = Field(description="the head of the chain recomputed from the raw log")
    findings: list[str] = Field(description="the first places where they part, each naming its position")
