"""Configuration from the environment (``CHANCERY_*``), read once when the service starts."""

from __future__ import annotations

import hmac
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from projections.stores import DEFAULT_DATABASE_URL


class BadTokens(ValueError):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHANCERY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    connect_timeout: float = Field(default=5.0, ge=1, le=3600)
    """Seconds to wait for a connection to the store (PostgreSQL): to open one, or for a pool's."""
    tokens: str | None = Field(default=None, repr=False)
    tokens_file: Path | None = None

    # What clients may hold of one server process (each worker of ``serve --workers`` has its own)
    max_connections: int = Field(default=2048, ge=1, le=1_000_000)
    max_streams: int = Field(default=1000, ge=1, le=1_000_000)
    read_timeout: float = Field(default=15.0, gt=0, le=3600)
    send_timeout: float = Field(default=30.0, gt=0, le=3600)
    keep_alive_timeout: int = Field(default=5, ge=1, le=3600)
    backlog: int = Field(default=2048, ge=1, le=65535)

    def writers(self) -> Writers:
        lines: list[str] = []
        if self.tokens:
            lines += self.tokens.split(",")
        if self.tokens_file:
            try:
                lines += self.tokens_file.read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise BadTokens(
                    f"cannot read CHANCERY_TOKENS_FILE {str(self.tokens_file)!r}: {error.strerror}"
                ) from None
        return Writers.parse(lines)


class Writers:
    """Bearer tokens and the writer name each stands for; never shown, compared in constant time."""

    def __init__(self, pairs: list[tuple[str, bytes]]):
        self._pairs = pairs

    @classmethod
    def parse(cls, lines: list[str]) -> Writers:
        pairs: list[tuple[str, bytes]] = []
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            writer, sep, token = line.partition(":")
            if not sep or not writer.strip() or not token.strip():
                raise BadTokens(f"writer token entry {number} is not of the form writer:token")
            pairs.append((writer.strip(), token.strip().encode()))
        owners: dict[bytes, str] = {}
        for name, secret in pairs:
            if owners.setdefault(secret, name) != name:
                raise BadTokens(
                    f"the writers {owners[secret]!r} and {name!r} are given the same token: "
                    "each token must stand for one writer"
                )
        return cls(pairs)

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def __repr__(self) -> str:
        return f"Writers({len(self._pairs)} configured)"

    def secrets(self) -> list[str]:
        """The tokens themselves, for what must never show them (the access log)."""
        return [token.decode() for _, token in self._pairs]

    def writer_for(self, token: str) -> str | None:
        given = token.encode()
        found = None
        for writer, expected in self._pairs:
            if hmac.compare_digest(given, expected):
                found = writer
        return found
