"""The CI script stops at once, saying why, when what the tests read is not there."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO


def test_the_ci_script_stops_at_once_without_the_shared_folder(tmp_path: Path) -> None:
    """A checkout with no ``shared`` folder beside it: the script's own copy, alone in an empty one."""
    checkout = tmp_path / "main"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "run", checkout / ".ci" / "run")
    environment = {k: v for k, v in os.environ.items() if k != "CHANCERY_SHARED"}

    result = subprocess.run(
        ["bash", str(checkout / ".ci" / "run")], capture_output=True, text=True, env=environment, timeout=120
    )

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "shared" in result.stderr and str(tmp_path / "shared") in result.stderr
    assert not (checkout / ".venv").exists()  # nothing was installed first
