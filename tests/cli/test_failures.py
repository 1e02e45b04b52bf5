"""The command line when what it is given cannot be read or its store cannot be reached: one line on
stderr and a non-zero exit, never a traceback; and a store that does not answer is given up on after
the connection wait (``--connect-timeout``, ``CHANCERY_CONNECT_TIMEOUT``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import new_store
from tests.cuttable import CuttableProxy, cuttable

CHANCERY = Path(sys.executable).parent / "chancery"
# Far longer than the connection wait these tests set (2 s), far shorter than the waits before
# (30 s for the pool, 130 s for a connection): a command that waits on a silent store fails the test.
PATIENCE_SECONDS = 60


def run(*args: str, stdin: bytes | None = None, **settings: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``chancery`` with only the CHANCERY_* settings given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env |= {f"CHANCERY_{name.upper()}": value for name, value in settings.items()}
    return subprocess.run(
        [str(CHANCERY), *args], input=stdin, capture_output=True, env=env, timeout=PATIENCE_SECONDS, check=False
    )


def one_line(done: subprocess.CompletedProcess[bytes]) -> str:
    said = done.stderr.decode()
    assert done.returncode == 2, said
    assert "Traceback" not in said
    assert len(said.strip().splitlines()) == 1, said
    assert done.stdout == b""
    return said


NOT_UTF8 = b'{"type": "note.recorded", "summary": "caf\xe9"}\n'


def test_a_batch_file_that_is_not_utf8_is_one_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    batch = tmp_path / "latin1.jsonl"
    batch.write_bytes(NOT_UTF8)

    said = one_line(run("append", "--file", str(batch), "--database-url", database_url))

    assert str(batch) in said and "UTF-8" in said


def test_a_batch_on_stdin_that_is_not_utf8_is_one_line_and_exit_2(database_url: str) -> None:
    said = one_line(run("append", "--file", "-", "--database-url", database_url, stdin=NOT_UTF8))

    assert "UTF-8" in said


def test_a_connection_wait_that_is_not_a_number_of_seconds_is_one_line_and_exit_2(database_url: str) -> None:
    said = one_line(run("log", "--database-url", database_url, connect_timeout="soon"))

    assert "CHANCERY_CONNECT_TIMEOUT" in said


# A PostgreSQL store that does not answer


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[CuttableProxy, str]]:
    """A PostgreSQL store's proxy, and the store's URL through it."""
    with new_store("postgres", tmp_path) as url:
        parts = urlsplit(url)
        with cuttable(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
            user = f"{parts.username}@" if parts.username else ""
            yield proxy, urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))


@pytest.mark.postgres
def test_a_silent_store_is_given_up_on_after_the_connection_wait(proxied: tuple[CuttableProxy, str]) -> None:
    proxy, url = proxied
    assert run("log", "--database-url", url).returncode == 0
    proxy.cut()

    from_setting = run("state", "PAN", "--database-url", url, connect_timeout="2")
    from_option = run("--connect-timeout", "2", "log", "--database-url", url)

    for done in (from_setting, from_option):
        assert "the store cannot be reached" in one_line(done)


@pytest.mark.postgres
def test_a_store_that_refuses_connections_is_one_line_and_exit_2(proxied: tuple[CuttableProxy, str]) -> None:
    proxy, url = proxied
    proxy.refuse()

    said = one_line(run("verify", "--database-url", url))

    assert "the store cannot be reached" in said and "refused" in said
