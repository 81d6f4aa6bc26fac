"""Reading a Popolo JSON document: parse errors with line and column, the line of any JSON
path (for error messages), and the value checks shared by the Popolo importer."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from floorwatch.dates import parse_date
from floorwatch.errors import InputError, ReferenceError_
from floorwatch.ingest._common import check_utf8, require_file
from floorwatch.store.files import read_bytes

__all__ = [
    "Doc",
    "Ids",
    "check_order",
    "check_ref",
    "clean_text",
    "items_of",
    "list_of",
    "locate",
    "path_text",
    "read_doc",
    "required_text",
    "source_of",
    "to_date",
    "to_int",
    "to_weight",
]


class Doc:
    """The parsed document, its text (to locate errors) and the file name."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data

    def fail(self, where: tuple[str | int, ...], problem: str, *, ref: bool = False) -> InputError:
        line = locate(self.text, where)
        cls = ReferenceError_ if ref else InputError
        return cls(problem, file=self.path, line=line, column=path_text(where))


def path_text(where: tuple[str | int, ...]) -> str:
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


_WS = re.compile(r"[ \t\n\r]*")


_DECODER = json.JSONDecoder()


def locate(text: str, where: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at JSON path ``where`` (best effort; only on errors)."""
    try:
        idx = _WS.match(text, 0).end()
        for step in where:
            if isinstance(step, int):
                if text[idx] != "[":
                    break
                idx = _WS.match(text, idx + 1).end()
                for _ in range(step):
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _WS.match(text, idx).end()
                    if text[idx] != ",":
                        raise ValueError
                    idx = _WS.match(text, idx + 1).end()
            else:
                if text[idx] != "{":
                    break
                idx = _WS.match(text, idx + 1).end()
                while True:
                    key, idx = json.decoder.scanstring(text, idx + 1)
                    idx = _WS.match(text, idx).end() + 1  # past ':'
                    idx = _WS.match(text, idx).end()
                    if key == step:
                        break
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _WS.match(text, idx).end()
                    if text[idx] != ",":
                        raise ValueError
                    idx = _WS.match(text, idx + 1).end()
        return text.count("\n", 0, idx) + 1
    except (ValueError, IndexError):
        return None


def read_doc(path: Path) -> Doc:
    require_file(path)
    check_utf8(path)
    text = read_bytes(path).decode("utf-8-sig")  # gzip is decompressed
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg} (at character {exc.colno} of the line)",
            file=path,
            line=exc.lineno,
            column=str(exc.colno),
        ) from None
    except RecursionError:
        raise InputError(
            "malformed JSON: arrays or objects nested too deeply (Popolo needs a few levels)",
            file=path,
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            "expected a Popolo JSON object with arrays persons, organizations, memberships..., "
            f"but the file holds a JSON {type(data).__name__}",
            file=path,
            line=1,
        )
    return Doc(path, text, data)


def items_of(doc: Doc, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = doc.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise doc.fail((key,), f"expected a list of {key} but got a {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise doc.fail((key, i), f"expected an object but got {item!r:.60}")
        out.append((i, item))
    return out


def clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def source_of(item: dict[str, Any], default: str) -> str:
    sources = item.get("sources")
    if isinstance(sources, list) and sources and isinstance(sources[0], dict):
        return clean_text(sources[0].get("url")) or clean_text(sources[0].get("note")) or default
    return default


class Ids:
    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix or ""

    def __call__(self, value: Any) -> str | None:
        text = clean_text(value)
        return None if text is None else self.prefix + text


def required_text(doc: Doc, where: tuple[str | int, ...], item: dict, key: str) -> str:
    value = clean_text(item.get(key))
    if value is None:
        raise doc.fail((*where, key), f"missing {key!r}: every {where[0][:-1]} needs one")
    return value


def to_date(doc: Doc, where: tuple[str | int, ...], value: Any, *, end: bool = False):
    text = clean_text(value)
    if text is None:
        return None
    try:
        return parse_date(text, partial=True, end=end, stamp=True)
    except InputError as exc:
        raise doc.fail(where, exc.problem) from None


def check_order(doc: Doc, where: tuple[str | int, ...], start, end, names: str) -> None:
    if start is not None and end is not None and end < start:
        raise doc.fail(where, f"dates out of order: {names} ({end}) is before the start ({start})")


def to_weight(doc: Doc, where: tuple[str | int, ...], value: Any) -> float:
    if value is None or value == "":
        return 0.0
    try:
        w = float(value)
    except (TypeError, ValueError):
        w = -1.0
    if not 0.0 <= w <= 1.0:
        raise doc.fail(where, f"crucial must be a number from 0 to 1 but got {value!r}")
    return w


def check_ref(doc, where, value, known: set[str], what: str) -> None:
    if value is not None and value not in known:
        raise doc.fail(
            where,
            f"unknown {what} {value!r}: it is neither in this file nor in the store",
            ref=True,
        )


def to_int(
    doc: Doc,
    where: tuple[str | int, ...],
    value: Any,
    *,
    lo: int = -(2**31) + 1,
    hi: int = 2**31 - 1,
) -> int | None:
    """A whole number from ``lo`` to ``hi`` (default: the range of a SQL INTEGER), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise doc.fail(where, f"expected a whole number but got {value!r:.60}")
    if isinstance(value, int):
        number = value
    else:
        try:
            f = float(value)
        except ValueError:
            f = math.nan
        if not math.isfinite(f) or f != int(f):
            raise doc.fail(where, f"expected a whole number but got {value!r:.60}")
        number = int(f)
    if not lo <= number <= hi:
        raise doc.fail(where, f"expected a whole number from {lo} to {hi} but got {value!r:.60}")
    return number


def list_of(doc: Doc, where: tuple[str | int, ...], value: Any, what: str) -> list[Any]:
    """``value`` when it is a list; None or an empty value gives []; anything else fails."""
    if not value:
        return []
    if not isinstance(value, list):
        raise doc.fail(where, f"expected a list of {what} but got a {type(value).__name__}")
    return value
