"""The audit chain as an outsider recomputes it, tampering caught and named, export and restore, on each store.

The tampering goes straight at the database, as a forger with access to it would, through
``raw_store`` (``sqlite3`` on the file, ``psycopg`` in the schema): never through Chancery.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import audit
from api.app import create_app
from api.audit import StoreNotEmpty
from api.service import Service
from api.settings import Settings
from events import EntityIn, EntityKind
from projections.audit import BadArchive
from tests.conftest import SQLITE_ONLY, STORES, RawStore, kind_of
from tests.domain.builders import sent

CHANCERY = str(Path(sys.executable).parent / "chancery")
SUSPENSION = "Relations were suspended from 20 November 2013"


def outsider_chain(lines: list[str]) -> list[str]:
    """The chain as the contract defines it, in a few lines of hashlib and json."""
    previous, hashes = "0" * 64, []
    for line in lines:
        entry = json.loads(line)
        entry.pop("hash")
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        previous = hashlib.sha256(previous.encode("ascii") + canonical.encode("utf-8")).hexdigest()
        hashes.append(previous)
    return hashes


@pytest.fixture
def store(seeded_database_url: str) -> str:
    """A fresh seeded store of each kind, with a retraction and a correction on top."""
    service = Service(seeded_database_url)
    try:
        stored, _, _ = service.append(sent("mission.opened", "2014?", "XKX", "PAN", level="embassy"), "auditor")
        service.retract(uuid.UUID(stored.id), "undated in the source", "auditor")
        wrong, _, _ = service.append(sent("note.recorded", "2013", "XKX", "PAN"), "auditor")
        service.correct(uuid.UUID(wrong.id), sent("note.recorded", "2013?", "XKX", "PAN"), "date", "auditor")
        # An entity in time, a relation after its end, and a mission that changed rank.
        service.register_entity(EntityIn(code="BAV", name="Kingdom of Bavaria", kind=EntityKind.STATE), "auditor")
        service.append(sent("entity.began", "1806", "BAV", None, how="independence"), "auditor")
        service.append(sent("relations.established", "1850", "USA", "BAV"), "auditor")
        service.append(sent("entity.ended", "1871-01-18", "BAV", None, how="unification"), "auditor")
        service.append(sent("mission.changed", "1970", "KOR", "PAN", **{"from": "legation", "level": "embassy"}), "auditor")
    finally:
        service.close()
    return seeded_database_url


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHANCERY, *args], capture_output=True, text=True, timeout=120)


def verify_cli(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("verify", "--database-url", url, *extra)


def verified(url: str, through: str, digest: str | None = None) -> tuple[bool, str]:
    """Whether the store passes ``verify``, asked on the command line or over HTTP, and the
    findings it reports, a line each."""
    if through == "cli":
        result = verify_cli(url, *(["--digest", digest] if digest else []))
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        return result.returncode == 0, result.stdout
    with TestClient(create_app(Settings(database_url=url))) as client:
        answer = client.get("/v1/audit/verify", params={"digest": digest} if digest else {})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    return report["ok"], "\n".join(report["findings"])


THROUGH = pytest.mark.parametrize("through", ["cli", "http"])


def test_an_outsider_recomputes_every_hash_and_the_digest(store: str) -> None:
    service = Service(store)
    try:
        lines = list(audit.export(service))
        digest = service.digest()
    finally:
        service.close()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert {"entity.registered", "event.retracted", "relations.suspended"} <= kinds
    assert [json.loads(line)["position"] for line in lines] == list(range(1, len(lines) + 1))
    assert outsider_chain(lines) == [json.loads(line)["hash"] for line in lines]
    assert (digest.position, digest.hash) == (len(lines), outsider_chain(lines)[-1])


def test_verify_agrees_with_an_untouched_store_and_a_kept_digest(store: str) -> None:
    service = Service(store)
    try:
        digest = service.digest()
        report = audit.verify(service, digest)
    finally:
        service.close()
    assert report.ok, report.findings
    assert report.head == digest


def test_verify_and_replay_leave_no_scratch_tables_behind(store: str, raw_store: RawStore) -> None:
    service = Service(store)
    try:
        expected = service.entity_relations("PAN", date(2017, 6, 13)).model_dump()
        assert audit.verify(service).ok
        audit.replay(service)
        assert service.entity_relations("PAN", date(2017, 6, 13)).model_dump() == expected
    finally:
        service.close()
    assert not {t for t in raw_store.tables() if t.startswith(("rv_", "rb_"))}


@SQLITE_ONLY
def test_verify_and_replay_leave_no_scratch_tables_in_the_write_ahead_log(store: str) -> None:
    """SQLite's alone: the write-ahead log is SQLite's."""
    wal = Path(f"{store.removeprefix('sqlite:///')}-wal")
    service = Service(store)
    try:
        assert audit.verify(service).ok
        after_verify = wal.stat().st_size
        audit.replay(service)
        after_replay = wal.stat().st_size
    finally:
        service.close()
    assert (after_verify, after_replay) == (0, 0)


# Tampering, caught by ``chancery verify`` and by ``GET /v1/audit/verify``


def position_of(raw: RawStore, text: str) -> int:
    """The log position of the first row whose recorded state contains ``text``."""
    return next(position for position, (_, _, state) in enumerate(raw.log_rows(), start=1) if text.encode() in state)


def edit_state(raw: RawStore, position: int, old: str, new: str) -> None:
    number, _, state = raw.log_rows()[position - 1]
    assert old.encode() in state
    raw.rows(
        f"UPDATE {raw.log} SET state = ? WHERE {raw.number} = ?", state.replace(old.encode(), new.encode()), number
    )


@THROUGH
def test_an_edited_event_row_is_caught_and_named(store: str, raw_store: RawStore, through: str) -> None:
    position = position_of(raw_store, SUSPENSION)
    edit_state(raw_store, position, "2013-11-20", "2013-11-21")
    passed, findings = verified(store, through)
    assert not passed
    assert f"position {position}:" in findings


@THROUGH
def test_a_deleted_event_row_is_caught_and_named(store: str, raw_store: RawStore, through: str) -> None:
    number, _, _ = raw_store.log_rows()[20 - 1]
    raw_store.rows(f"DELETE FROM {raw_store.log} WHERE {raw_store.number} = ?", number)
    passed, findings = verified(store, through)
    assert not passed
    assert "position 20: its content differs from the entry recorded then" in findings


def test_an_event_row_stored_twice_is_named_by_verify_and_the_server_still_answers_problem_json(
    store: str, raw_store: RawStore
) -> None:
    head = len(raw_store.log_rows())
    raw_store.rows(
        f"INSERT INTO {raw_store.log} (originator_id, originator_version, topic, state)"
        f" SELECT originator_id, originator_version + 1000, topic, state FROM {raw_store.log}"
        " WHERE topic = ? ORDER BY originator_version LIMIT 1",
        "domain.records:RelationsEstablished",
    )

    for through in ("cli", "http"):
        passed, findings = verified(store, through)

        assert not passed
        assert f"position {head + 1}: the read model cannot apply this entry" in findings
    with TestClient(create_app(Settings(database_url=store)), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        answer = client.get("/v1/relations/PAN/TWN")
        assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"


@THROUGH
def test_two_swapped_event_rows_are_caught_at_the_first(store: str, raw_store: RawStore, through: str) -> None:
    rows = raw_store.log_rows()
    (first, *first_content), (second, *second_content) = rows[30 - 1], rows[31 - 1]
    swap = f"UPDATE {raw_store.log} SET topic = ?, state = ? WHERE {raw_store.number} = ?"
    raw_store.rows(swap, *second_content, first)
    raw_store.rows(swap, *first_content, second)
    passed, findings = verified(store, through)
    assert not passed
    assert "position 30:" in findings


@THROUGH
def test_a_rewritten_chain_still_fails_against_the_digest_kept_before(
    store: str, raw_store: RawStore, through: str
) -> None:
    service = Service(store)
    try:
        kept = service.digest()
    finally:
        service.close()
    edit_state(raw_store, position_of(raw_store, SUSPENSION), "2013-11-20", "2013-11-21")
    raw_store.rows("DELETE FROM rm_log")  # the forger drops the stored chain; a replay rebuilds it
    raw_store.rows("UPDATE rm_tracking SET position = 0")
    for table in ("rm_events", "rm_intervals", "rm_entities", "rm_requests"):
        raw_store.rows(f"DELETE FROM {table}")
    passed, findings = verified(store, through, f"{kept.position}:{kept.hash}")
    assert not passed
    assert f"position {kept.position}: the recomputed hash differs from the kept digest" in findings


# Export, restore, replay, import


@pytest.mark.parametrize("target_kind", STORES)
def test_export_then_restore_gives_the_same_head_hash(
    store: str, tmp_path: Path, another_store: Callable[[str], str], target_kind: str
) -> None:
    exported = tmp_path / "log.jsonl"
    assert run("export", "--database-url", store, "--output", str(exported)).returncode == 0
    original = Service(store)
    target = Service(another_store(target_kind))
    try:
        restored = audit.restore(target, exported.read_text().splitlines())
        assert restored.head == original.digest()
        assert list(audit.export(target)) == exported.read_text().splitlines(keepends=True)
        day = date(2016, 1, 1)
        assert target.entity_relations("PAN", day).model_dump() == original.entity_relations("PAN", day).model_dump()
        bavaria = target.relation_state("USA", "BAV", date(1880, 1, 1))
        assert bavaria == original.relation_state("USA", "BAV", date(1880, 1, 1))
        assert (bavaria.diplomatic.status.value, bavaria.b.ended) == ("ended", "1871-01-18")
        assert audit.verify(target).ok
        with pytest.raises(StoreNotEmpty):
            audit.restore(target, exported.read_text().splitlines())
    finally:
        original.close()
        target.close()


def test_a_restore_refuses_a_file_whose_chain_does_not_hold(store: str, another_store: Callable[[str], str]) -> None:
    service = Service(store)
    try:
        lines = list(audit.export(service))
    finally:
        service.close()
    entry = json.loads(lines[5])
    entry["data"]["name"] = "Forged"
    lines[5] = json.dumps(entry)
    target = Service(another_store(kind_of(store)))
    try:
        with pytest.raises(BadArchive, match="line 6"):
            audit.restore(target, lines)
    finally:
        target.close()


def test_the_cli_refuses_a_restore_into_a_store_that_is_not_empty(store: str, tmp_path: Path) -> None:
    exported = tmp_path / "log.jsonl"
    run("export", "--database-url", store, "--output", str(exported))
    result = run("import", "--restore", str(exported), "--database-url", store)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not empty" in result.stderr


def test_a_replay_rebuilds_the_read_model_while_a_reader_keeps_reading(store: str) -> None:
    service = Service(store)
    reader = Service(store)
    expected = reader.entity_relations("PAN", date(2017, 6, 13)).model_dump()
    seen: list[object] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(reader.entity_relations("PAN", date(2017, 6, 13)).model_dump())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(3):
            audit.replay(service)
    finally:
        stop.set()
        thread.join()
    try:
        assert seen and all(answer == expected for answer in seen)
        assert reader.entity_relations("PAN", date(2017, 6, 13)).model_dump() == expected
        assert audit.verify(service).ok
    finally:
        service.close()
        reader.close()


def test_import_appends_new_lines_skips_known_ones_and_reports_refusals(seeded_database_url: str) -> None:
    good = sent("mission.opened", "2014?", "XKX", "PAN", level="embassy").model_dump_json()
    breaking = sent("relations.resumed", "2020", "PAN", "XKX").model_dump_json()  # established since 2013
    lines = [good, "not json", breaking, good]
    service = Service(seeded_database_url)
    try:
        head = service.head()
        result = audit.import_events(service, lines, "importer")
        assert (result.appended, result.present) == (1, 1)
        assert [r.split(":")[0] for r in result.refused] == ["line 2", "line 3"]
        assert "needs status suspended" in result.refused[1]
        assert service.head() == head + 1
    finally:
        service.close()
