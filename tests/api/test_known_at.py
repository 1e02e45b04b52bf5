"""``known_at`` (HTTP) and ``--known-at`` (command line) take an RFC 3339 time and nothing else:
a date, a full time with seconds, and an offset (``Z`` or ``±hh:mm``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import problem, state

CHANCERY = str(Path(sys.executable).parent / "chancery")

RFC_3339 = [
    "2017-06-13T00:00:00Z",
    "2017-06-13t00:00:00z",
    "2017-06-13T00:00:00.123456Z",
    "2017-06-13T02:00:00.5+02:00",
    "2017-06-12T19:00:00-05:00",
]
NOT_RFC_3339 = [
    "2024-W01-1T00:00Z",  # an ISO 8601 week date
    "2017-164T00:00:00Z",  # an ISO 8601 ordinal date
    "2017-06-13T00:00Z",  # no seconds
    "2017-06-13T00Z",
    "20170613T000000Z",  # the basic format
    "2017-06-13T00:00:00+0200",  # an offset without its colon
    "2017-06-13T00:00:00+02",
    "2017-06-13 00:00:00Z",  # a space for the T
    "2017-06-13T00:00:00Z\n",
    "2017-06-13",  # a day
    "２０１７-06-13T00:00:00Z",  # digits that are not ASCII
]


@pytest.mark.parametrize("moment", RFC_3339)
def test_known_at_takes_an_rfc_3339_time(client: TestClient, moment: str) -> None:
    answered = state(client, "PAN", "TWN", "2016-01-01", known_at=moment)

    assert answered["as_of_position"] == 0  # nothing had been recorded by then


@pytest.mark.parametrize("moment", NOT_RFC_3339)
def test_known_at_refuses_what_is_not_rfc_3339(client: TestClient, moment: str) -> None:
    response = client.get("/v1/relations/PAN/TWN", params={"on": "2016-01-01", "known_at": moment})

    body = problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "known_at"]


@pytest.mark.parametrize("moment", ["2024-W01-1T00:00Z", "2017-06-13T00:00Z", "2017-06-13T00:00:00+0200"])
def test_the_command_line_refuses_what_is_not_rfc_3339_in_one_line(seeded_database_url: str, moment: str) -> None:
    result = subprocess.run(
        [CHANCERY, "state", "PAN", "TWN", "--database-url", seeded_database_url, "--known-at", moment],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and "RFC 3339" in result.stderr
