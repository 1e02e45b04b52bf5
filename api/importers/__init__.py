"""Importers of real data sets, found by name.

Each importer is a pure parser: ``parse(path) -> Parsed`` reads a source into groups of sent
events that cite it and the entities they name, and touches no store. One loader
(``api.importers.loader.load``) puts any ``Parsed`` into a store through the service's public
methods. A new source is a new parser module and one entry in ``IMPORTERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from api.importers import state_dept_guide, state_system, us_missions
from api.importers.common import BadSource, Group, Parsed

__all__ = ["IMPORTERS", "BadSource", "Group", "Importer", "Parsed"]


@dataclass(frozen=True)
class Importer:
    """A source's parser, and a line on what it reads."""

    parse: Callable[[Path], Parsed]
    about: str


IMPORTERS: Mapping[str, Importer] = MappingProxyType({
    "us-missions": Importer(
        us_missions.parse,
        "the ranges CSV of the U.S. Diplomatic Mission Status Data (Kenkel), beside the COW state list",
    ),
    "state-dept-guide": Importer(
        state_dept_guide.parse,
        "the folder of TEI articles of the Office of the Historian's guide to US recognition and relations",
    ),
    "state-system": Importer(
        state_system.parse,
        "the folder of the COW state list, ISD v2.2 and ICOW colonial history tables, beside the COW→ISO table",
    ),
})
