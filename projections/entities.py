"""The registry of entities, and a search by name or alias."""

from __future__ import annotations

from projections.columns import ENTITY
from projections.models import EntityOut
from projections.reading import NO_LIFE, NOW, Reads, every_life, lives
from projections.rows import entity_out


class EntityReads(Reads):
    def entities(self, q: str | None = None) -> list[EntityOut]:
        with self.db.read() as cursor:
            cursor.execute(f"SELECT {ENTITY} FROM rm_entities ORDER BY code")
            rows = cursor.fetchall()
            known = every_life(cursor, NOW)
        found = [entity_out(row, known.get(row["code"], NO_LIFE)) for row in rows]
        if not q:
            return found
        needle = q.strip().casefold()
        scored = [(match_rank(e, needle), e) for e in found]
        return [e for rank, e in sorted(scored, key=lambda s: (s[0], s[1].code)) if rank < 3]

    def entity(self, code: str) -> EntityOut | None:
        with self.db.read() as cursor:
            cursor.execute(f"SELECT {ENTITY} FROM rm_entities WHERE code = ?", (code,))
            row = cursor.fetchone()
            known = lives(cursor, [code], NOW) if row else {}
        return entity_out(row, known.get(code, NO_LIFE)) if row else None


def match_rank(entity: EntityOut, needle: str) -> int:
    """0: exact code/name/alias; 1: a name starts with it; 2: contains it; 3: no match."""
    names = [entity.code.casefold(), entity.name.casefold(), *(a.casefold() for a in entity.aliases)]
    if needle in names:
        return 0
    if any(n.startswith(needle) for n in names):
        return 1
    if any(needle in n for n in names):
        return 2
    return 3
