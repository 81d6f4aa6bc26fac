"""A Spark SQL statement split into the common table expressions worth running once and the
rest, for :class:`~floorwatch.store.spark.SparkEngine`.

Spark inlines a CTE at every reference, so a CTE read from three places reads its tables
three times (``ballot`` in the metrics: the ``vote`` table each time); DuckDB materialises a
CTE referenced more than once. :func:`split_statement` picks the CTEs of the statement's
top-level ``WITH`` that Spark would evaluate more than once and that read ``vote`` (directly or
through other CTEs), and :meth:`Split.render` gives, for the temporary view names chosen by
the engine, one statement per such CTE (``WITH <the CTEs it needs> ... SELECT * FROM cte``, in
definition order: a later one reads the views of the earlier ones) and the statement itself
reading the views instead of the CTEs. The engine caches each part as a view, runs the
statement, and drops the views.

How often a CTE is evaluated: once per reference in the main query, plus, for each CTE
referencing it, that CTE's count times the references (a materialised CTE counts once).
Deciding from the last CTE back to the first, a CTE is materialised when the count is above
one and it reads ``vote``; so a CTE read only by one materialised CTE is not (``vr`` under
``bal0``), and one read by two is (``bal0`` under ``nogroup`` and ``ballot``).

Parameters: named markers (``:name``) stay; positional ones (``?``) are named ``fwp0``,
``fwp1``... in the order of the statement's text (:attr:`Split.positional` gives each name's
position among the values), so each part binds the values it uses by name.

A statement is not split (:func:`split_statement` returns None) when it has no top-level
``WITH``, a recursive one, a ``WITH`` nested in it, both kinds of markers, or no CTE to
materialise.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MATERIALISED_TABLES", "Part", "Split", "split_statement"]

#: The store tables whose CTEs are worth materialising: a CTE evaluated more than once that
#: reads one of these (directly or through another CTE) is run once.
MATERIALISED_TABLES = frozenset({"vote"})

_POSITIONAL = "fwp"


@dataclass(frozen=True)
class Part:
    """One statement to run: its Spark SQL and the names of the parameters it uses."""

    name: str
    sql: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """A statement with the CTEs to materialise (see the module docstring)."""

    tree: Any
    #: The CTEs to run once, in definition order (lower case).
    materialise: tuple[str, ...]
    #: Positional markers only: the values' position of each marker name (``fwp0``...).
    positional: Mapping[str, int] | None

    def render(self, views: Mapping[str, str]) -> tuple[list[Part], Part]:
        """The parts (one per CTE in :attr:`materialise`, reading the earlier ones from
        ``views``, CTE name -> temporary view name) and the final statement."""
        from sqlglot import exp

        ctes = {_name(c): c for c in self.tree.args["with_"].expressions}
        order = list(ctes)
        mat = set(self.materialise)
        parts = []
        for name in self.materialise:
            cte = ctes[name]
            body = _rename(_inline(cte.this, ctes, views), views)
            columns = cte.args["alias"].columns
            if columns:
                alias = exp.TableAlias(
                    this=exp.to_identifier(name), columns=[c.copy() for c in columns]
                )
                body = exp.select("*").from_(exp.Subquery(this=body, alias=alias))
            parts.append(_part(name, body.copy()))
        final = self.tree.copy()
        final.set("with_", None)
        needed = _closure(final, ctes, mat)
        final = _rename(final, views)
        if needed:
            final.set(
                "with_",
                exp.With(expressions=[_rename(ctes[n], views) for n in order if n in needed]),
            )
        return parts, _part("", final)


def _name(cte: Any) -> str:
    return cte.alias_or_name.lower()


def _part(name: str, stmt: Any) -> Part:
    from sqlglot import exp

    params = sorted({str(p.this) for p in stmt.find_all(exp.Placeholder)})
    return Part(name, stmt.sql(dialect="spark", unsupported_level="raise"), tuple(params))


def _tables(node: Any) -> list[str]:
    """The unqualified table names ``node`` reads (lower case), once per reference."""
    from sqlglot import exp

    return [
        t.name.lower()
        for t in node.find_all(exp.Table)
        if not t.args.get("db") and not t.args.get("catalog") and t.name
    ]


def _closure(node: Any, ctes: Mapping[str, Any], mat: set[str]) -> set[str]:
    """The CTEs (not materialised) that ``node`` needs, directly or through each other."""
    todo = [t for t in _tables(node) if t in ctes and t not in mat]
    seen: set[str] = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo += [t for t in _tables(ctes[n].this) if t in ctes and t not in mat]
    return seen


def _inline(node: Any, ctes: Mapping[str, Any], views: Mapping[str, str]) -> Any:
    """A copy of ``node`` with the CTEs not in ``views`` it reads written in place, as
    subqueries (a cached part must not hold CTEs: Spark then does not match its plan inside a
    statement with a ``WITH``, and reads the tables again)."""
    from sqlglot import exp

    def swap(n: Any) -> Any:
        name = n.name.lower() if isinstance(n, exp.Table) else ""
        if name in ctes and name not in views and not n.args.get("db"):
            cte = ctes[name]
            alias = n.args.get("alias")
            columns = (alias.columns if alias else None) or cte.args["alias"].columns
            label = alias.name if alias and alias.name else n.name
            body = _inline(cte.this, ctes, views)
            return exp.Subquery(
                this=body,
                alias=exp.TableAlias(
                    this=exp.to_identifier(label), columns=[c.copy() for c in columns]
                ),
            )
        return n

    return node.transform(swap)


def _rename(node: Any, views: Mapping[str, str]) -> Any:
    """A copy of ``node`` reading ``views[cte]`` where it read a materialised CTE (aliased by
    the CTE's name when it had no alias, so qualified columns still resolve)."""
    from sqlglot import exp

    def swap(n: Any) -> Any:
        if (
            isinstance(n, exp.Table)
            and not n.args.get("db")
            and not n.args.get("catalog")
            and n.name.lower() in views
        ):
            new = n.copy()
            new.set("this", exp.to_identifier(views[n.name.lower()]))
            if not n.args.get("alias"):
                new.set("alias", exp.TableAlias(this=exp.to_identifier(n.name)))
            return new
        return n

    return node.transform(swap)


def _name_positional(tree: Any) -> dict[str, int] | None:
    """Name the positional markers of ``tree`` (in place) ``fwp0``, ``fwp1``... in the order
    of the statement's text; their positions, or None when the text does not show each once."""
    from sqlglot import exp

    marks = [p for p in tree.find_all(exp.Placeholder) if not p.this]
    for i, p in enumerate(marks):  # provisional names, to find their order in the text
        p.set("this", f"{_POSITIONAL}q{i}")
    text = tree.sql(dialect="spark")
    order = [int(i) for i in re.findall(rf":{_POSITIONAL}q(\d+)\b", text)]
    if sorted(order) != list(range(len(marks))):
        return None
    for pos, i in enumerate(order):
        marks[i].set("this", f"{_POSITIONAL}{pos}")
    return {f"{_POSITIONAL}{pos}": pos for pos in range(len(order))}


@functools.lru_cache(maxsize=512)
def split_statement(spark_sql: str) -> Split | None:
    """``spark_sql`` (Spark's dialect) split around the CTEs to materialise, or None (see the
    module docstring); cached per text. Do not change the returned tree."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(spark_sql, read="spark")
    except SqlglotError:
        return None
    with_ = tree.args.get("with_")
    if not isinstance(with_, exp.With) or with_.args.get("recursive"):
        return None
    if any(w is not with_ for w in tree.find_all(exp.With)):
        return None
    marks = list(tree.find_all(exp.Placeholder))
    named = [p for p in marks if p.this]
    positional = None
    if len(named) < len(marks):
        if named:
            return None
        positional = _name_positional(tree)
        if positional is None:
            return None
    ctes = {_name(c): c for c in with_.expressions}
    if len(ctes) < len(with_.expressions):
        return None
    order = list(ctes)
    refs = {n: Counter(t for t in _tables(c.this) if t in ctes) for n, c in ctes.items()}
    main = tree.copy()
    main.set("with_", None)
    main_refs = Counter(t for t in _tables(main) if t in ctes)
    reads: dict[str, bool] = {}
    for n in order:  # a CTE reads only earlier ones
        own = {t for t in _tables(ctes[n].this) if t not in ctes}
        reads[n] = bool(own & MATERIALISED_TABLES) or any(reads.get(d, False) for d in refs[n])
    uses: dict[str, int] = {}
    mat: set[str] = set()
    for n in reversed(order):
        uses[n] = main_refs[n] + sum(
            refs[d][n] * (1 if d in mat else uses[d]) for d in order if d in uses and n in refs[d]
        )
        if uses[n] > 1 and reads[n]:
            mat.add(n)
    if not mat:
        return None
    return Split(tree, tuple(n for n in order if n in mat), positional)
