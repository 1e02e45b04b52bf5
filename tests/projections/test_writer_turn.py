"""Writers of different processes on one store take turns across judge and save, on each store:
a writer here waits for one of another process, and is judged against what that one saved."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from api.service import Service
from domain import DuplicateEntity
from events import EntityIn
from tests.conftest import SQLITE_ONLY

# Another process: it takes the writers' turn, says so, and on a line from us registers an entity
# within that turn (as a writer does between judging and saving), then gives the turn back.
OTHER_WRITER = """
import sys
from api.service import Service
from domain import DuplicateEntity
from events import EntityIn

service = Service(sys.argv[1])
with service.writing, service.db.exclusive():
    print("held", flush=True)
    sys.stdin.readline()
    try:
        service.app.register_entity(EntityIn(code="THERE", name="There", kind="state", aliases=["Shared"]), "there")
        print("registered", flush=True)
    except DuplicateEntity as refusal:
        print(f"refused: {refusal}", flush=True)
service.close()
"""


@contextmanager
def other_writer_holding_the_turn(database_url: str) -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-c", OTHER_WRITER, database_url]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as other:
        assert other.stdin is not None and other.stdout is not None
        assert other.stdout.readline() == "held\n"
        try:
            yield other
        finally:
            other.stdin.close()
            other.wait(timeout=60)


def register_here(service: Service, outcome: list[object]) -> None:
    try:
        service.register_entity(EntityIn(code="HERE", name="Here", kind="state", aliases=["Shared"]), "here")
        outcome.append("registered")
    except (DuplicateEntity, sqlite3.OperationalError) as refusal:
        outcome.append(refusal)


def test_a_writer_waits_for_the_turn_of_another_process_and_is_judged_against_what_it_saved(
    database_url: str,
) -> None:
    here = Service(database_url)
    outcome: list[object] = []
    try:
        with other_writer_holding_the_turn(database_url) as other:
            assert other.stdin is not None and other.stdout is not None
            writer = threading.Thread(target=register_here, args=(here, outcome))
            writer.start()
            writer.join(timeout=1.0)  # a writer that did not wait for the turn is done by now
            other.stdin.write("go\n")
            other.stdin.flush()
            said = other.stdout.readline()
            writer.join()
        assert said == "registered\n"
        assert len(outcome) == 1 and isinstance(outcome[0], DuplicateEntity), outcome
        assert "'Shared' already belongs to THERE" in str(outcome[0])
    finally:
        here.close()


@SQLITE_ONLY
def test_a_writer_waits_for_the_turn_only_as_long_as_the_lock_timeout(database_url: str) -> None:
    """A turn held too long answers "database is locked", which the service answers 503 (try again)."""
    here = Service(database_url + "?lock_timeout=1")
    outcome: list[object] = []
    try:
        with other_writer_holding_the_turn(database_url):
            register_here(here, outcome)
    finally:
        here.close()
    assert len(outcome) == 1 and isinstance(outcome[0], sqlite3.OperationalError), outcome
    assert "database is locked" in str(outcome[0])
    after = Service(database_url)
    try:
        assert after.app.find("HERE") is None  # nothing was saved here
    finally:
        after.close()
