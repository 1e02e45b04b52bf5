"""The ``chancery`` command line as a user runs it: the real executable, on each store."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.seed import read, seed_directory
from tests.domain.builders import event

CHANCERY = Path(sys.executable).parent / "chancery"
SEED = read(seed_directory())
SEED_EVENTS = len(SEED.groups)  # one event a line of data/events.jsonl
SEED_ENTRIES = len(SEED.entities) + SEED_EVENTS  # the log: each entity registered, then each event

# A legation of Panama opened at the Qing court in 2015, after the dynasty's end (1909/2009): refused.
TOO_LATE = ["append", "--type", "mission.opened", "--subject", "PAN", "--counterpart", "QING", "-a", "level=legation",
            "--occurred", "2015", "--summary", "Too late.", "--source", "A test source"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``chancery`` with no CHANCERY_* settings from the calling environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    return subprocess.run(
        [str(CHANCERY), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )


def succeeds(*args: str, stdin: str | None = None) -> str:
    done = run(*args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def as_json(*args: str) -> Any:
    return json.loads(succeeds(*args, "--json"))


def statuses(relations: dict[str, Any]) -> dict[str, str]:
    return {r["b"]["code"]: r["diplomatic"]["status"] for r in relations["relations"]}


def write_jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def append_from_options(store: str, *options: str) -> Any:
    """``append --json`` of one event from the options given, citing a test source."""
    return as_json("append", *options, "--source", "A test source", "--database-url", store)


def test_seeding_twice_appends_nothing_the_second_time(empty: str) -> None:
    first = succeeds("seed", "--database-url", empty)
    logged = as_json("log", "--database-url", empty)
    second = succeeds("seed", "--database-url", empty)

    assert f"events: {SEED_EVENTS} added" in first
    assert f"events: 0 added, {SEED_EVENTS} already present" in second
    assert as_json("log", "--database-url", empty) == logged
    assert len(logged) == SEED_EVENTS


def test_state_of_panama_on_2016_01_01_shows_taiwan_established_china_none_and_the_sadr_suspended(
    seeded_url: str,
) -> None:
    relations = as_json("state", "PAN", "--on", "2016-01-01", "--database-url", seeded_url)

    found = statuses(relations)
    assert relations["entity"]["code"] == "PAN"
    assert found["TWN"] == "established"
    assert found.get("CHN", "none") == "none"
    assert found["ESH"] == "suspended"
    # No relation with the Qing dynasty holds, and nothing dates relations with the US or India.
    assert (found["QING"], found["USA"], found["IND"]) == ("ended", "unknown", "unknown")


def test_state_of_a_pair_on_2017_06_13_shows_taiwan_severed(seeded_url: str) -> None:
    pair = as_json("state", "PAN", "TWN", "--on", "2017-06-13", "--database-url", seeded_url)
    china = as_json("state", "Panama", "China", "--on", "2017-06-13", "--database-url", seeded_url)

    assert (pair["a"]["code"], pair["b"]["code"]) == ("PAN", "TWN")
    assert pair["diplomatic"]["status"] == "severed"
    assert pair["recognition"]["a_recognizes_b"] is False
    assert china["diplomatic"] == china["diplomatic"] | {"status": "established", "since": "2017-06-12"}
    assert {e["id"] for e in china["events"]} >= {china["diplomatic"]["event"]}


def test_timeline_lists_events_in_valid_time_order_and_the_intervals(seeded_url: str) -> None:
    timeline = as_json("timeline", "PAN", "TWN", "--database-url", seeded_url)

    starts = [e["window"]["first"] for e in timeline["events"]]
    assert starts == sorted(starts) and len(starts) == 2
    diplomatic = [
        (i["status"], i["from"], i["to"], i["since"]) for i in timeline["intervals"] if i["facet"] == "diplomatic"
    ]
    assert diplomatic == [  # held before the severance: inferred, the documents date no establishment
        ("established", "0001-01-01", "2017-06-12", None), ("severed", "2017-06-12", None, "2017-06-12"),
    ]


def test_changes_from_2013_to_2018_show_the_switch_to_china(seeded_url: str) -> None:
    changes = as_json("changes", "--from", "2013", "--to", "2018", "--database-url", seeded_url)

    changed = {}
    for r in changes["relations"]:
        other = r["b"]["code"] if r["a"]["code"] == "PAN" else r["a"]["code"]
        changed[other] = (r["before"]["diplomatic"]["status"], r["after"]["diplomatic"]["status"])
    assert changed["TWN"] == ("established", "severed")
    assert changed["CHN"] == ("none", "established")
    assert ("relations.suspended", "2013-11-20") in {(e["type"], e["occurred"]) for e in changes["events"]}


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (
            ["state", "PAN", "--on", "2016-01-01"],
            ["Republic of China (Taiwan)", "suspended", "Events behind"],
        ),
        (["state", "Panama", "Taiwan", "--on", "2017-06-13"], ["severed since 2017-06-12", "Events behind"]),
        (["timeline", "PAN", "TWN"], ["0001-01-01", "inferred", "2017-06-12", "severed"]),
        (["state", "PAN", "Qing dynasty", "--on", "2016-01-01"], ["ended since 1909/2009", "entity.ended QING"]),
        (["changes", "--from", "2013", "--to", "2018"], ["PAN–TWN", "severed", "CHN–PAN"]),
        (["log", "--entity", "TWN"], ["relations.severed", "2017-06-12"]),
    ],
)
def test_commands_without_json_print_readable_tables(seeded_url: str, args: list[str], shows: list[str]) -> None:
    printed = succeeds(*args, "--database-url", seeded_url)

    for words in shows:
        assert words in printed


def test_log_lists_every_event_in_position_order_with_its_sources(seeded_url: str) -> None:
    logged = as_json("log", "--database-url", seeded_url)

    positions = [e["position"] for e in logged]
    assert len(logged) == SEED_EVENTS
    assert positions == sorted(set(positions))
    assert all(e["sources"] and e["recorded_by"] == "seed" for e in logged)


def test_append_from_options_is_recorded_by_the_operator_and_changes_the_state(store: str) -> None:
    stored = append_from_options(
        store,
        *("--type", "relations.suspended", "--subject", "Panama", "--counterpart", "South Korea"),
        *("--occurred", "2020-03-01", "--summary", "Relations are suspended.", "--quote", "suspended"),
    )

    assert [(e["type"], e["subject"], e["counterpart"]) for e in stored] == [
        ("relations.suspended", "PAN", "KOR")
    ]
    assert stored[0]["recorded_by"] == getpass.getuser()
    assert stored[0]["sources"] == [{"title": "A test source", "quote": "suspended", "url": None}]
    after = as_json("state", "PAN", "KOR", "--on", "2020-06-01", "--database-url", store)
    assert after["diplomatic"]["status"] == "suspended"
    assert after["diplomatic"]["event"] == stored[0]["id"]
    assert len(as_json("log", "--database-url", store)) == SEED_EVENTS + 1


def test_append_from_options_takes_attributes_as_key_value_pairs(store: str) -> None:
    mission = append_from_options(
        store,
        *("--type", "mission.opened", "--subject", "KOR", "--counterpart", "PAN", "--occurred", "2020-05"),
        *("--summary", "An embassy opens.", "-a", "level=embassy"),
    )

    after = as_json("state", "PAN", "KOR", "--on", "2020-06-01", "--database-url", store)
    assert [(m["sender"], m["level"], m["event"]) for m in after["missions"]] == [
        ("KOR", "embassy", mission[0]["id"])
    ]
    assert len(as_json("log", "--database-url", store)) == SEED_EVENTS + 1


def test_append_file_records_a_json_lines_batch(store: str, tmp_path: Path) -> None:
    batch = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            event("note.recorded", "PAN", "KOR", "2020"),
            event("relations.severed", "PAN", "Kosovo", "2021-02-03"),
        ],
    )

    stored = as_json("append", "--file", str(batch), "--database-url", store)

    assert [e["type"] for e in stored] == ["note.recorded", "relations.severed"]
    assert (
        as_json("state", "PAN", "XKX", "--on", "2021-02-03", "--database-url", store)["diplomatic"]["status"]
        == "severed"
    )


def test_append_from_stdin_records_the_lines_given(store: str) -> None:
    lines = json.dumps(event("note.recorded", "PAN", "KOR", "2020")) + "\n"

    stored = json.loads(succeeds("append", "--file", "-", "--json", "--database-url", store, stdin=lines))

    assert [e["type"] for e in stored] == ["note.recorded"]


def test_a_batch_file_with_one_bad_line_records_nothing(store: str, tmp_path: Path) -> None:
    before = as_json("log", "--database-url", store)
    batch = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            event("note.recorded", "PAN", "KOR", "2020"),
            event("relations.established", "PAN", "Kosovo", "2021"),  # established since 2013-08-27
        ],
    )

    done = run("append", "--file", str(batch), "--database-url", store)

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "item 1" in done.stderr
    assert as_json("log", "--database-url", store) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["state", "Taiwn"], "TWN"),
        (["state", "PAN", "--on", "2016-13-01"], "2016-13-01"),
        (["state", "PAN", "--on", "2016"], "YYYY-MM-DD"),
        (["state", "PAN", "--bogus"], "--bogus"),
        (["timeline", "PAN"], "Missing argument"),
        (TOO_LATE, "1909/2009"),
        (
            [
                "append",
                "--type",
                "relations.established",
                "--subject",
                "PAN",
                "--counterpart",
                "Kosovo",
                "--occurred",
                "2020",
                "--summary",
                "Established twice.",
                "--source",
                "A test source",
            ],
            "needs status none or severed",
        ),
        (
            [
                "append",
                "--type",
                "mission.opened",
                "--subject",
                "PAN",
                "--counterpart",
                "KOR",
                "--occurred",
                "2020",
                "--summary",
                "No level.",
                "--source",
                "A test source",
            ],
            "level",
        ),
        (
            [
                "append",
                "--type",
                "note.recorded",
                "--subject",
                "PAN",
                "--counterpart",
                "KOR",
                "--occurred",
                "2020",
            ],
            "--summary",
        ),
        (["append", "--type", "relations.improved"], "relations.improved"),
        (["changes", "--from", "2018", "--to", "2013"], "before"),
        (["changes", "--from", "0001", "--to", "0002"], "0001"),
        (["state", "PAN", "--known-at", "0001-01-01T00:00:00+01:00"], "known-at"),
        (["state", "PAN", "--known-at", "2017-06-13"], "time zone"),
        (["log", "--after", str(2**64)], "--after"),
        (["log", "--entity", "Atlantis"], "Atlantis"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(seeded_url: str, args: list[str], says: str) -> None:
    done = run(*args, "--database-url", seeded_url)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert says in done.stderr
    assert done.stdout == ""


def test_a_refused_append_leaves_the_log_as_it_was(store: str) -> None:
    before = as_json("log", "--database-url", store)

    done = run(
        *TOO_LATE,
        "--database-url",
        store,
    )

    assert done.returncode == 2
    assert as_json("log", "--database-url", store) == before


def test_a_store_in_a_missing_folder_is_one_line_of_error(tmp_path: Path) -> None:
    done = run("state", "PAN", "--database-url", f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "nowhere" in done.stderr


def test_a_file_that_is_not_a_store_is_one_line_of_error_not_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "not-a-store.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    done = run("state", "PAN", "--database-url", f"sqlite:///{garbage}")

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["chancery: error: the store failed: file is not a database"]


def test_a_batch_file_with_a_nul_character_is_refused_before_it_reaches_the_log(
    store: str, tmp_path: Path
) -> None:
    before = as_json("log", "--database-url", store)
    batch = write_jsonl(
        tmp_path / "batch.jsonl", [event("note.recorded", "PAN", "KOR", "2020") | {"summary": "a\u0000b"}]
    )

    done = run("append", "--file", str(batch), "--database-url", store)

    assert done.returncode == 2
    assert "summary" in done.stderr and "NUL" in done.stderr
    assert as_json("log", "--database-url", store) == before


def test_a_lone_surrogate_in_a_batch_file_or_an_option_is_one_line_and_exit_2(store: str, tmp_path: Path) -> None:
    before = as_json("log", "--database-url", store)
    batch = tmp_path / "batch.jsonl"
    line = json.dumps(event("note.recorded", "PAN", "KOR", "2020")).replace('"PAN and', '"\\udc00 PAN and')
    batch.write_text(line + "\n", encoding="utf-8")

    from_file = run("append", "--file", str(batch), "--database-url", store)
    # A byte that is not UTF-8 in an argument reaches Python as a lone surrogate.
    from_option = subprocess.run(
        [str(CHANCERY), "append", "--type", "note.recorded", "--subject", "PAN", "--counterpart",
         "KOR", "--occurred", "2020", "--summary", b"bad \xff byte", "--source", "t", "--database-url", store],
        capture_output=True, text=True, timeout=120, check=False,
    )

    for done in (from_file, from_option):
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "lone surrogate" in done.stderr
    assert as_json("log", "--database-url", store) == before


def test_verify_replay_and_export_account_for_every_entry_of_the_log(store: str, tmp_path: Path) -> None:
    verified = succeeds("verify", "--database-url", store).splitlines()
    replayed = succeeds("replay", "--database-url", store)
    exported = run("export", "--output", str(tmp_path / "log.jsonl"), "--database-url", store)

    assert verified[0].startswith(f"{SEED_ENTRIES} entries; head {SEED_ENTRIES} ")
    assert verified[-1] == "verified: the chain and the read model agree with the log"
    assert replayed == f"read model rebuilt from the log up to position {SEED_ENTRIES}\n"
    exported_to = ["exported", str(SEED_ENTRIES), "entries", "to", f"{tmp_path / 'log.jsonl'}"]
    assert exported.returncode == 0 and exported.stderr.split() == exported_to
    assert len((tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()) == SEED_ENTRIES
    assert as_json("verify", "--database-url", store)["ok"] is True
