"""Reading input files, plain or gzip-compressed.

Every importer reads its files through these functions, so a ``.csv.gz`` (or ``.json.gz``)
file loads exactly as the plain file would. A file is taken as gzip by its first two bytes
(``1f 8b``), whatever its name; DuckDB's CSV reader is told the same.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from pathlib import Path

from floorwatch.errors import InputError

__all__ = ["csv_compression", "is_gzip", "open_text", "read_bytes"]

_GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with gzip's magic bytes."""
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def csv_compression(path: str | os.PathLike[str]) -> str:
    """DuckDB's ``compression`` option for reading ``path``: ``'gzip'`` or ``'none'``."""
    return "gzip" if is_gzip(path) else "none"


def _gunzip(path: str | os.PathLike[str], raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"not a readable gzip file ({exc}); compress it again with gzip, or give the "
            "plain file",
            file=path,
        ) from None


def read_bytes(path: str | os.PathLike[str], raw: bytes | None = None) -> bytes:
    """The content of ``path``, decompressed if it is gzip. ``raw``: its bytes, if read."""
    data = Path(path).read_bytes() if raw is None else raw
    if data[:2] == _GZIP_MAGIC:
        return _gunzip(path, data)
    return data


def open_text(path: str | os.PathLike[str]) -> io.TextIOBase:
    """Open ``path`` for reading text as UTF-8 (a BOM dropped, newlines kept as they are),
    decompressing gzip on the fly."""
    if is_gzip(path):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - the caller closes it
