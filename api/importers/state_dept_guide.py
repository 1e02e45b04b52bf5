"""The Office of the Historian's guide to US recognition and relations, country by country (TEI).

Every dated heading becomes events between the United States and the polity it concerns: what
its words say (``api.importers.guide_claims``), or what ``READINGS`` says it means where its words
alone mislead (``api.importers.guide_polities``, ``api.importers.guide_readings``); a heading that
says nothing more is a note. Each relation's claims are made events in valid-time order, with the
changes they imply and the guide does not date recorded as implied events of their own
(``api.importers.guide_events``). Historical polities are entities of their own, with the lives
the guide gives them (``entity.began``, ``entity.ended``), under the codes the state-system import
gives them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from api.importers.common import BadSource, Group, Parsed, read_csv
from api.importers.guide_claims import Claim, claims_of, dated
from api.importers.guide_events import Builder, Made, Said
from api.importers.guide_polities import OTHERS, OWN, READINGS, ROUTES
from api.importers.guide_readings import MORE
from api.importers.guide_text import Article, Heading, read_article
from api.importers.us_missions import US_CCODE, state_codes
from events import EntityIn, EntityKind, parse_date

_ORDER = {"began": 0, "ended": 0, "recognized": 1, "withdrawn": 1, "established": 2, "reestablished": 2,
          "resumed": 2, "suspended": 2, "severed": 2, "changed": 3, "opened": 3, "closed": 3}
_LIFE = ("began", "ended")


def parse(articles: Path, states: Path | None = None, codes: Path | None = None) -> Parsed:
    """The guide's events, a group a heading; the COW state list and the COW→ISO table default to
    their places beside the articles' folder in the shared data."""
    if not articles.is_dir() or not any(articles.glob("*.xml")):
        raise BadSource(f"{articles} is not a folder of the guide's TEI articles (*.xml)")
    data = articles.parent.parent
    states = states or data / "us_diplomatic_missions" / "cow_statelist2024.csv"
    codes = codes or data / "countrycode" / "codelist_without_cldr.csv"
    cow, iso = state_codes(states, codes), iso_patterns(codes)
    us = cow[US_CCODE]
    read = [read_article(path) for path in sorted(articles.glob("*.xml"))]
    specs = {us.code: us}
    for article in read:
        _merge(specs, entity_for(article, cow, iso))
    saids = [said for article in read for said in placed(article, specs[_code(article, cow, iso)].code)]
    builder = Builder(us.code, {code: spec.name for code, spec in specs.items()} | {c: n for c, (n, _) in
                                                                                      OTHERS.items()})
    for said in sorted(rerouted(saids), key=_when):
        builder.take(said)
    made = builder.groups()
    groups = sorted(made, key=lambda group: _group_order(group, read))
    used = {code for group in groups for m in group for code in _named(m)}
    entities = [specs[us.code], *(s for c, s in specs.items() if c in used and c != us.code)]
    entities += [EntityIn(code=c, name=n, kind=EntityKind.STATE, aliases=list(a)) for c, (n, a) in OTHERS.items()
                 if c in used and c not in specs]
    unmapped = Counter(text for article in read for text in article.undated)
    return Parsed(tuple(_unshared(entities)), tuple(Group(tuple(m.event() for m in group), _where(group))
                                                    for group in groups), unmapped, summary(read, builder))


def summary(read: list[Article], builder: Builder) -> str:
    """What the guide became, in one line: its dated headings, the events they became, and how many
    of those are implied or stated under more than one heading."""
    dated = sum(len(article.headings) for article in read)
    became = sum(1 for article in read for heading in article.headings if builder.became(heading))
    implied = sum(made.implied for made in builder.all)
    shared = sum(len(made.headings) > 1 for made in builder.all)
    return (f"{dated} dated headings: {became} became {len(builder.all)} events ({implied} of them implied by the "
            f"guide's words, {shared} stated under more than one heading); headings without a date, not mapped:")


def _where(group: list[Made]) -> str:
    headings = list(dict.fromkeys(h for made in group for h in made.headings))
    said = "; ".join(f"{h.where}, {h.years}" for h in headings[:3]) + ("; …" if len(headings) > 3 else "")
    return said + (" (implied)" if all(made.implied for made in group) else "")


def placed(article: Article, code: str) -> list[Said]:
    """Each claim of each dated heading, with its party, its date and its words."""
    found = []
    for heading in article.headings:
        reading = _reading(heading)
        claims = reading if reading is not None else [_routed(heading, claim) for claim in claims_of(heading)]
        ranked = sorted(enumerate(claims), key=lambda pair: (_ORDER.get(pair[1].act, 4), pair[0]))
        for _, claim in ranked:
            if claim.quote is not None and _plain(claim.quote).rstrip(".") not in _plain(article.text):
                raise BadSource(f"{heading.where}: the guide no longer says “{claim.quote}”")
            occurred, quote = dated(heading, claim)
            found.append(Said(heading, claim, claim.party or code, occurred, quote))
            if reading is None:
                found += _closed_with(heading, claim, claims, Said(heading, claim, claim.party or code, occurred, quote))
    return found


def _closed_with(heading: Heading, claim: Claim, claims: list[Claim], said: Said) -> list[Said]:
    """A severance whose sentence says the mission closed with it ("relations were severed and the
    American Embassy in Rome was closed on December 11, 1941") closes that mission too."""
    if claim.act not in ("severed", "suspended") or any(c.act == "closed" for c in claims):
        return []
    match = re.search(r"\b(Embassy|Legation)\b[^.;]*\bclosed\b|\bclosed\b[^.;]*\b(Embassy|Legation)\b", said.quote)
    if match is None or re.search(r"\b(?:its|their|the \w+ (?:Embassy|Legation) in Washington)\b", match.group(0)):
        return []
    level = (match.group(1) or match.group(2)).lower()
    return [Said(heading, replace(claim, act="closed", level=level), said.party, said.occurred, said.quote)]


def _reading(heading: Heading) -> list[Claim] | None:
    for articles, pattern, claims in (*READINGS, *MORE):
        if re.fullmatch(articles, heading.article) and re.search(pattern, f"{heading.section} | {heading.text}"):
            return claims
    return None


def _routed(heading: Heading, claim: Claim) -> Claim:
    said = f"{heading.first} {heading.text}"
    for pattern, party in (*ROUTES.get(heading.article, []), *ROUTES["*"]):
        if re.search(pattern, said):
            return replace(claim, party=party)
    return claim


def rerouted(saids: list[Said]) -> list[Said]:
    """Notes and agreements dated after a polity ended go to what it went into (the Bremerhaven
    consulate of 1882 to the German Empire); dated before it began, to what it came from."""
    lives: dict[str, list[Said]] = {}
    for said in saids:
        if said.claim.act in _LIFE:
            lives.setdefault(said.party, []).append(said)
    out = []
    for said in saids:
        party = said.party
        for _ in range(4):
            moved = _moved(said, party, lives.get(party, []))
            if moved is None:
                break
            party = moved
        out.append(said if party == said.party else Said(said.heading, said.claim, party, said.occurred, said.quote))
    return out


def _moved(said: Said, party: str, life: list[Said]) -> str | None:
    """Where a note or an agreement goes when dated outside its party's life: the polity it came from,
    or the one it went into; None: it stays."""
    if said.claim.act not in ("note", "signed", "terminated") or not life:
        return None
    window = parse_date(said.occurred).window
    ordered = sorted(life, key=lambda s: parse_date(s.occurred).window.first)
    first = ordered[0]
    if first.claim.act == "began" and window.last < parse_date(first.occurred).window.first and first.claim.others:
        return first.claim.others[0]
    before = [s for s in ordered if parse_date(s.occurred).window.last < window.first]
    if before and before[-1].claim.act == "ended" and before[-1].claim.others:
        return before[-1].claim.others[0]
    return None


def _when(said: Said) -> tuple[object, ...]:
    return (parse_date(said.occurred).window.first, said.heading.article, said.heading.order)


def _group_order(group: list[Made], read: list[Article]) -> tuple[object, ...]:
    """Groups by their earliest day; on one day those with a status event first (the loader keeps this
    order on ties, so a withdrawal after a polity's end follows the severance that carries its
    relation past the end), implied events after the events they follow, then in the guide's order."""
    first = min(parse_date(m.occurred).window.first for m in group)
    status = any(m.type.startswith("relations.") for m in group)
    heading = group[0].headings[0]
    number = next(i for i, article in enumerate(read) if article.name == heading.article)
    return (first, 0 if status else 1, all(m.implied for m in group), number, heading.order)


def _named(made: Made) -> Iterable[str]:
    """The codes an event names: its parties, and what it came from or went into."""
    yield made.subject
    if made.counterpart:
        yield made.counterpart
    for key in ("from", "into"):
        yield from made.attributes.get(key, [])


def _code(article: Article, cow: dict[str, EntityIn], iso: list[tuple[re.Pattern[str], str]]) -> str:
    return entity_for(article, cow, iso).code


def entity_for(article: Article, cow: dict[str, EntityIn], iso: list[tuple[re.Pattern[str], str]]) -> EntityIn:
    """The entity an article is about: its own entry in ``OWN``, else the COW state of its name, else
    the ISO code whose pattern its name matches, else a code made of its file name."""
    aliases = [article.country, f"rdcr:{article.name}"]
    if article.name in OWN:
        code, name, more = OWN[article.name]
        return EntityIn(code=code, name=name, kind=EntityKind.STATE, aliases=[name, *more, *aliases])
    for entity in cow.values():
        if article.country.casefold() in (n.casefold() for n in (entity.name, *entity.aliases)):
            return EntityIn(code=entity.code, name=entity.name, kind=EntityKind.STATE, aliases=[*entity.aliases,
                                                                                                 *aliases])
    for pattern, code in iso:
        if pattern.search(article.country):
            return EntityIn(code=code, name=article.country, kind=EntityKind.STATE, aliases=aliases)
    own = re.sub(r"[^A-Z0-9]", "", article.name.upper())[:16]
    return EntityIn(code=own if own[:1].isalpha() else f"G{own}"[:16], name=article.country, kind=EntityKind.STATE,
                    aliases=aliases)


def _merge(specs: dict[str, EntityIn], spec: EntityIn) -> None:
    known = specs.get(spec.code)
    if known is None:
        specs[spec.code] = spec
        return
    aliases = list(dict.fromkeys([*known.aliases, *spec.aliases]))
    specs[spec.code] = known.model_copy(update={"aliases": aliases})


def _unshared(entities: list[EntityIn]) -> list[EntityIn]:
    """Each name to the first entity that gives it (a name two of them give would refuse the second)."""
    taken: set[str] = set()
    out = []
    for spec in entities:
        names = [n for n in dict.fromkeys(spec.aliases) if n.casefold() not in taken and n.casefold() != spec.code.casefold()]
        taken.update(n.casefold() for n in (spec.code, spec.name, *names))
        out.append(spec.model_copy(update={"aliases": names}))
    return out


def iso_patterns(codes: Path) -> list[tuple[re.Pattern[str], str]]:
    found = []
    for row in read_csv(codes, ["country.name.en.regex", "iso3c"]):
        if row["iso3c"] in ("", "NA") or not row["country.name.en.regex"]:
            continue
        try:
            found.append((re.compile(row["country.name.en.regex"], re.I), row["iso3c"]))
        except re.error:
            continue
    return found


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split()).casefold()
