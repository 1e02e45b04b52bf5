"""The values that cross Chancery's boundaries: events as sent, their sources, entities."""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any
from uuid import UUID, uuid5

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from events.dates import parse_date
from events.vocabulary import EntityKind, EventType, Facet

CONTENT_NAMESPACE = UUID("0b6f1d3c-52a4-4a8e-9c7e-3f0e9b5a2d11")
_CONTENT = json.JSONEncoder(sort_keys=True)  # json.dumps(..., sort_keys=True), without a new encoder a call
CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,15}$"
_CODE = re.compile(CODE_PATTERN)


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text))


def _check_occurred(text: str) -> str:
    parse_date(text)
    return text


def _no_nul(text: Any) -> Any:
    """Text any store can keep: no NUL, and no lone surrogate (half of a UTF-16 pair, which is not
    a character and has no UTF-8 form)."""
    if isinstance(text, str) and not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(f"text may not contain a lone surrogate (U+{ord(text[error.start]):04X})") from None
    if isinstance(text, str) and "\x00" in text:
        raise ValueError("text may not contain the NUL character")
    return text


SAFE_INTEGER = 2**53 - 1


def _plain_json(value: Any, path: str = "attributes") -> None:
    """Attributes are plain JSON: no NUL in text, no NaN or infinities."""
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{path}: numbers must be finite")
    elif isinstance(value, int) and abs(value) > SAFE_INTEGER:
        raise ValueError(f"{path}: whole numbers must lie within ±{SAFE_INTEGER} (kept exactly in canonical JSON)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _plain_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _plain_json(item, f"{path}.{index}")


def _check_url(text: str | None) -> str | None:
    if text is not None and not re.fullmatch(r"https?://\S+", text):
        raise ValueError("must be an http:// or https:// address")
    return text


# Text that any store can keep (no NUL, no lone surrogate), with its length checked by the string type itself.
Prose = Annotated[str, StringConstraints(min_length=1, max_length=2000), BeforeValidator(_no_nul)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=500), BeforeValidator(_no_nul)]
Quote = Annotated[str, StringConstraints(max_length=5000), BeforeValidator(_no_nul)]
Occurred = Annotated[
    str,
    Field(
        max_length=23,  # the longest form: an interval of two qualified days
        description=(
            "EDTF level 0/1 date: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ? ~ or %; digits "
            "unspecified at the right (196X, 19XX, 1962-XX, 1985-04-XX); or an interval A/B of two dates "
            "(some day between the first day of A and the last of B), either end .. when open"
        ),
        examples=["2013-11-20", "2025-04", "1912~", "1960-06/1965-05", "../1960-05", "196X"],
    ),
    AfterValidator(_check_occurred),
]
EntityName = Annotated[str, StringConstraints(min_length=1, max_length=200), BeforeValidator(_no_nul)]


def _not_blank(text: str) -> str:
    """The name without the white space around it (lookups let it go too, so it could never be
    found with it), and never white space alone."""
    if not text.strip():
        raise ValueError("a name must hold more than white space")
    return text.strip()


# An entity's own name or alias: a reader must be able to look it up, so it is kept trimmed.
OwnName = Annotated[EntityName, AfterValidator(_not_blank)]
Code = Annotated[str, Field(pattern=CODE_PATTERN, examples=["PAN"])]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Frozen):
    """Where a fact comes from: a document's title, the words it uses, and where to find it."""

    title: Title
    quote: Quote | None = None
    url: Annotated[
        str | None, Field(default=None, max_length=2000), BeforeValidator(_no_nul), AfterValidator(_check_url)
    ] = None


class EventIn(Frozen):
    """An event as a client sends it."""

    type: EventType
    subject: EntityName
    counterpart: EntityName | None = Field(
        default=None, description="the other party; none for entity.began and entity.ended, which are the subject's own"
    )
    occurred: Occurred
    summary: Prose
    attributes: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    sources: Annotated[list[Source], Field(min_length=1, max_length=50)]

    @field_validator("attributes")
    @classmethod
    def _has_required_attributes(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        _plain_json(value)
        kind = info.data.get("type")
        if not isinstance(kind, EventType):
            return value
        missing = [
            name
            for name in kind.required_attributes
            if not isinstance(value.get(name), str) or not value[name].strip()
        ]
        if missing:
            raise ValueError(
                f"{kind.value} needs the attribute(s) {', '.join(missing)} as non-empty strings"
            )
        return value


    @model_validator(mode="after")
    def _parties(self) -> EventIn:
        own = self.type.facet is Facet.ENTITY
        if own and self.counterpart is not None:
            raise ValueError(f"{self.type.value} is the subject's own: it takes no counterpart")
        if not own and self.counterpart is None:
            raise ValueError(f"{self.type.value} needs a counterpart: a relation has two parties")
        for name in ("from", "into"):
            named = self.attributes.get(name)
            if own and named is not None and not (isinstance(named, list) and all(map(is_code, named))):
                raise ValueError(f"attributes.{name} must be a list of entity codes, as in [\"DEU\"]")
        return self

    def content_id(self) -> UUID:
        """The same sent event always has the same id: loading it twice records it once."""
        return uuid5(CONTENT_NAMESPACE, _CONTENT.encode(self.model_dump(mode="json")))


class EntityIn(Frozen):
    """An entity as a client registers it."""

    code: Code
    name: OwnName
    kind: EntityKind
    aliases: Annotated[list[OwnName], Field(max_length=100)] = Field(default_factory=list)
