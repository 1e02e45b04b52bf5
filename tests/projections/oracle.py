"""The naive answer: fold the raw log as it stood at a position (what the read model must equal)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.service import Service
from domain import EventRetracted, FactRecorded, fold_on, pending_on, relation_key, to_fact
from projections.intervals import items


def read_log(service: Service) -> list[tuple[int, Any]]:
    """Every entry of the raw log, decoded, with its position (its ordinal in the log)."""
    notifications = service.app.recorder.select_notifications(start=1, limit=1_000_000)
    return [(ordinal, service.app.mapper.to_domain_event(n)) for ordinal, n in enumerate(notifications, start=1)]


def log_facts(log: list[tuple[int, Any]], a: str, b: str, position: int) -> list[Any]:
    recorded: dict[Any, FactRecorded] = {}
    retracted: set[Any] = set()
    for at, event in log:
        if at > position:
            break
        if isinstance(event, FactRecorded) and relation_key(event.subject, event.counterpart) == relation_key(a, b):
            recorded[event.event_id] = event
        elif isinstance(event, EventRetracted):
            retracted.add(event.event_id)
    return [to_fact(e) for i, e in recorded.items() if i not in retracted]


def naive_answer(log: list[tuple[int, Any]], a: str, b: str, day: date, position: int) -> tuple[set[Any], list[str]]:
    """The facts the fold of the log says hold (and, for recognitions, are known not to), and the
    events pending."""
    facts = log_facts(log, a, b, position)
    held = {(facet, item, str(fact.id), repr(sorted(value.items()))) for facet, item, value, fact in items(fold_on(facts, day))}
    return held, [str(f.id) for f in pending_on(facts, day)]


def _shown(value: dict[str, Any], inferred: bool) -> str:
    return repr(sorted({**value, **({"inferred": True} if inferred else {})}.items()))


def stored_answer(service: Service, a: str, b: str, day: date, position: int) -> tuple[set[Any], list[str]]:
    """The same, from the read model's answer."""
    state = service.read.relation_state(a, b, day, position)
    held: set[Any] = set()
    if state.diplomatic.event:
        value = {"status": state.diplomatic.status.value}
        held.add(("diplomatic", "status", state.diplomatic.event, _shown(value, state.diplomatic.inferred)))
    for r in state.recognition.held:
        value = {"recognizer": r.recognizer, "recognized": r.recognized}
        if r.government is not None:
            value["government"] = r.government
        held.add(("recognition", f"{r.recognizer}>{r.recognized}", r.event, _shown(value, r.inferred)))
    for r in state.recognition.not_held:
        value = {"recognizer": r.recognizer, "recognized": r.recognized, "recognizes": False}
        held.add(("recognition", f"{r.recognizer}>{r.recognized}", r.event, _shown(value, r.inferred)))
    known = {(r.recognizer, r.recognized): holds for rows, holds in ((state.recognition.held, True),
                                                                      (state.recognition.not_held, False)) for r in rows}
    assert (state.recognition.a_recognizes_b, state.recognition.b_recognizes_a) == (known.get((a, b)), known.get((b, a)))
    for m in state.missions:
        value = {"sender": m.sender, "host": m.host, "level": m.level}
        held.add(("mission", f"{m.sender}>{m.host}:{m.level}", m.event, _shown(value, m.inferred)))
    for g in state.agreements:
        value = {"agreement": g.agreement, "kind": g.kind, "title": g.title}
        held.add(("agreement", g.agreement, g.event, _shown(value, g.inferred)))
    for s in state.memberships:
        value = {"member": s.member, "body": s.body, "status": s.status.value, "role": s.role}
        held.add(("membership", f"{s.member}>{s.body}", s.event, _shown(value, s.inferred)))
    return held, [p.id for p in state.pending]
