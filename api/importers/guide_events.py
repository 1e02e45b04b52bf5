"""The guide's claims as events, relation by relation, in the order of their days.

Each relation's record is followed as the claims come (what holds, and the event that says so),
so that a claim is made the event it means *there*: a "resumption" after a severance is relations
established again, after an interruption relations resumed. Where a claim needs a change the guide
does not record — a "re-establishment" with no end before it, an embassy "reopened" that never
closed, a legation raised to an embassy after it had closed — that change is recorded as an
*implied* event of its own, dated with the window the guide allows (from the last event of that
fact to the claim: ``1921-11-08/1946-01-21``), its summary saying so and quoting the words that
imply it. A fact the guide states under two headings is one event citing both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.importers.guide_claims import BOTH, THEM, Claim
from api.importers.guide_text import Heading
from api.importers.guide_words import agreement_kind, end_of, government_named, implied_summary, slug, window
from events import EventIn, parse_date

GUIDE = "A Guide to the United States' History of Recognition, Diplomatic, and Consular Relations, by Country, since 1776"
URL = "https://history.state.gov/countries/"


@dataclass
class Made:
    """An event in the making: what a claim (or the claims restating it) says, with their sources."""

    type: str
    subject: str
    counterpart: str | None
    occurred: str
    summary: str
    attributes: dict[str, Any]
    sources: list[dict[str, str]]
    implied: bool = False
    headings: list[Heading] = field(default_factory=list)
    """The headings it comes from: the one that says it (or implies it), then those restating it."""
    carrier: Made | None = None
    """For an event dated after its party ended: the status event after that end it is loaded with."""

    def event(self) -> EventIn:
        return EventIn.model_validate({
            "type": self.type, "subject": self.subject, "counterpart": self.counterpart, "occurred": self.occurred,
            "summary": self.summary, "attributes": self.attributes, "sources": self.sources[:50],
        })

    def same_window(self, occurred: str) -> bool:
        return parse_date(self.occurred).window == parse_date(occurred).window


@dataclass(frozen=True)
class Said:
    """A claim placed: the heading it comes from, the party it concerns, when, and in whose words."""

    heading: Heading
    claim: Claim
    party: str
    occurred: str
    quote: str

    @property
    def source(self) -> dict[str, str]:
        h = self.heading
        title = f"{GUIDE}: {h.country}, {h.section or 'Timeline'}: {h.text}"
        return {"title": title[:500], "quote": self.quote[:5000], "url": URL + h.article}


@dataclass
class Relation:
    """What the claims so far record of one relation (or of one entity's own life)."""

    status: str = "unknown"
    last_status: Made | None = None
    established: Made | None = None
    broken: Made | None = None
    """The last severance or interruption: a mission found open again after it had closed by then."""
    recognitions: dict[str, tuple[bool, str | None, Made]] = field(default_factory=dict)
    missions: dict[tuple[str, str], tuple[bool, Made]] = field(default_factory=dict)
    agreements: dict[str, Made] = field(default_factory=dict)
    life: tuple[bool, Made] | None = None


class Builder:
    """Makes the events of every claim, in the order given (each relation's in valid-time order)."""

    def __init__(self, us: str, names: dict[str, str]):
        self.us = us
        self.names = names
        self.relations: dict[str, Relation] = {}
        self.made: dict[int, list[Made]] = {}
        """What each heading became (by ``id``), in the order made."""
        self.all: list[Made] = []

    def take(self, said: Said) -> None:
        relation = self.relations.setdefault(said.party, Relation())
        act = said.claim.act
        handler: Callable[[Relation, Said], None] = getattr(self, f"_{_FACET[act]}")
        handler(relation, said)

    def became(self, heading: Heading) -> list[Made]:
        """The events a heading became: made of its claims, restated by them, or implied by them."""
        return self.made.get(id(heading), [])

    def groups(self) -> list[list[Made]]:
        """The events in groups to load: each event alone, but the missions one party holds in the
        other's capital, which stand or fall together (the guide's account of them, against another
        source's), and an event dated after its party ended with the status event that carries its
        relation past the end."""
        self._settle()
        found: dict[object, list[Made]] = {}
        for made in self.all:
            key = ("missions", made.subject, made.counterpart) if made.type.startswith("mission.") else id(
                made.carrier or made)
            found.setdefault(key, []).append(made)
        return [sorted(group, key=_loading) for group in found.values()]

    def _settle(self) -> None:
        """An event dated after its party ended (a legation closed after an annexation) is loaded with
        the first status event after that end, when that one is dated later: it carries the
        relation's record past the end."""
        for made in self.all:
            party = made.counterpart if made.subject == self.us else made.subject
            if party is None or made.counterpart is None or made.type.startswith(("relations.", "mission.")):
                continue
            first = parse_date(made.occurred).window.first
            end = self._ended_before(party, first)
            if end is None:
                continue
            later = [m for m in self.all if m.type.startswith("relations.") and {m.subject, m.counterpart} == {
                made.subject, made.counterpart} and parse_date(m.occurred).window.first > end]
            carrier = min(later, key=lambda m: parse_date(m.occurred).window.first, default=None)
            if carrier is not None and parse_date(carrier.occurred).window.first > first:
                made.carrier = carrier

    def _ended_before(self, party: str, day: date) -> date | None:
        """The last day of the end of ``party`` that ``day`` follows with no beginning between."""
        life = sorted((m for m in self.all if m.subject == party and m.counterpart is None),
                      key=lambda m: parse_date(m.occurred).window.first)
        end = None
        for made in life:
            window = parse_date(made.occurred).window
            if window.first > day:
                break
            end = window.last if made.type == "entity.ended" and window.last < day else None
        return end

    # Each facet of a relation.

    def _status(self, relation: Relation, said: Said) -> None:
        act, state = said.claim.act, relation.status
        if act in ("established", "reestablished", "resumed") and state == "established":
            last = relation.last_status
            if last is not None and (last.same_window(said.occurred) or last.occurred[:4] == said.occurred[:4]):
                self._also(last, said)
                return
            self._implied(relation, said, "relations.severed" if act != "resumed" else "relations.suspended",
                          "relations had been broken off" if act != "resumed" else "relations had been interrupted")
            state = relation.status
        if act in ("severed", "suspended") and state == act:
            last = relation.last_status
            if last is not None and last.same_window(said.occurred):
                self._also(last, said)
                return
            self._implied(relation, said, "relations.established", "relations had been established again")
            state = relation.status
        if act == "suspended" and state == "severed":
            self._implied(relation, said, "relations.established", "relations had been established again")
        kind = _status_kind(act, relation.status, said)
        if kind is None:
            self._implied(relation, said, "relations.severed", "relations had been broken off")
            kind = "relations.established"
        made = self._make(said, kind)
        relation.status, relation.last_status = _LEAVES[kind], made
        if kind == "relations.established":
            relation.established = made
        if kind in ("relations.severed", "relations.suspended"):
            relation.broken = made

    def _recognition(self, relation: Relation, said: Said) -> None:
        claim = said.claim
        for subject, counterpart in self._directions(said):
            sender = "us" if subject == self.us else "them"
            held = relation.recognitions.get(sender)
            if claim.act == "withdrawn":
                relation.recognitions[sender] = (False, None, self._make(said, "recognition.withdrawn", subject,
                                                                          counterpart))
                continue
            government = claim.government
            if held is not None and held[0] and held[1] == government and held[2].same_window(said.occurred):
                self._also(held[2], said)
                continue
            if government is None and (held is not None and held[0] or held is None and relation.established):
                government = government_named(said.heading.text)  # a new government of a state known already
            attributes = {"government": government} if government else {}
            if held is None and government and relation.established is not None:
                self._implied_grant(relation, said, subject, counterpart)
            made = self._make(said, "recognition.granted", subject, counterpart, **attributes)
            relation.recognitions[sender] = (True, government, made)

    def _mission(self, relation: Relation, said: Said) -> None:
        claim = said.claim
        for subject, counterpart in self._directions(said):
            sender = "us" if subject == self.us else "them"
            level = str(claim.level)
            if claim.act == "changed":
                self._changed(relation, said, subject, counterpart, sender)
                continue
            held = relation.missions.get((sender, level))
            opening = claim.act == "opened"
            if held is not None and held[0] is opening:
                if held[1].same_window(said.occurred):
                    self._also(held[1], said)
                    continue
                verb = "closed" if opening else "opened again"
                self._implied_mission(relation, said, subject, counterpart, level, not opening, verb)
            if opening and sender == "us" and level in ("embassy", "legation") and relation.status in (
                    "severed", "suspended"):
                restored = "relations.established" if relation.status == "severed" else "relations.resumed"
                self._implied(relation, said, restored, "relations had been restored")
            made = self._make(said, f"mission.{claim.act}", subject, counterpart, level=level)
            relation.missions[(sender, level)] = (opening, made)

    def _changed(self, relation: Relation, said: Said, subject: str, counterpart: str, sender: str) -> None:
        was, level = str(said.claim.was), str(said.claim.level)
        held = relation.missions.get((sender, was))
        if held is not None and not held[0]:
            self._implied_mission(relation, said, subject, counterpart, was, True, "opened again")
        now = relation.missions.get((sender, level))
        if now is not None and now[0] and now[1].same_window(said.occurred):
            self._also(now[1], said)
            return
        if now is not None and now[0]:
            self._implied_mission(relation, said, subject, counterpart, level, False, "closed")
        made = self._make(said, "mission.changed", subject, counterpart, **{"from": was, "level": level})
        relation.missions[(sender, was)] = (False, made)
        relation.missions[(sender, level)] = (True, made)

    def _agreement(self, relation: Relation, said: Said) -> None:
        key = slug(said.heading.text)
        known = relation.agreements.get(key)
        if known is not None and said.claim.act == "signed" and known.same_window(said.occurred):
            self._also(known, said)
            return
        if said.claim.act == "terminated":
            self._make(said, "agreement.terminated", agreement=key)
            return
        kind = agreement_kind(said.heading.text)
        relation.agreements[key] = self._make(said, "agreement.signed", agreement=key, kind=kind,
                                              title=said.heading.text[:200])

    def _entity(self, relation: Relation, said: Said) -> None:
        began = said.claim.act == "began"
        if relation.life is not None and relation.life[0] is began and relation.life[1].same_window(said.occurred):
            self._also(relation.life[1], said)
            return
        attributes: dict[str, Any] = {"how": said.claim.how} if said.claim.how else {}
        if said.claim.others:
            attributes["from" if began else "into"] = list(said.claim.others)
        made = self._make(said, f"entity.{said.claim.act}", said.party, None, **attributes)
        made.counterpart = None  # the entity's own event
        relation.life = (began, made)

    def _note(self, relation: Relation, said: Said) -> None:
        self._make(said, "note.recorded")

    # Making events.

    def _directions(self, said: Said) -> list[tuple[str, str]]:
        us, them = self.us, said.party
        by = said.claim.by
        return [(us, them), (them, us)] if by == BOTH else [(them, us)] if by == THEM else [(us, them)]

    def _make(self, said: Said, event_type: str, subject: str | None = None, counterpart: str | None = None,
              **attributes: Any) -> Made:
        subject, counterpart = subject or self.us, counterpart or said.party
        summary = implied_summary(said, "") if said.claim.implied else _summary(said, self.names)
        made = Made(event_type, subject, counterpart, said.occurred, summary, attributes, [said.source],
                    said.claim.implied, [said.heading])
        self.made.setdefault(id(said.heading), []).append(made)
        self.all.append(made)
        return made

    def _also(self, made: Made, said: Said) -> None:
        """A claim restating an event made already: the event cites it too."""
        if said.source not in made.sources:
            made.sources.append(said.source)
        listed = self.made.setdefault(id(said.heading), [])
        if made not in listed:
            listed.append(made)
        if said.heading not in made.headings:
            made.headings.append(said.heading)

    def _implied(self, relation: Relation, said: Said, kind: str, what: str) -> None:
        since = relation.last_status
        made = self._implied_made(said, kind, self.us, said.party, since, what, {})
        relation.status, relation.last_status = _LEAVES[kind], made
        if kind == "relations.established":
            relation.established = made

    def _implied_mission(self, relation: Relation, said: Said, subject: str, counterpart: str, level: str,
                         opening: bool, verb: str) -> None:
        sender = "us" if subject == self.us else "them"
        since = relation.missions[(sender, level)][1]
        what = f"the {level} had been {verb}"
        broken = relation.broken
        if not opening and broken is not None and _start(broken) > _start(since) and _start(broken) <= _start(said):
            since, what = broken, f"the {level} had been closed, relations having been broken off or interrupted"
        kind = "mission.opened" if opening else "mission.closed"
        made = self._implied_made(said, kind, subject, counterpart, since, what, {"level": level})
        relation.missions[(sender, level)] = (opening, made)

    def _implied_grant(self, relation: Relation, said: Said, subject: str, counterpart: str) -> None:
        est = relation.established
        assert est is not None
        what = "each had recognized the other by the time relations were established"
        made = self._implied_made(said, "recognition.granted", subject, counterpart, None, what, {},
                                  until=est.occurred)
        sender = "us" if subject == self.us else "them"
        relation.recognitions[sender] = (True, None, made)

    def _implied_made(self, said: Said, kind: str, subject: str, counterpart: str | None, since: Made | None,
                      what: str, attributes: dict[str, Any], until: str | None = None) -> Made:
        occurred = window(since.occurred if since else None, until or said.occurred)
        after = f" after {since.occurred}" if since else ""
        summary = implied_summary(said, f"{what}{after} and by {end_of(until or said.occurred)}")
        made = Made(kind, subject, counterpart, occurred, summary, attributes, [said.source], True, [said.heading])
        self.made.setdefault(id(said.heading), []).append(made)
        self.all.append(made)
        return made


_FACET = {
    "recognized": "recognition", "withdrawn": "recognition", "established": "status", "reestablished": "status",
    "resumed": "status", "suspended": "status", "severed": "status", "opened": "mission", "closed": "mission",
    "changed": "mission", "signed": "agreement", "terminated": "agreement", "began": "entity", "ended": "entity",
    "note": "note",
}
_LEAVES = {"relations.established": "established", "relations.resumed": "established",
           "relations.suspended": "suspended", "relations.severed": "severed"}


def _status_kind(act: str, state: str, said: Said) -> str | None:
    """The event a status claim is, given what holds; None: a re-establishment with nothing recorded
    before it (an earlier end is implied)."""
    if act == "severed":
        return "relations.severed"
    if act == "suspended":
        return "relations.suspended"
    if state == "suspended":
        return "relations.resumed"
    if act == "established" or state == "severed":
        return "relations.established"
    if act == "resumed":
        return "relations.resumed"
    return None


def _start(event: Made | Said) -> date:
    return parse_date(event.occurred).window.first


def _loading(made: Made) -> tuple[int, date]:
    """A group's events in the order to load them: status events first (an event after its party's
    end needs one recorded after that end), then by their days."""
    return (0 if made.type.startswith("relations.") else 1, parse_date(made.occurred).window.first)


def _summary(said: Said, names: dict[str, str]) -> str:
    h = said.heading
    about = names.get(said.party, said.party)
    return f"{h.text} ({h.country}; {about}), as the Office of the Historian's guide records it."[:2000]
