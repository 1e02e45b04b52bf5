"""What a command is given: its shared options, and the parsing that turns a bad one into a refusal."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from api.service import Service
from events import EventIn, InvalidDate, change_edge, parse_day, parse_moment

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="sqlite:///path or postgresql://… (default: $CHANCERY_DATABASE_URL)"),
]
AsJson = Annotated[bool, typer.Option("--json", help="machine-readable output")]
KnownAt = Annotated[str | None, typer.Option("--known-at", help="answer as known at this RFC 3339 time")]
AtPosition = Annotated[int | None, typer.Option("--at-position", min=0, help="answer from the log up to here")]


class UsageProblem(Exception):
    """A command given what it cannot use: one line on stderr, exit status 2."""


def fail(message: str) -> NoReturn:
    raise UsageProblem(message)


def position_for(service: Service, known_at: str | None, at_position: int | None) -> int:
    """The log position a read answers from, given --known-at or --at-position (or neither)."""
    if known_at is not None and at_position is not None:
        fail("give --known-at or --at-position, not both")
    return service.as_of(moment(known_at) if known_at is not None else None, at_position)


def moment(known_at: str) -> datetime:
    try:
        return parse_moment(known_at)
    except InvalidDate as error:
        fail(f"--known-at: {error}")


def day(text: str) -> date:
    try:
        return parse_day(text)
    except InvalidDate as error:
        fail(str(error))


def edge(text: str, name: str, end: bool) -> date:
    try:
        return change_edge(text, end)
    except InvalidDate as error:
        fail(f"{name}: {error}")


def pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        fail(f"--attribute {text!r} is not of the form key=value")
    return key, value


def validated(value: Any, where: str) -> EventIn:
    try:
        return EventIn.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        fail(f"{where}: {path}: {first['msg'].removeprefix('Value error, ')}")


def event_from_options(given: dict[str, Any], quote: str | None, url: str | None, attribute: list[str]) -> EventIn:
    """The one event --type, --subject, --counterpart, --occurred, --summary and --source describe."""
    missing = [f"--{k}" for k, v in given.items() if v is None]
    if missing:
        fail(f"missing {', '.join(missing)} (or give --file)")
    source = given.pop("source")
    return validated(
        {**given, "attributes": dict(pair(a) for a in attribute), "sources": [{"title": source, "quote": quote, "url": url}]},
        "options",
    )


def utf8_text(file: Path) -> str:
    """The UTF-8 text of ``file`` ('-': standard input), or a refusal saying why it cannot be had."""
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        fail(f"{file}:{line}: not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start})")


def lines(file: Path) -> list[str]:
    return utf8_text(file).splitlines()


def read_events(file: Path) -> list[EventIn]:
    specs = []
    for number, line in enumerate(lines(file), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            fail(f"{file}:{number}: not JSON ({error.msg})")
        specs.append(validated(value, f"{file}:{number}"))
    if not specs:
        fail(f"{file} holds no events")
    return specs
