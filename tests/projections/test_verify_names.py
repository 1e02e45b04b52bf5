"""A log in which one name was given to two entities (as writers of different processes could
before they took turns across judge and save): ``verify`` names each such entry, and every
process answers the name with the entity that held it first."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.domain import DomainEvent

from api import audit
from api.service import Service
from domain import AliasesAdded, EntityRegistered, entity_id
from events import EntityIn

CHANCERY = str(Path(sys.executable).parent / "chancery")


def saved_without_judging(service: Service, event: DomainEvent) -> None:
    """Save an entry as a writer that did not see the registrations of another process."""
    service.app.events.put([event])


@pytest.fixture
def twice_named(database_url: str) -> Iterator[Service]:
    """Positions 1 and 2 register AAA (alias Shared) and BBB; position 3 registers CCC with the
    alias SHARED; position 4 gives BBB the alias alpha."""
    service = Service(database_url)
    try:
        service.register_entity(EntityIn(code="AAA", name="Alpha", kind="state", aliases=["Shared"]), "t")
        service.register_entity(EntityIn(code="BBB", name="Beta", kind="state"), "t")
        saved_without_judging(
            service,
            EntityRegistered(
                originator_id=entity_id("CCC"),
                originator_version=1,
                timestamp=DomainEvent.create_timestamp(),
                code="CCC",
                name="Gamma",
                kind="state",
                aliases=["SHARED"],
                recorded_by="t",
            ),
        )
        saved_without_judging(
            service,
            AliasesAdded(
                originator_id=entity_id("BBB"),
                originator_version=2,
                timestamp=DomainEvent.create_timestamp(),
                code="BBB",
                aliases=["alpha"],
                recorded_by="t",
            ),
        )
        yield service
    finally:
        service.close()


FINDINGS = [
    "position 3: CCC is given the name 'SHARED', which AAA holds since position 1",
    "position 4: BBB is given the name 'alpha', which AAA holds since position 1",
]


def test_verify_names_each_entry_that_gives_a_held_name_to_another_entity(twice_named: Service) -> None:
    report = audit.verify(twice_named)

    assert not report.ok
    assert report.findings == FINDINGS


def test_the_command_line_verify_reports_them_and_fails(twice_named: Service, database_url: str) -> None:
    result = subprocess.run(
        [CHANCERY, "verify", "--database-url", database_url], capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 1, result.stderr
    assert all(finding in " ".join(result.stdout.split()) for finding in FINDINGS), result.stdout


def test_every_process_answers_a_name_held_twice_with_its_first_holder(twice_named: Service, database_url: str) -> None:
    other = Service(database_url)  # another process's view, read from the log anew
    try:
        for service in (twice_named, other):
            assert service.code("shared") == "AAA"
            assert service.code("Alpha") == "AAA"
            assert service.entity("CCC").aliases == ["SHARED"]
    finally:
        other.close()
