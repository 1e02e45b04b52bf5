"""The store a command works on, and the name its writes are recorded by."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from api.service import Service
from api.settings import Settings


@contextmanager
def opened(database_url: str | None) -> Iterator[Service]:
    settings = Settings()
    service = Service(database_url or settings.database_url, settings.connect_timeout)
    try:
        yield service
    finally:
        service.close()


def operator() -> str:
    """The user running the command, as the writer of what it records."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
