"""The fuzzing engine of the reliability tests: hostile values, mutation strategies, a store
fingerprint, and the campaign runner (in worker processes).

Each importer is fuzzed the same way: a Hypothesis strategy mutates small valid seed files of
real rows (``tests/data/reliability``, cut from ``../shared/data`` by ``make_seeds.py``) with
row-level and byte-level edits (truncated rows, hostile cells, duplicated rows, bad UTF-8,
BOMs, NUL bytes, mixed newlines, very long lines, empty files...). Every attempt is ingested
into ONE long-lived store per worker, and then:

* a floorwatch error (a :class:`~floorwatch.errors.FloorwatchError`) must name the file, and
  the store must be exactly as before: every table's row count and a hash of its rows'
  content (the ingest log included) are compared;
* a load must hold what the file says: an oracle per importer (``reliability_oracles``),
  written apart from the importer, reads the file with Python's ``csv``/``json`` and checks
  the stored rows;
* anything else (a ``KeyError``, a DuckDB error, a ``RecursionError``...) is a failure, and
  Hypothesis shrinks the input to a minimal one.

A campaign runs in worker processes (one per core), each with its own store and Hypothesis
seed. Run one from the command line::

    python tests/reliability/reliability_fuzz.py voteview 2000 --seed 7
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

SEEDS = Path(__file__).resolve().parents[1] / "data" / "reliability"

#: A huge field: ten times what a spreadsheet cell holds (32,767 characters).
HUGE = "x" * 327_670

#: Cell values a hostile or careless file holds: wrong types, formula injection (OWASP's CSV
#: injection examples), impossible dates, Unicode names (Urdu, Portuguese, Vietnamese),
#: control characters, quotes, separators and line breaks inside a cell, ids that exist.
HOSTILE_CELLS: tuple[str, ...] = (
    "", " ", "abc", "1.5", "-1", "0", "1e309", "NaN", "inf", "99999999999999999999999",
    "1_000", "١٢٣",
    "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1",
    "0000-00-00", "9999-99-99", "1800-02-30", "2001-02-29", "2001-13-01", "0001-01-01",
    "9999-12-31", "-2001-01-01", "20010101", "2001/06/06", "06/06/2001", "2001-06-06T12:00:00",
    "2001-W23-3", "2001", "2001-06", "0000", "+001",
    "عمران خان", "ڈاکٹر فاروق ستار", "João Conceição Araújo", "Nguyễn Thị Minh Khai",
    "José Ñúñez", "\u202egnp.exe", "\ufeffid",
    "\x00", "a\x00b", '"', '""', "a,b", "a\nb", "a\rb", "a\u2028b", "a\x85b", "a\x0cb", "'",
    "\\", "NULL", "None", "null", "N/A", "true", "True", "yes", "absent", "member",
    "Senate", "President", "House", "107", "14240", "94240", "9", "10",
    "uk-commons", "uk-party-lab", "us-party-200", "bioguide:J000072", "bioguide-J000072",
    "uk-parlparse-10651", "parlparse:uk.org.publicwhip/person/10160",
    HUGE,
)  # fmt: skip

#: Bytes that are not UTF-8 (a Latin-1 'é', a lone continuation byte, an encoded surrogate,
#: an overlong '/', a 5-byte form), plus NUL, BOM, line-break, quote and comma bytes.
BAD_BYTES: tuple[bytes, ...] = (
    b"\xe9", b"\xff", b"\xfe\xff", b"\x80", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf",
    b"\xf8\x88\x80\x80\x80", b"\x00", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n", b'"', b",",
)  # fmt: skip

#: JSON values put where a Popolo object expects something else.
HOSTILE_JSON: tuple[Any, ...] = (
    None, 0, -1, 1.5, 1e308, True, False, "", " ", [], {}, [None], {"id": None}, [1, 2], "x",
    HUGE, "0000-00-00", "9999-99-99", "1800-02-30", "2001-13", "20010101", "2001-W23-3",
    "=cmd|' /C calc'!A0", "@SUM(1+1)", "عمران خان", "João Conceição Araújo", "\x00",
    "a\u2028b", "yes", "absent", "party", "Q7125892", "term/14", "us-senate",
    "bioguide-J000072",
)  # fmt: skip

BOM = b"\xef\xbb\xbf"

#: Attempts per store: a worker starts a new store (with the campaign's baseline) this often.
RENEW = 2_000


# -- seeds -------------------------------------------------------------------------------------
def read_rows(data: bytes) -> list[list[str]]:
    """A CSV file's rows, read the standard way (Python's csv module, any newline)."""
    return [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))]


@dataclass
class Seed:
    """A seed file: its bytes, and its rows when it is a CSV file."""

    data: bytes
    rows: list[list[str]] = field(default_factory=list)
    #: Indices of the columns the importer reads: cell edits pick one of these 4 times in 5
    #: (an edit to a column nobody reads mostly tests nothing, and costs a full load).
    focus: tuple[int, ...] = ()

    @classmethod
    def csv(cls, path: Path, read: tuple[str, ...] = ()) -> Seed:
        data = path.read_bytes()
        rows = read_rows(data)
        head = [h.strip() for h in rows[0]] if rows else []
        return cls(data, rows, tuple(i for i, h in enumerate(head) if h in read))


# -- strategies --------------------------------------------------------------------------------
_ROW_OPS = ("cell", "cell", "cell", "cell", "tweak", "tweak", "swap", "drop_cell", "add_cell",
            "dup_row", "dup_row_edit", "del_row", "truncate", "copy_cell", "blank_line",
            "header", "empty")  # fmt: skip
_BYTE_OPS = ("truncate", "insert", "insert", "flip", "bom", "nul", "cr", "long_line",
             "many_fields", "empty", "only_bom")  # fmt: skip


def _row_op(draw, rows: list[list[str]], focus: tuple[int, ...] = ()) -> None:
    op = draw(st.sampled_from(_ROW_OPS))
    if op == "empty" or not rows:
        rows.clear()
        return
    if op == "header":
        r = 0
    elif op in ("dup_row", "dup_row_edit", "del_row", "copy_cell") and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
    else:
        r = draw(st.integers(0, len(rows) - 1))
    row = rows[r]
    focused = [i for i in focus if i < len(row)]
    if focused and draw(st.integers(0, 4)):
        c = draw(st.sampled_from(focused))
    else:
        c = draw(st.integers(0, max(len(row) - 1, 0)))
    if op in ("cell", "header"):
        value = draw(st.sampled_from(HOSTILE_CELLS))
        if row:
            row[c] = value
        else:
            row.append(value)
    elif op == "tweak" and row:
        # Keep the cell but damage it a little: a prefix, a suffix, a lost character...
        how = draw(st.sampled_from(("prefix", "suffix", "chop", "upper", "pad")))
        extra = draw(st.sampled_from(("=", "+", "-", "@", " ", "0", "x", "é", "ق", "\t", ".5")))
        cell = row[c]
        row[c] = {
            "prefix": extra + cell,
            "suffix": cell + extra,
            "chop": cell[:-1],
            "upper": cell.upper(),
            "pad": f"  {cell}  ",
        }[how]
    elif op == "swap" and len(row) > 1:
        d = draw(st.integers(0, len(row) - 1))
        row[c], row[d] = row[d], row[c]
    elif op == "drop_cell" and row:
        del row[c]
    elif op == "add_cell":
        row.insert(c, draw(st.sampled_from(HOSTILE_CELLS)))
    elif op == "dup_row":
        rows.insert(r, list(row))
    elif op == "dup_row_edit" and row:
        copy = list(row)
        copy[c] = draw(st.sampled_from(HOSTILE_CELLS))
        rows.insert(r + 1, copy)
    elif op == "del_row":
        del rows[r]
    elif op == "truncate":
        del rows[r + 1 :]
    elif op == "copy_cell" and len(rows) > 2:
        other = rows[draw(st.integers(1, len(rows) - 1))]
        if c < len(other) and c < len(row):
            row[c] = other[c]
    elif op == "blank_line":
        rows.insert(r, [])


def _byte_op(draw, data: bytes) -> bytes:
    op = draw(st.sampled_from(_BYTE_OPS))
    n = len(data)
    k = draw(st.integers(0, n)) if n else 0
    if op == "truncate":
        return data[:k]
    if op == "insert":
        return data[:k] + draw(st.sampled_from(BAD_BYTES)) + data[k:]
    if op == "flip" and n:
        k = min(k, n - 1)
        return data[:k] + bytes([draw(st.integers(0, 255))]) + data[k + 1 :]
    if op == "bom":
        return BOM + data
    if op == "nul":
        return data[:k] + b"\x00" + data[k:]
    if op == "cr":
        return data.replace(b"\n", b"\r") if draw(st.booleans()) else data.replace(b"\n", b"\r\n")
    if op == "long_line":
        return data + b"y" * 1_000_000 + b"\n"
    if op == "many_fields":
        return data + b"," * 100_000 + b"\n"
    if op == "empty":
        return b""
    if op == "only_bom":
        return BOM
    return data


def _write_rows(draw, rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n", "mixed")))
    if newline == "\r\n":
        text = text.replace("\n", "\r\n")
    elif newline == "mixed" and rows:
        i = draw(st.integers(0, len(rows) - 1))
        lines = text.split("\n")
        if i < len(lines) - 1:
            lines[i] += "\r"
        text = "\n".join(lines)
    return text.encode("utf-8")


@st.composite
def csv_inputs(draw, seed: Seed) -> bytes:
    """A mutation of a CSV seed: 0-3 row-level edits, a newline style, 0-2 byte-level edits
    (at least one edit in all)."""
    rows = [list(r) for r in seed.rows]
    n_rows = draw(st.integers(0, 3))
    for _ in range(n_rows):
        _row_op(draw, rows, seed.focus)
    data = _write_rows(draw, rows)
    for _ in range(draw(st.integers(0 if n_rows else 1, 2))):
        data = _byte_op(draw, data)
    return data


def _json_paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_json_paths(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_json_paths(v, (*path, i)))
    return out


def _get(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


@st.composite
def json_inputs(draw, seeds: list[Any]) -> bytes:
    """A mutation of a JSON seed: 0-3 tree edits, a serialisation, 0-2 byte edits."""
    doc = _copy(draw(st.sampled_from(seeds)))
    n_tree = draw(st.integers(0, 3))
    for _ in range(n_tree):
        paths = _json_paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(("replace", "replace", "replace", "delete", "dup", "copy",
                                   "wrap")))  # fmt: skip
        if not path:
            if op == "replace":
                doc = _copy(draw(st.sampled_from(HOSTILE_JSON)))
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        if op == "replace":
            parent[key] = _copy(draw(st.sampled_from(HOSTILE_JSON)))
        elif op == "delete":
            del parent[key]
        elif op == "dup" and isinstance(parent, list):
            parent.insert(key, _copy(parent[key]))
        elif op == "copy":
            # Give this place another place's value: duplicate ids, crossed references.
            donor = draw(st.sampled_from(paths))
            with contextlib.suppress(KeyError, IndexError, TypeError):
                parent[key] = _copy(_get(doc, donor))
        elif op == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"value": parent[key]}
    style = draw(st.sampled_from(("compact", "indent", "indent", "ascii", "dupkey", "deep")))
    if style == "ascii":
        text = json.dumps(doc, ensure_ascii=True)
    elif style == "compact":
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    elif style == "dupkey" and isinstance(doc, dict) and doc:
        # A duplicate key (JSON parsers keep the last value).
        first = next(iter(doc))
        text = json.dumps(doc, ensure_ascii=False)
        text = "{" + json.dumps(first) + ': "shadowed", ' + text[1:]
    elif style == "deep" and isinstance(doc, dict):
        depth = draw(st.sampled_from((50, 5_000, 200_000)))
        text = json.dumps(doc, ensure_ascii=False)
        text = text[:-1] + (", " if doc else "") + '"deep": ' + "[" * depth + "]" * depth + "}"
    else:
        text = json.dumps(doc, ensure_ascii=False, indent=1)
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(0 if n_tree else 1, 2))):
        data = _byte_op(draw, data)
    return data


# -- checks ------------------------------------------------------------------------------------
class Fingerprint:
    """Per table of a store: its row count and a hash of its rows' content (one query).

    ``fingerprint()`` covers every table; ``fingerprint(hashed)`` counts every table but
    hashes only the tables in ``hashed`` (the rest get hash None), which is cheaper.

    The query runs on a connection of its own to the store's database, as a prepared statement
    planned without the optimizer: the plan of the union of every table then survives the
    temporary tables an importer creates and drops on the store's connection (~2 ms a call
    instead of ~6). That connection sees committed rows only, so each call first checks that
    the store's connection holds no open transaction (an ingest commits or rolls back).
    """

    def __init__(self, store) -> None:
        self.store = store
        self.tables = [
            r[0]
            for r in store.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        self._sql: dict[frozenset | None, str] = {}
        self._prepared: dict[frozenset | None, str] = {}
        self.con = store.raw_connection().cursor()
        self.con.execute("PRAGMA disable_optimizer")

    def sql(self, hashed: frozenset | None) -> str:
        if hashed not in self._sql:
            self._sql[hashed] = " UNION ALL ".join(
                f"SELECT '{t}' AS t, count(*) AS n, "
                + ("sum(hash(x)::HUGEINT)" if hashed is None or t in hashed else "NULL")
                + f" AS h FROM {t} x"
                for t in self.tables
            )
        return self._sql[hashed]

    def __call__(self, hashed: frozenset | None = None) -> dict[str, tuple[int, Any]]:
        import duckdb

        try:
            self.store.raw_connection().execute("COMMIT")
        except duckdb.TransactionException:
            pass  # no transaction open: what this connection sees is the store
        else:
            raise AssertionError("the ingest left a transaction open on the store")
        if hashed not in self._prepared:
            name = f"_fw_fingerprint_{len(self._prepared)}"
            self.con.execute(f"PREPARE {name} AS {self.sql(hashed)}")
            self._prepared[hashed] = name
        rows = self.con.execute(f"EXECUTE {self._prepared[hashed]}").fetchall()
        return {t: (n, h) for t, n, h in rows}

    def close(self) -> None:
        self.con.close()

    @staticmethod
    def changed(before: dict, after: dict) -> list[str]:
        """Tables whose count, or (where both hashed) content, differs."""
        out = []
        for t, (n, h) in after.items():
            n0, h0 = before[t]
            if n != n0 or (h is not None and h0 is not None and h != h0):
                out.append(t)
        return out


@dataclass
class Stats:
    """What one campaign (or one worker of it) did."""

    campaign: str
    tried: int = 0
    errors: int = 0
    loads: int = 0
    seconds: float = 0.0
    messages: dict[str, int] = field(default_factory=dict)
    slowest: list = field(default_factory=list)
    failure: str | None = None

    def merge(self, other: Stats) -> None:
        self.tried += other.tried
        self.errors += other.errors
        self.loads += other.loads
        self.seconds = max(self.seconds, other.seconds)
        msgs = Counter(self.messages)
        msgs.update(other.messages)
        self.messages = dict(msgs)
        self.failure = self.failure or other.failure
        self.slowest = sorted(self.slowest + [tuple(x) for x in other.slowest], reverse=True)[:3]

    def report(self) -> str:
        rate = self.tried / self.seconds if self.seconds else 0.0
        top = "; ".join(f"{m} ({n})" for m, n in Counter(self.messages).most_common(8))
        return (
            f"{self.campaign}: {self.tried} inputs in {self.seconds:.0f} s ({rate:.0f}/s): "
            f"{self.errors} floorwatch errors, {self.loads} checked loads. Top errors: {top}. "
            f"Slowest: {self.slowest}"
        )


def error_kind(exc: BaseException) -> str:
    """A short label for an error message (class and first words), for the statistics."""
    text = getattr(exc, "problem", None) or str(exc)
    words = text.split(":")[0].split("(")[0].split("'")[0].split('"')[0].split()
    return type(exc).__name__ + ": " + " ".join(words[:5])


@dataclass
class Attempt:
    """One input: the files to write (name -> bytes) and the importer's options."""

    files: dict[str, bytes]
    options: dict[str, Any] = field(default_factory=dict)


#: How an attempt's files are written: as they are (three times in five), gzip-compressed
#: (the importers read gzip by its magic bytes, whatever the file's name), or gzip cut short
#: (a damaged download: must be a clear error naming the file, the store untouched).
PACKINGS = ("plain", "plain", "plain", "gzip", "gzip-cut")


def pack(data: bytes, packing: str) -> bytes:
    if packing == "plain":
        return data
    packed = gzip.compress(data, mtime=0)
    return packed if packing == "gzip" else packed[: max(2, len(packed) // 2)]


class Runner:
    """Runs attempts against one long-lived store and checks each outcome."""

    def __init__(self, campaign, workdir: Path) -> None:
        import floorwatch

        self.campaign = campaign
        self.workdir = workdir
        self.store = floorwatch.open(":memory:")
        self.store.execute("SET threads = 1")
        campaign.setup(self.store)
        self.fingerprint = Fingerprint(self.store)
        self.state = self.fingerprint()
        self.stats = Stats(campaign.name)
        self.last: Attempt | None = None

    def _timed(self, t0: float, attempt: Attempt, exc: BaseException | None) -> None:
        took = time.perf_counter() - t0
        slow = self.stats.slowest
        if len(slow) < 3 or took > slow[-1][0]:
            slow.append((round(took, 3), _describe(attempt, exc)))
            slow.sort(reverse=True)
            del slow[3:]

    def renew(self) -> None:
        """A new store (every ``RENEW`` attempts: bounds memory and the cost of hashing)."""
        import floorwatch

        self.fingerprint.close()
        self.store.close()
        self.store = floorwatch.open(":memory:")
        self.store.execute("SET threads = 1")
        self.campaign.setup(self.store)
        self.fingerprint = Fingerprint(self.store)
        self.state = self.fingerprint()

    def __call__(self, attempt: Attempt, packing: str = "plain") -> None:
        from floorwatch.errors import FloorwatchError

        if self.stats.tried and self.stats.tried % RENEW == 0:
            self.renew()

        paths = {}
        for name, data in attempt.files.items():
            p = self.workdir / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(pack(data, packing))
            paths[name] = p
        self.stats.tried += 1
        self.last = attempt
        t0 = time.perf_counter()
        try:
            result = self.campaign.run(self.store, self.workdir, paths, attempt)
        except FloorwatchError as exc:
            self._timed(t0, attempt, exc)
            self.stats.errors += 1
            kind = error_kind(exc)
            self.stats.messages[kind] = self.stats.messages.get(kind, 0) + 1
            text = str(exc)
            named = any(str(p) in text or p.name in text for p in paths.values())
            named = named or str(self.workdir) in text
            assert named, f"the error does not name the file: {text[:300]!r}"
            writes = getattr(self.campaign, "writes", lambda a: None)(attempt)
            after = self.fingerprint(frozenset((*writes, "ingest_log")) if writes else None)
            changed = Fingerprint.changed(self.state, after)
            assert not changed, f"partial write to {changed} after the error {text[:300]!r}"
            return
        self._timed(t0, attempt, None)
        self.stats.loads += 1
        # Hash what an error is compared on (every table is counted); with writes that vary
        # by attempt, every table.
        tables = getattr(self.campaign, "always_writes", None)
        self.state = self.fingerprint(frozenset((*tables, "ingest_log")) if tables else None)
        self.campaign.check(self.store, paths, attempt, result)


def _describe(attempt: Attempt, exc: BaseException | None) -> str:
    sizes = ", ".join(f"{n} {len(d)} B" for n, d in attempt.files.items())
    return f"{sizes}: {error_kind(exc) if exc else 'load'}"


def _clip(text: str, width: int = 400) -> str:
    return "\n".join(
        ln if len(ln) <= width else ln[:width] + "...[clipped]" for ln in text.split("\n")
    )


def run_campaign(name: str, examples: int, seed: int) -> Stats:
    """Run ``examples`` Hypothesis examples of campaign ``name`` in this process."""
    from reliability_oracles import CAMPAIGNS

    campaign = CAMPAIGNS[name](SEEDS)
    with tempfile.TemporaryDirectory(prefix=f"fw-fuzz-{name}-") as tmp:
        runner = Runner(campaign, Path(tmp))

        @hypothesis_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=(Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )
        @given(campaign.inputs(), st.sampled_from(PACKINGS))
        def fuzz(attempt: Attempt, packing: str) -> None:
            runner(attempt, packing)

        t0 = time.perf_counter()
        try:
            fuzz()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent test
            notes = "\n".join(getattr(exc, "__notes__", []))
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            runner.stats.failure = _clip(f"{tb}\n{notes}")
            keep = os.environ.get("FLOORWATCH_FUZZ_KEEP")
            if keep and runner.last is not None:  # Hypothesis ran the minimal input last
                out = Path(keep) / f"{name}-{seed}"
                for fname, data in runner.last.files.items():
                    (out / fname).parent.mkdir(parents=True, exist_ok=True)
                    (out / fname).write_bytes(data)
                (out / "options.json").write_text(json.dumps(runner.last.options))
        runner.stats.seconds = time.perf_counter() - t0
        runner.fingerprint.close()
        runner.store.close()
        return runner.stats


def run_parallel(name: str, examples: int, *, workers: int = 2, seed: int = 0) -> Stats:
    """Run a campaign of ``examples`` inputs split over ``workers`` processes."""
    here = Path(__file__).resolve()
    per = -(-examples // workers)
    with tempfile.TemporaryDirectory(prefix="fw-fuzz-out-") as tmp:
        procs = []
        for w in range(workers):
            out = Path(tmp) / f"{w}.json"
            cmd = [sys.executable, str(here), name, str(per), "--seed", str(seed + w),
                   "--out", str(out)]  # fmt: skip
            procs.append((subprocess.Popen(cmd, cwd=here.parent), out))
        total = Stats(name)
        for proc, out in procs:
            proc.wait()
            if not out.exists():
                total.failure = total.failure or f"worker exited with {proc.returncode}"
                continue
            total.merge(Stats(**json.loads(out.read_text(encoding="utf-8"))))
    return total


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Run one fuzzing campaign in this process.")
    parser.add_argument("campaign")
    parser.add_argument("examples", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    stats = run_campaign(args.campaign, args.examples, args.seed)
    text = json.dumps(asdict(stats), ensure_ascii=False)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(stats.report())
        if stats.failure:
            print(stats.failure)
    return 1 if stats.failure else 0


#: Examples per importer in the test suite (fixed seed; ``$FLOORWATCH_FUZZ_EXAMPLES``
#: overrides). The full campaign, 10,000 per importer with a fresh seed, is ``./run fuzz``.
FUZZ_EXAMPLES = int(os.environ.get("FLOORWATCH_FUZZ_EXAMPLES", "400"))

Check = Callable[..., None]

if __name__ == "__main__":
    sys.exit(main())
