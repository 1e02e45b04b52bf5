"""The command line when what it is given cannot be read: one line on stderr and exit status 2,
never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHANCERY = Path(sys.executable).parent / "chancery"
# A command that hangs fails the test.
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
