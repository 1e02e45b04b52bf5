"""What the access log may say: never a token, wherever a client puts it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "[redacted]"
# The value of a query parameter whose name says it carries a secret.
SECRET_PARAMETER = re.compile(r"(?i)([?&][^=&#]*(?:token|key|secret|password|passwd|auth)[^=&#]*=)[^&#]*")


class Redacting(logging.Filter):
    """Rewrites each access-log line's path: the values of secret-named query parameters, and any
    writer token the server knows wherever it appears in the path, become ``[redacted]``."""

    def __init__(self, tokens: Iterable[str]):
        super().__init__()
        known = {form for token in tokens if token for form in (token, quote(token, safe=""))}
        self.known = sorted(known, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.redacted(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True

    def redacted(self, text: str) -> str:
        text = SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)
        for token in self.known:
            text = text.replace(token, REDACTED)
        return text


def redact_access_log(tokens: Iterable[str]) -> Redacting:
    """Put a ``Redacting`` filter on uvicorn's access log, replacing one put there before."""
    access = logging.getLogger("uvicorn.access")
    for old in [f for f in access.filters if isinstance(f, Redacting)]:
        access.removeFilter(old)
    redacting = Redacting(tokens)
    access.addFilter(redacting)
    return redacting
