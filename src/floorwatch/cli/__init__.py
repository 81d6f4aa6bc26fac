"""The ``floorwatch`` command line: a thin layer over the library.

Each command module registers its commands on :data:`app`. Library errors
(:class:`~floorwatch.errors.FloorwatchError`) become a one-line message and exit status 1 here
at the edge, and nowhere else.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable

import typer
from rich.console import Console

from floorwatch.cli.common import app
from floorwatch.errors import ConvergenceWarning, FloorwatchError, RecordEndWarning

__all__ = ["app", "main"]

# The command modules register their commands on ``app`` when imported, in the order of
# ``floorwatch --help``.
# isort: off
from floorwatch.cli import ingest, core, export, metrics, ideal, risk  # noqa: E402, F401
from floorwatch.cli import claims, web, names, check, evaluate  # noqa: E402, F401

# isort: on


def _one_line_warnings(err: Console) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints each distinct warning once, on one line."""
    seen: set[str] = set()

    def show(message: Warning | str, category: type[Warning], *args: object, **kw: object):
        text = " ".join(str(message).split())
        if text not in seen:
            seen.add(text)
            err.print(f"[bold yellow]Warning:[/] {text}", highlight=False, soft_wrap=True)

    return show


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    err = Console(stderr=True)
    try:
        with warnings.catch_warnings():
            # Libraries' own warnings (NumPy's RuntimeWarning on an empty mean, pandas'
            # FutureWarning...) never reach the terminal: the user cannot act on them.
            for category in (RuntimeWarning, FutureWarning, DeprecationWarning):
                warnings.simplefilter("ignore", category)
            warnings.simplefilter("always", RecordEndWarning)
            warnings.simplefilter("always", ConvergenceWarning)
            warnings.showwarning = _one_line_warnings(err)
            app(args=argv, prog_name="floorwatch", standalone_mode=False)
    except FloorwatchError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("Aborted.")
        return 1
    except Exception as exc:
        if _is_usage_error(exc):  # a bad option or value: the usage, the problem, exit 2
            exc.show()
            return exc.exit_code
        raise
    return 0


def _is_usage_error(exc: Exception) -> bool:
    """Whether ``exc`` is one of click's errors (usage, bad parameter). Recent Typer raises
    its own copy of click's classes, under ``typer.exceptions.TyperException``; older Typer
    raises click's own."""
    classes: list[type[Exception]] = []
    base = getattr(typer.exceptions, "TyperException", None)
    if base is not None:
        classes.append(base)
    try:
        import click
    except ImportError:  # pragma: no cover - Typer without click
        pass
    else:
        classes.append(click.ClickException)
    return isinstance(exc, tuple(classes)) and callable(getattr(exc, "show", None))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
