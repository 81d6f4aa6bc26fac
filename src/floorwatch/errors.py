"""Errors raised by floorwatch.

Every error floorwatch raises on purpose derives from :class:`FloorwatchError`, so a caller
can catch one class. Each carries the context a user needs to fix the problem::

    FloorwatchError
    ├── InputError            a file (or a value) is malformed: names file, line, column
    │   ├── EncodingError     the file is not valid UTF-8
    │   └── ReferenceError_   a row names a person, roll call or organisation that is unknown
    ├── StoreError            the database cannot be opened, is read-only, or has a newer schema
    ├── ConfigError           a settings or rules file is wrong
    ├── NotFoundError         a person, organisation or date asked for does not exist
    │   └── AmbiguousNameError  a name fits several people or organisations: lists them
    └── WebError              the dashboard answers a request with an HTTP error status

Numerical estimators warn with :class:`ConvergenceWarning` when they stop before converging;
a date asked for past the end of the store's record gives a :class:`RecordEndWarning`. The CLI
prints each warning as one line.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AmbiguousNameError",
    "ConfigError",
    "ConvergenceWarning",
    "EncodingError",
    "FloorwatchError",
    "InputError",
    "NotFoundError",
    "RecordEndWarning",
    "ReferenceError_",
    "StoreError",
    "WebError",
]


class FloorwatchError(Exception):
    """Base class of every error floorwatch raises on purpose."""


class InputError(FloorwatchError):
    """Bad input. The message names the file, the line, the column and the problem.

    Parameters
    ----------
    problem:
        What is wrong and, where possible, how to fix it.
    file, line, column:
        Where. ``line`` is the 1-based line number in the file (the header is line 1 of a CSV).
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.problem


class EncodingError(InputError):
    """The file is not valid UTF-8 text."""


class ReferenceError_(InputError):  # noqa: N801 - avoid shadowing the builtin ReferenceError
    """A row refers to a person, roll call, event or organisation the store does not hold."""


class StoreError(FloorwatchError):
    """The store cannot be opened or written (missing, read-only, newer schema, disk full)."""


class ConfigError(FloorwatchError):
    """A settings, rules or risk-model configuration is wrong."""


class NotFoundError(FloorwatchError):
    """A person, organisation, roll call or other object asked for does not exist."""


class AmbiguousNameError(NotFoundError):
    """A name (or abbreviation) fits two or more people or organisations about equally well.

    ``candidates`` holds them (objects with ``id``, ``name`` and a ``label()``), best first;
    the message lists them so the user can pick an id.
    """

    def __init__(self, query: str, what: str, candidates: list) -> None:
        self.query = query
        self.what = what
        self.candidates = list(candidates)
        listing = "; ".join(c.label() for c in self.candidates)
        super().__init__(
            f"{what} {query!r} is ambiguous: {len(self.candidates)} candidates: {listing}. "
            "Give an id (or a fuller name) instead."
        )


class WebError(FloorwatchError):
    """The dashboard answers with an error: a status page (HTML) or a JSON error body.

    Parameters
    ----------
    status:
        The HTTP status (400, 401, 403, 404...).
    title:
        A short title ("Bad as-of date").
    detail:
        What went wrong and how to fix it.
    """

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class ConvergenceWarning(UserWarning):
    """An iterative estimator stopped at ``max_iter`` before meeting its tolerance."""


class RecordEndWarning(UserWarning):
    """A date asked for (``as_of``) lies past the end of the store's record."""
