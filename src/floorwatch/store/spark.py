"""Spark SQL as an :class:`~floorwatch.store.engine.Engine` over a Parquet store.

Each statement, written in DuckDB's dialect with DuckDB's parameters (``?``, ``$name``), is
translated once by SQLGlot into Spark SQL (cached by its text) with the parameters kept as
parameter markers (``?``, ``:name``), and run with ``spark.sql(sql, args=...)``: values are
bound by Spark, never pasted into SQL text.

Spark inlines a CTE at each reference (DuckDB materialises one read more than once), so before
a statement runs, the CTEs it would evaluate more than once that read ``vote`` are run once
each and cached, as temporary views the statement then reads (:mod:`floorwatch.store.ctesplit`;
``SparkEngine.materialise = False`` runs the statement as one plan). The caches are dropped
once the result is collected. :attr:`SparkEngine.plans` keeps the plans that ran, those that
filled the caches too, with the file scans each ran (:func:`vote_scans`).

The session is local (``local[2]``) unless ``FLOORWATCH_SPARK_MASTER`` names another master or a
session already runs (``spark-submit`` on a cluster: :func:`spark_session` then returns it).
Every store opened gets its own session (``newSession``: its own temporary views) on one
shared Spark context.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from floorwatch.errors import StoreError
from floorwatch.store.ctesplit import Part, split_statement

__all__ = [
    "ExecutedPlan",
    "SparkEngine",
    "file_scans",
    "java_problem",
    "spark_session",
    "to_spark_sql",
    "vote_scans",
]

_SESSION: Any = None
_VIEW_IDS = itertools.count()


def java_problem() -> str | None:
    """Why Spark cannot start here (no Java runtime), or None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return None
    if shutil.which("java"):
        return None
    return (
        "Spark needs a Java runtime (17 or 21) and none was found: install one "
        "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def spark_session(master: str | None = None, *, shuffle_partitions: int | None = None) -> Any:
    """The Spark session floorwatch uses: an active one (e.g. under ``spark-submit``), else a
    new one on ``master`` (default ``$FLOORWATCH_SPARK_MASTER`` or ``local[2]``).

    Raises
    ------
    StoreError
        pyspark is not installed, or there is no Java runtime.
    """
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - pyspark is a dependency
        raise StoreError("the Spark engine needs pyspark: pip install pyspark") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSION = active
        return active
    problem = java_problem()
    if problem:
        raise StoreError(problem)
    # The workers of applyInPandas must import floorwatch: run them with this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = master or os.environ.get("FLOORWATCH_SPARK_MASTER", "local[2]")
    parts = shuffle_partitions or int(os.environ.get("FLOORWATCH_SPARK_PARTITIONS", "8"))
    builder = (
        SparkSession.builder.master(master)
        .appName("floorwatch")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(parts))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.driver.memory", os.environ.get("FLOORWATCH_SPARK_MEMORY", "4g"))
        .config("spark.sql.adaptive.enabled", "true")
    )
    import warnings

    try:
        with warnings.catch_warnings():  # pyspark's warning about pandas 3
            warnings.simplefilter("ignore", FutureWarning)
            session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start
        raise StoreError(f"Spark did not start: {str(exc).splitlines()[0]}") from None
    session.sparkContext.setLogLevel("OFF")  # failures are raised, not logged
    _SESSION = session
    return session


def _params_to_markers(expression: Any) -> Any:
    """DuckDB's ``$name`` parameters as Spark's ``:name`` markers (``?`` stays ``?``)."""
    from sqlglot import exp

    def swap(node: Any) -> Any:
        if isinstance(node, exp.Parameter):
            inner = node.this
            name = inner.name if isinstance(inner, exp.Expression) else str(inner)
            return exp.Placeholder(this=name)
        return node

    return expression.transform(swap)


@functools.lru_cache(maxsize=512)
def to_spark_sql(sql: str) -> str:
    """``sql`` (DuckDB's dialect) in Spark SQL, parameters as markers; cached per text.

    Raises
    ------
    StoreError
        SQLGlot cannot parse or translate the statement.
    """
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        return _params_to_markers(tree).sql(dialect="spark", unsupported_level="raise")
    except SqlglotError as exc:
        raise StoreError(f"cannot translate the statement for Spark: {exc}") from None


def _bindable(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    return value


_SCAN = re.compile(r"FileScan parquet [^\n]*?Location: \w+(?:\(\d+ paths?\))? ?\[([^\]]*)\]")


@dataclass(frozen=True)
class ExecutedPlan:
    """A physical plan Spark ran: its text (``str()``) and the root paths of each file scan
    it ran (read from the plan's tree, see :func:`file_scans`)."""

    text: str
    scans: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        return self.text


def file_scans(plan: Any) -> tuple[tuple[str, ...], ...]:
    """The root paths of each file scan an executed physical plan (a JVM ``SparkPlan``) ran:
    adaptive plans by their final plan, query stages by their plan; a reused exchange or
    subquery is not a scan, nor is a read of a cached relation (its scans ran when the cache
    was filled)."""
    found = []
    todo = [plan]
    while todo:
        node = todo.pop()
        kind = node.getClass().getSimpleName()
        if kind == "AdaptiveSparkPlanExec":
            todo.append(node.executedPlan())
            continue
        if kind.endswith("QueryStageExec"):
            todo.append(node.plan())
            continue
        if kind in ("ReusedExchangeExec", "ReusedSubqueryExec", "InMemoryTableScanExec"):
            continue
        if kind == "FileSourceScanExec":
            paths = node.relation().location().rootPaths()
            found.append(tuple(str(paths.apply(i).toString()) for i in range(paths.size())))
        for seq in (node.children(), node.subqueries()):
            todo += [seq.apply(i) for i in range(seq.size())]
    return tuple(found)


def _executed(plan: Any) -> ExecutedPlan:
    return ExecutedPlan(plan.toString(), file_scans(plan))


def _final(plan: str) -> str:
    """The plan without the ``== Initial Plan ==`` parts that adaptive execution prints beside
    the plan it ran."""
    kept, skip = [], None
    for line in plan.splitlines():
        indent = len(line) - len(line.lstrip(" +-:|"))
        if skip is not None and indent >= skip:
            continue
        skip = None
        if "== Initial Plan ==" in line:  # its tree starts at the indent of its title
            skip = indent
            continue
        kept.append(line)
    return "\n".join(kept)


def _is_table(path: str, table: str) -> bool:
    path = path.strip().rstrip("/")
    return path.endswith("/" + table) or path.endswith("/" + table + ".parquet")


def vote_scans(plan: ExecutedPlan | str, table: str = "vote") -> int:
    """How many file scans of ``table`` a Spark physical plan ran (a reused exchange is not a
    scan, nor is a read of a cached relation).

    An :class:`ExecutedPlan` (as :attr:`SparkEngine.plans` holds) is counted from its tree. A
    plan's text is counted from the text, leaving out the initial plan that adaptive
    execution prints beside the final one; that is exact only for a plan without cached
    relations (Spark prints their plans under them, and nested adaptive plans with a broken
    indent).
    """
    if isinstance(plan, ExecutedPlan):
        return sum(any(_is_table(p, table) for p in paths) for paths in plan.scans)
    n = 0
    for m in _SCAN.finditer(_final(plan)):
        if any(_is_table(p, table) for p in m.group(1).split(",")):
            n += 1
    return n


def _cached_plan(frame: Any) -> Any:
    """The physical plan (JVM) that filled the cache of ``frame`` (cached, counted)."""
    jdf = frame._jdf
    found = jdf.sparkSession().sharedState().cacheManager().lookupCachedData(jdf)
    if found.isDefined():
        return found.get().cachedRepresentation().cachedPlan()
    return jdf.queryExecution().executedPlan()  # pragma: no cover


class SparkEngine:
    """Spark SQL over the Parquet store in ``folder`` (``manifest``: its checked manifest)."""

    name = "spark"

    def __init__(
        self, folder: str | os.PathLike[str], manifest: dict[str, Any], session: Any = None
    ) -> None:
        self.folder = Path(folder).resolve()
        root = session or spark_session()
        self.spark = root.newSession()
        self._tables = list(manifest["tables"])
        #: The physical plans of the statements run (after running), newest last; the
        #: scaling benchmark counts the scans of ``vote`` in them (:func:`vote_scans`).
        self.plans: list[ExecutedPlan] = []
        #: Run the CTEs of a statement that Spark would evaluate more than once and that read
        #: ``vote`` once each, cached, before the statement (False: one plan, as written).
        self.materialise = True
        for table, spec in manifest["tables"].items():
            self._view(table, spec)

    def _view(self, table: str, spec: dict[str, Any]) -> None:
        from pyspark.sql import functions as F

        cols = [c for c, _ in spec["columns"]]
        base = self.folder / spec["path"]
        partitioned = bool(spec.get("partition"))
        if partitioned and (not base.is_dir() or not any(base.rglob("*.parquet"))):
            ddl = ", ".join(f"CAST(NULL AS {_spark_type(t)}) AS `{c}`" for c, t in spec["columns"])
            frame = self.spark.sql(f"SELECT {ddl}").where(F.lit(False))
        else:
            frame = self.spark.read.parquet(str(base)).select(*[F.col(f"`{c}`") for c in cols])
        frame.createOrReplaceTempView(table)

    def _frame(self, sql: str, params: Any) -> Any:
        text = to_spark_sql(sql)
        if params:
            if isinstance(params, dict):
                args: Any = {k: _bindable(v) for k, v in params.items()}
            else:
                args = [_bindable(v) for v in params]
            return self.spark.sql(text, args=args)
        return self.spark.sql(text)

    @contextlib.contextmanager
    def _statement(
        self, sql: str, params: Any, plans: list[ExecutedPlan] | None = None
    ) -> Iterator[Any]:
        """The frame of ``sql``, its CTEs that would read ``vote`` more than once run first
        and cached as temporary views (:mod:`floorwatch.store.ctesplit`); the views are
        dropped and uncached on leaving. The plans that filled the caches go to ``plans``."""
        split = split_statement(to_spark_sql(sql)) if self.materialise else None
        if split is None:
            yield self._frame(sql, params)
            return
        values: dict[str, Any] = {}
        if split.positional is not None:
            seq = list(params or [])
            if len(seq) != len(split.positional):
                raise StoreError(
                    f"the statement has {len(split.positional)} parameter markers (?) but "
                    f"{len(seq)} values were given"
                )
            values = {k: _bindable(seq[i]) for k, i in split.positional.items()}
        elif isinstance(params, dict):
            values = {k: _bindable(v) for k, v in params.items()}
        tag = next(_VIEW_IDS)
        views = {name: f"fw_cte_{tag}_{name}" for name in split.materialise}
        parts, final = split.render(views)
        cached: list[tuple[str, Any]] = []
        try:
            for part in parts:
                frame = self._part_frame(part, values).cache()
                cached.append((views[part.name], frame))
                frame.count()  # fills the cache: the CTE's one read of its tables
                frame.createOrReplaceTempView(views[part.name])
                if plans is not None:
                    plans.append(_executed(_cached_plan(frame)))
            yield self._part_frame(final, values)
        finally:
            for view, frame in reversed(cached):
                self.spark.catalog.dropTempView(view)
                frame.unpersist()

    def _part_frame(self, part: Part, values: dict[str, Any]) -> Any:
        missing = [k for k in part.params if k not in values]
        if missing:  # as Spark would say, but naming the statement's markers
            raise StoreError(f"no value bound for the parameter(s) {', '.join(missing)}")
        if part.params:
            return self.spark.sql(part.sql, args={k: values[k] for k in part.params})
        return self.spark.sql(part.sql)

    def arrow(self, sql: str, params: Any) -> pa.Table:
        plans: list[ExecutedPlan] = []
        try:
            with self._statement(sql, params, plans) as frame:
                table = frame.toArrow()
                plans.append(_executed(frame._jdf.queryExecution().executedPlan()))
        except StoreError:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            first = first if len(first) < 300 else first[:300] + "..."
            raise StoreError(f"{self.folder}: Spark query failed: {first}") from exc
        self.plans.extend(plans)
        del self.plans[:-64]
        return table

    def map_groups(
        self, sql: str, params: Any, by: list[str], func: Any, schema: list[tuple[str, str]]
    ) -> Any:
        """``func`` on each group of rows of ``sql`` (by ``by``), inside Spark
        (``applyInPandas``); the results as one pandas DataFrame."""
        import warnings

        ddl = ", ".join(f"`{c}` {t}" for c, t in schema)
        with warnings.catch_warnings():  # pyspark's on a partial's type hints and pandas 3
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", FutureWarning)
            with self._statement(sql, params) as ballots:
                frame = ballots.groupBy(*by).applyInPandas(func, schema=ddl)
                return frame.toArrow().to_pandas()

    def register(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def tables(self) -> list[str]:
        return list(self._tables)

    def close(self) -> None:
        for table in self._tables:
            self.spark.catalog.dropTempView(table)


def _spark_type(duckdb_type: str) -> str:
    t = duckdb_type.upper()
    return {"VARCHAR": "STRING", "HUGEINT": "DECIMAL(38,0)"}.get(t, t)
