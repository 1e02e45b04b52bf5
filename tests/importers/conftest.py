"""The real data sets, and a store of each kind that holds both of them, imported once a module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from api.importers import IMPORTERS, Parsed
from api.importers.loader import Report, load
from api.seed import load as load_seed
from api.seed import seed_directory
from api.service import Service
from tests.conftest import SHARED, STORES, new_store

DATA = SHARED / "data"
RANGES = DATA / "us_diplomatic_missions" / "mission_status_range_cow_v0.1.csv"
ARTICLES = DATA / "rdcr" / "articles"


@dataclass(frozen=True)
class Imported:
    """A store that holds the seed, then the US missions table, then the guide; and what each import said."""

    service: Service
    missions: Report
    guide: Report
    parsed_guide: Parsed


@pytest.fixture(scope="module", params=STORES)
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """Both real data sets in a store of each kind, imported once a module (seconds on either store)."""
    with new_store(request.param, tmp_path_factory.mktemp("real")) as url:
        service = Service(url)
        try:
            load_seed(service, seed_directory(), "seed")
            missions = load(service, IMPORTERS["us-missions"].parse(RANGES), "importer")
            parsed_guide = IMPORTERS["state-dept-guide"].parse(ARTICLES)
            yield Imported(service, missions, load(service, parsed_guide, "importer"), parsed_guide)
        finally:
            service.close()

