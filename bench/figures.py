"""What a run measured at one size, phase by phase, and the progress lines it prints on the way."""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

STARTED = time.monotonic()


def say(text: str) -> None:
    elapsed = int(time.monotonic() - STARTED)
    print(f"[{elapsed // 60:3d}:{elapsed % 60:02d}] {text}", flush=True)


def run_started() -> float:
    """When the run started, on the monotonic clock."""
    return STARTED


def keep_clock(started: float) -> None:
    """Count from the run's start, so that a helper process's progress lines keep the run's clock."""
    global STARTED
    STARTED = started


@dataclass
class Figures:
    """Everything measured at one size (numbers, and dicts of numbers), and what failed."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    saved: Callable[[], None] = lambda: None  # noqa: E731 - called after each phase: the JSON so far

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Run a phase, once the disk has written back what the phases before it wrote (a rebuild
        or a check leaves gigabytes behind at 1M events, whose write-back would slow what follows);
        a failure is reported and recorded, and the run goes on."""
        os.sync()
        started = time.monotonic()
        try:
            yield
        except Exception as error:  # noqa: BLE001 - one broken phase must not lose the others
            self.errors[name] = f"{type(error).__name__}: {error}"
            say(f"  {name} FAILED: {self.errors[name]}")
            traceback.print_exc(file=sys.stdout)
        else:
            say(f"  {name} done in {time.monotonic() - started:.1f}s")
        finally:
            self.saved()
