"""The ``chancery`` command line: the same application, on the store directly.

Commands live in modules by what they do (``reads``, ``writes``, ``auditing``, ``serve``); what they
print is in ``render``, the parsing of their options in ``inputs``. This module only gathers them
into one typer app and runs it, turning every refusal into one line on stderr and exit status 2.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from typer._click import exceptions as click_errors  # typer carries its own copy of click

from api.audit import StoreNotEmpty
from api.cli import auditing, reads, writes
from api.cli.inputs import UsageProblem
from api.cli.render import err
from api.cli.serve import serve
from api.importers import BadSource
from api.seed import BadSeedFile
from api.service import NotCaughtUp
from api.settings import BadTokens
from domain import ChanceryError
from events import InvalidDate
from projections.audit import BadArchive
from projections.process import tune_collector
from projections.stores import ERRORS as STORE_ERRORS
from projections.stores import BadDatabaseUrl, transient

app = typer.Typer(
    name="chancery",
    help="Diplomatic relations on any date, from an append-only, sourced log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
for command in (serve, writes.seed, writes.append, reads.state, reads.timeline, reads.changes, reads.log,
                auditing.verify, auditing.replay, auditing.export):
    app.command()(command)
app.command(name="import")(writes.import_)


@app.callback()
def options(
    connect_timeout: Annotated[
        float | None,
        typer.Option(min=1, max=3600, help="seconds to wait for the store to answer a connection "
                     "(default: $CHANCERY_CONNECT_TIMEOUT, else 5)"),
    ] = None,
) -> None:
    """Diplomatic relations on any date, from an append-only, sourced log."""
    if connect_timeout is not None:
        os.environ["CHANCERY_CONNECT_TIMEOUT"] = str(connect_timeout)  # the server's workers too

REFUSALS = (UsageProblem, ChanceryError, InvalidDate, BadSeedFile, BadDatabaseUrl, BadTokens, NotCaughtUp,
            BadArchive, StoreNotEmpty, BadSource)
"""What a command may raise for a reason the user can mend: said in one line, never as a traceback."""


def main() -> None:
    """Run the CLI; every refusal is one line on stderr and exit status 2."""
    tune_collector()
    if len(sys.argv) == 1:
        sys.argv.append("--help")
    try:
        result = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError:
        sys.exit(0)
    except click_errors.ClickException as error:
        _die(error.format_message())
    except typer.Abort:
        _die("aborted")
    except REFUSALS as error:
        _die(getattr(error, "detail", None) or str(error))
    except ValidationError as error:
        if error.title != "Settings":
            raise
        _die(_setting(error))
    except STORE_ERRORS as error:
        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        _die(f"the store cannot be reached or is busy: {said}" if transient(error) else f"the store failed: {said}")
    sys.exit(result if isinstance(result, int) else 0)


def _setting(error: ValidationError) -> str:
    """A setting from the environment that is not what it must be, said in one line."""
    first = error.errors()[0]
    name = "CHANCERY_" + "_".join(str(part) for part in first["loc"]).upper()
    return f"{name}: {first['msg']}"


def _die(message: str) -> NoReturn:
    err.print(f"chancery: error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(2)
