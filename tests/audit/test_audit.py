"""The audit chain as an outsider recomputes it, tampering caught and named, export and restore."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import date
from pathlib import Path

import pytest

from api import audit
from api.audit import StoreNotEmpty
from api.service import Service
from projections.audit import BadArchive
from tests.domain.builders import sent

CHANCERY = str(Path(sys.executable).parent / "chancery")


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
def store(tmp_path: Path, seeded_sqlite_file: Path) -> Path:
    """A copy of a real, seeded SQLite file, with a retraction and a correction on top."""
    path = tmp_path / "store.db"
    shutil.copy(seeded_sqlite_file, path)
    service = Service(f"sqlite:///{path}")
    try:
        stored, _, _ = service.append(sent("mission.opened", "2014?", "XKX", "PAN", level="embassy"), "auditor")
        service.retract(uuid.UUID(stored.id), "undated in the source", "auditor")
        wrong, _, _ = service.append(sent("note.recorded", "2013", "XKX", "PAN"), "auditor")
        service.correct(uuid.UUID(wrong.id), sent("note.recorded", "2013?", "XKX", "PAN"), "date", "auditor")
    finally:
        service.close()
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHANCERY, *args], capture_output=True, text=True, timeout=120)


def test_an_outsider_recomputes_every_hash_and_the_digest(store: Path):
    service = Service(f"sqlite:///{store}")
    try:
        lines = list(audit.export(service))
        digest = service.read.digest()
    finally:
        service.close()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert {"entity.registered", "event.retracted", "relations.suspended"} <= kinds
    assert [json.loads(line)["position"] for line in lines] == list(range(1, len(lines) + 1))
    assert outsider_chain(lines) == [json.loads(line)["hash"] for line in lines]
    assert (digest.position, digest.hash) == (len(lines), outsider_chain(lines)[-1])


def test_verify_agrees_with_an_untouched_store_and_a_kept_digest(store: Path):
    service = Service(f"sqlite:///{store}")
    try:
        digest = service.read.digest()
        report = audit.verify(service, digest)
    finally:
        service.close()
    assert report.ok, report.findings
    assert report.head == digest


def test_verify_and_replay_leave_no_scratch_tables_in_the_write_ahead_log(store: Path):
    wal = Path(f"{store}-wal")
    service = Service(f"sqlite:///{store}")
    try:
        expected = service.entity_relations("PAN", date(2017, 6, 13)).model_dump()
        assert audit.verify(service).ok
        after_verify = wal.stat().st_size
        audit.replay(service)
        after_replay = wal.stat().st_size
        assert service.entity_relations("PAN", date(2017, 6, 13)).model_dump() == expected
    finally:
        service.close()
    assert (after_verify, after_replay) == (0, 0)
    with sqlite3.connect(store) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {t for t in tables if t.startswith(("rv_", "rb_"))}


def tamper(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(sql, params)


def edit_state(path: Path, rowid: int, old: str, new: str) -> None:
    with sqlite3.connect(path) as connection:
        (state,) = connection.execute("SELECT state FROM stored_events WHERE rowid = ?", (rowid,)).fetchone()
        assert old.encode() in state
        connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state.replace(old.encode(), new.encode()), rowid))


def position_of(path: Path, text: str) -> int:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT rowid, state FROM stored_events ORDER BY rowid").fetchall()
    return next(rowid for rowid, state in rows if text.encode() in state)


def verify_cli(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("verify", "--database-url", f"sqlite:///{path}", *extra)


def test_an_edited_event_row_is_caught_and_named(store: Path):
    position = position_of(store, "Relations were suspended from 20 November 2013")
    edit_state(store, position, "2013-11-20", "2013-11-21")
    result = verify_cli(store)
    assert result.returncode == 1
    assert f"position {position}:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_deleted_event_row_is_caught_and_named(store: Path):
    tamper(store, "DELETE FROM stored_events WHERE rowid = 20")
    result = verify_cli(store)
    assert result.returncode == 1
    assert "position 20: its content differs from the entry recorded then" in result.stdout


def test_two_swapped_event_rows_are_caught_at_the_first(store: Path):
    with sqlite3.connect(store) as connection:
        first = connection.execute("SELECT topic, state FROM stored_events WHERE rowid = 30").fetchone()
        second = connection.execute("SELECT topic, state FROM stored_events WHERE rowid = 31").fetchone()
        connection.execute("UPDATE stored_events SET topic = ?, state = ? WHERE rowid = 30", second)
        connection.execute("UPDATE stored_events SET topic = ?, state = ? WHERE rowid = 31", first)
    result = verify_cli(store)
    assert result.returncode == 1
    assert "position 30:" in result.stdout


def test_a_rewritten_chain_still_fails_against_the_digest_kept_before(store: Path, tmp_path: Path):
    service = Service(f"sqlite:///{store}")
    try:
        kept = service.read.digest()
    finally:
        service.close()
    position = position_of(store, "Relations were suspended from 20 November 2013")
    edit_state(store, position, "2013-11-20", "2013-11-21")
    tamper(store, "DELETE FROM rm_log")  # the forger drops the stored chain; a replay rebuilds it
    tamper(store, "UPDATE rm_tracking SET position = 0")
    for table in ("rm_events", "rm_intervals", "rm_entities", "rm_requests"):
        tamper(store, f"DELETE FROM {table}")
    result = verify_cli(store, "--digest", f"{kept.position}:{kept.hash}")
    assert result.returncode == 1
    assert f"position {kept.position}: the recomputed hash differs from the kept digest" in result.stdout


def test_export_then_restore_gives_the_same_head_hash(store: Path, tmp_path: Path, database_url: str):
    exported = tmp_path / "log.jsonl"
    assert run("export", "--database-url", f"sqlite:///{store}", "--output", str(exported)).returncode == 0
    original = Service(f"sqlite:///{store}")
    target = Service(database_url)
    try:
        restored = audit.restore(target, exported.read_text().splitlines())
        assert restored.head == original.read.digest()
        assert list(audit.export(target)) == exported.read_text().splitlines(keepends=True)
        day = date(2016, 1, 1)
        assert target.entity_relations("PAN", day).model_dump() == original.entity_relations("PAN", day).model_dump()
        assert audit.verify(target).ok
        with pytest.raises(StoreNotEmpty):
            audit.restore(target, exported.read_text().splitlines())
    finally:
        original.close()
        target.close()


def test_a_restore_refuses_a_file_whose_chain_does_not_hold(store: Path, tmp_path: Path):
    service = Service(f"sqlite:///{store}")
    try:
        lines = list(audit.export(service))
    finally:
        service.close()
    entry = json.loads(lines[5])
    entry["data"]["name"] = "Forged"
    lines[5] = json.dumps(entry)
    target = Service(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        with pytest.raises(BadArchive, match="line 6"):
            audit.restore(target, lines)
    finally:
        target.close()


def test_the_cli_refuses_a_restore_into_a_store_that_is_not_empty(store: Path, tmp_path: Path):
    exported = tmp_path / "log.jsonl"
    run("export", "--database-url", f"sqlite:///{store}", "--output", str(exported))
    result = run("import", "--restore", str(exported), "--database-url", f"sqlite:///{store}")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not empty" in result.stderr


def test_a_replay_rebuilds_the_read_model_while_a_reader_keeps_reading(store: Path):
    service = Service(f"sqlite:///{store}")
    reader = Service(f"sqlite:///{store}")
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


def test_import_appends_new_lines_skips_known_ones_and_reports_refusals(tmp_path: Path, seeded_sqlite_file: Path):
    path = tmp_path / "store.db"
    shutil.copy(seeded_sqlite_file, path)
    good = sent("mission.opened", "2014?", "XKX", "PAN", level="embassy").model_dump_json()
    breaking = sent("relations.resumed", "2020", "PAN", "KOR").model_dump_json()
    lines = [good, "not json", breaking, good]
    service = Service(f"sqlite:///{path}")
    try:
        head = service.projector.head()
        result = audit.import_events(service, lines, "importer")
        assert (result.appended, result.present) == (1, 1)
        assert [r.split(":")[0] for r in result.refused] == ["line 2", "line 3"]
        assert "needs status suspended" in result.refused[1]
        assert service.projector.head() == head + 1
    finally:
        service.close()
