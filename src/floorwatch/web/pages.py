"""The dashboard's pages: what each one builds, how it is drawn, and the rendered-page cache.

A page is named by ``(kind, key, as_of)``: the kind (``member``), its key (a person id, or
``""``) and the as-of date the user asked for (None: the store's last date). :data:`PAGES`,
the one page registry, gives each kind its address, its JSON twin's address, its template,
its response model and its builder; the app's routes are made from it. The *model* comes
from the builder (:mod:`floorwatch.web.data`, :mod:`floorwatch.web.member`,
:mod:`floorwatch.web.watch`) over a short-lived read-only connection; the HTML
(Jinja2 template plus server-rendered SVG charts) and the JSON twin (the model validated by
its response model) are rendered from the model and cached as bytes until the store changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from floorwatch import __version__
from floorwatch.dates import past_end
from floorwatch.errors import FloorwatchError, NotFoundError
from floorwatch.store import Store
from floorwatch.web import charts as C
from floorwatch.web import data as D
from floorwatch.web import models as M
from floorwatch.web import watch as W
from floorwatch.web.member import build_member, build_member_panels
from floorwatch.web.sections import Env
from floorwatch.web.store_access import StoreAccess

__all__ = ["CSRF_PLACEHOLDER", "PAGES", "Dashboard", "PageSpec", "Rendered", "json_path"]

log = logging.getLogger("floorwatch.web")

TEMPLATES = Path(__file__).parent / "templates"
#: Stands for the per-visitor CSRF token in cached HTML; replaced on every response.
CSRF_PLACEHOLDER = "@@FLOORWATCH-CSRF-TOKEN@@"
#: Where a page's deferred panels go in its template (see :attr:`PageSpec.deferred`).
DEFERRED_MARKER = "@@FLOORWATCH-DEFERRED-PANELS@@"


#: A page's builder: ``build(store, key, as_of, env)`` gives the page model.
Builder = Callable[[Store, str, dt.date, Env], dict]


@dataclass(frozen=True)
class PageSpec:
    """One kind of page: where it is served, how it is built and drawn."""

    kind: str
    path: str  # the HTML page, e.g. "/member/{person_id}"
    json: str  # its JSON twin, e.g. "/member/{person_id}.json"
    template: str
    model: type[BaseModel]
    title: str
    summary: str  # the JSON twin's summary in /openapi.json
    build: Builder
    id_kind: str | None = None  # "person" or "party": the key must be a known id
    forms: bool = False  # holds CSRF-protected forms when writes are enabled
    all_flag: bool = False  # takes ?all=1 (the key is then "all")
    #: The slow part of the model (figures of a whole legislature), built apart: the HTML
    #: page sends the rest at once and streams these panels (``deferred_template``, drawn
    #: where the template prints ``deferred``) when they are ready; the JSON twin holds both.
    deferred: Builder | None = None
    deferred_template: str | None = None

    @property
    def param(self) -> str | None:
        """The path parameter that carries the key (``person_id``), if any."""
        return self.path.split("{")[1].split("}")[0] if "{" in self.path else None


def _spec(
    kind: str,
    path: str,
    json: str,
    model: type[BaseModel],
    title: str,
    summary: str,
    build: Builder,
    **kw: Any,
) -> PageSpec:
    return PageSpec(kind, path, json, f"{kind}.html", model, title, summary, build, **kw)


#: The page registry: every page of the dashboard, in the order of the API description.
PAGES: dict[str, PageSpec] = {
    spec.kind: spec
    for spec in (
        _spec(
            "overview",
            "/",
            "/index.json",
            M.OverviewPage,
            "Overview",
            "Overview: legislatures, red list, cohesion",
            lambda s, key, as_of, env: D.build_overview(s, as_of, env),
        ),
        _spec(
            "members",
            "/members",
            "/members.json",
            M.MembersPage,
            "Members",
            "Members of every legislature",
            lambda s, key, as_of, env: D.build_members(s, as_of, env),
        ),
        _spec(
            "member",
            "/member/{person_id}",
            "/member/{person_id}.json",
            M.MemberPage,
            "Member",
            "One member",
            build_member,
            id_kind="person",
            deferred=build_member_panels,
            deferred_template="_member_panels.html",
        ),
        _spec(
            "party",
            "/party/{org_id}",
            "/party/{org_id}.json",
            M.PartyPage,
            "Party",
            "One party",
            D.build_party,
            id_kind="party",
        ),
        _spec(
            "watch",
            "/watch/{org_id}",
            "/watch/{org_id}.json",
            M.WatchPage,
            "Party watch",
            "Party watch: one party's red list",
            W.build_watch,
            id_kind="party",
        ),
        _spec(
            "body",
            "/body/{org_id}",
            "/body/{org_id}.json",
            M.BodyPage,
            "Party body",
            "A party body and its meetings",
            W.build_body,
            id_kind="party",
        ),
        _spec(
            "check",
            "/check",
            "/check.json",
            M.CheckPage,
            "Data quality",
            "Data-quality report (floorwatch check)",
            lambda s, key, as_of, env: W.build_check(s, as_of, env),
        ),
        _spec(
            "switches",
            "/switches",
            "/switches.json",
            M.SwitchesPage,
            "Party switches",
            "Party switches",
            lambda s, key, as_of, env: D.build_switches(
                s, as_of, env, include_elections=key == "all"
            ),
            all_flag=True,
        ),
        _spec(
            "claims",
            "/claims",
            "/claims.json",
            M.ClaimsPage,
            "Claims ledger",
            "Claims ledger and track records",
            lambda s, key, as_of, env: D.build_claims(s, as_of, env),
            forms=True,
        ),
        _spec(
            "definitions",
            "/definitions",
            "/definitions.json",
            M.DefinitionsPage,
            "Definitions",
            "Definitions and settings",
            lambda s, key, as_of, env: D.build_definitions(),
        ),
    )
}


@dataclass
class Rendered:
    body: bytes
    media_type: str
    stale: bool = False


def _quote(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")


class Dashboard:
    """Builds, renders and caches the pages of one store.

    Parameters
    ----------
    access:
        The store access (connections and cache).
    writable:
        True when the server has a write token (forms are shown).
    risk_config:
        The risk settings flags are computed with (``serve --config``); None: the defaults.
    """

    def __init__(
        self, access: StoreAccess, *, writable: bool = False, risk_config: Any = None
    ) -> None:
        self.access = access
        self.writable = writable
        self.env = Env(memo=access.memo, risk_config=risk_config)
        self.jinja = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.jinja.filters["pct"] = _pct
        self.jinja.filters["num"] = _numf
        self.jinja.filters["q"] = _quote
        # Done once here rather than on a first visit: compiling the templates (a tenth of a
        # second) and reading the store's bounds and ids (needed by every page; read again
        # when the store changes).
        for name in self.jinja.list_templates(extensions=["html"]):
            self.jinja.get_template(name)
        self._lookups()

    # -- lookups needing the store -------------------------------------------------------------
    def _lookups(self) -> dict[str, Any]:
        """The store's bounds and known ids, read together (one connection)."""
        return self.access.cached(
            ("lookups",), lambda s: {"bounds": D.build_bounds(s), "ids": D.build_ids(s)}
        ).value

    def bounds(self) -> dict[str, Any]:
        return self._lookups()["bounds"]

    def ids(self) -> dict[str, set[str]]:
        return self._lookups()["ids"]

    def resolve_as_of(self, as_of: dt.date | None) -> dt.date:
        return as_of if as_of is not None else self.bounds()["last"]

    # -- building --------------------------------------------------------------------------
    def _part(
        self, kind: str, key: str, as_of: dt.date | None, *, deferred: bool = False
    ) -> tuple[dict, bool]:
        """The page model (or its deferred part) and whether it is stale. Raises
        NotFoundError for unknown ids."""
        spec = PAGES[kind]
        if spec.id_kind is not None and key not in self.ids()[spec.id_kind]:
            what = "member" if spec.id_kind == "person" else "party"
            raise NotFoundError(f"no {what} with id {key!r} in this store")
        resolved = self.resolve_as_of(as_of)
        build = spec.deferred if deferred and spec.deferred is not None else spec.build
        env = self.env
        hit = self.access.cached(
            ("model", kind, key, resolved, deferred), lambda s: build(s, key, resolved, env)
        )
        return hit.value, hit.stale

    def model(self, kind: str, key: str, as_of: dt.date | None) -> tuple[dict, bool]:
        """The whole page model (deferred panels included) and whether it is stale. Raises
        NotFoundError for unknown ids."""
        page, stale = self._part(kind, key, as_of)
        if PAGES[kind].deferred is not None:
            panels, late = self._part(kind, key, as_of, deferred=True)
            page, stale = {**page, **panels}, stale or late
        return page, stale

    def cached_render(self, kind: str, key: str, as_of: dt.date | None, fmt: str) -> bytes | None:
        """The rendered page if cached for the store's current state (no store access)."""
        return self.access.cache.peek(("page", kind, key, as_of, fmt), self.access.stamp())

    def render(self, kind: str, key: str, as_of: dt.date | None, fmt: str) -> Rendered:
        """Build (or fetch) and render a page as ``html`` or ``json``."""
        stamp = self.access.stamp()
        ck = ("page", kind, key, as_of, fmt)
        body = self.access.cache.peek(ck, stamp)
        media = "application/json" if fmt == "json" else "text/html; charset=utf-8"
        if body is not None:
            return Rendered(body, media)
        model, stale = self.model(kind, key, as_of)
        if fmt == "json":
            body = PAGES[kind].model.model_validate(model).model_dump_json().encode()
        else:
            body = self.html(kind, model, as_of=as_of, stale=stale).encode()
        if not stale:
            self.access.cache.put(ck, stamp, body)
        return Rendered(body, media, stale)

    def stream(
        self, kind: str, key: str, as_of: dt.date | None
    ) -> tuple[bytes, Callable[[], bytes]] | None:
        """A page with deferred panels not built yet, in two parts: the HTML up to the
        panels (built from the quick part of the model), and a function that builds the
        panels and returns them with the rest of the page (and caches the whole page).
        None when the page has no deferred panels, they are ready, or the store is busy."""
        spec = PAGES[kind]
        if spec.deferred is None:
            return None
        stamp = self.access.stamp()
        resolved = self.resolve_as_of(as_of)
        if self.access.cache.peek(("model", kind, key, resolved, True), stamp) is not None:
            return None
        page, stale = self._part(kind, key, as_of)
        if stale:
            return None
        head, tail = self._split(kind, page, as_of)

        def finish() -> bytes:
            try:
                full, late = self.model(kind, key, as_of)
            except FloorwatchError as exc:
                log.warning("deferred panels of %s %s failed: %s", kind, key, exc)
                note = escape(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                failed = f'<p class="unavailable">Not available now: {note}. Reload the page.</p>'
                return (failed + tail).encode()
            panels = self._panels(kind, full, as_of, late)
            if not late:
                body = (head + panels + tail).encode()
                self.access.cache.put(("page", kind, key, as_of, "html"), stamp, body)
            return (panels + tail).encode()

        return head.encode(), finish

    # -- drawing ---------------------------------------------------------------------------
    def html(self, kind: str, page: dict, *, as_of: dt.date | None, stale: bool = False) -> str:
        """The HTML page; a page with deferred panels gets them in place."""
        if PAGES[kind].deferred is None:
            return self.jinja.get_template(PAGES[kind].template).render(
                **self._context(kind, page, as_of, stale)
            )
        head, tail = self._split(kind, page, as_of, stale)
        return head + self._panels(kind, page, as_of, stale) + tail

    def _split(
        self, kind: str, page: dict, as_of: dt.date | None, stale: bool = False
    ) -> tuple[str, str]:
        """The page's HTML before and after its deferred panels."""
        ctx = self._context(kind, page, as_of, stale)
        text = self.jinja.get_template(PAGES[kind].template).render(**ctx, deferred=DEFERRED_MARKER)
        head, _, tail = text.partition(DEFERRED_MARKER)
        return head, tail

    def _panels(self, kind: str, page: dict, as_of: dt.date | None, stale: bool) -> str:
        template = PAGES[kind].deferred_template
        assert template is not None
        return self.jinja.get_template(template).render(**self._context(kind, page, as_of, stale))

    def _context(self, kind: str, page: dict, as_of: dt.date | None, stale: bool) -> dict[str, Any]:
        spec = PAGES[kind]
        suffix = f"?as_of={as_of.isoformat()}" if as_of is not None else ""

        def link(path: str) -> str:
            return path + suffix

        ctx = {
            "page": page,
            "spec": spec,
            "title": _title(kind, page, spec),
            "charts": CHARTS.get(kind, _no_charts)(page, link),
            "as_of": page.get("as_of"),
            "as_of_explicit": as_of is not None,
            "as_of_note": _past_end(as_of, self.bounds()),
            "bounds": self.bounds(),
            "link": link,
            "member_url": lambda pid: link(f"/member/{_quote(pid)}"),
            "party_url": lambda oid: link(f"/party/{_quote(oid)}"),
            "watch_url": lambda oid: link(f"/watch/{_quote(oid)}"),
            "body_url": lambda oid: link(f"/body/{_quote(oid)}"),
            "json_url": link(json_path(kind, page_key(page, kind))),
            "extra_params": {"all": "1"}
            if kind == "switches" and page.get("include_elections")
            else {},
            "writable": self.writable,
            "csrf": CSRF_PLACEHOLDER,
            "stale": stale,
            "version": __version__,
        }
        return ctx

    def warm(self) -> None:
        """Build the pages most asked for at the default as-of date (the overview, the member
        list, each party, one member per legislature), so that the shared monthly panels
        and the flags are ready before the first visitor. Errors are logged, not raised."""
        try:
            for kind in ("overview", "members"):
                self.render(kind, "", None, "html")
            members, _ = self.model("members", "", None)
            overview, _ = self.model("overview", "", None)
            for leg in members["legislatures"]:
                if leg["members"]:
                    self.render("member", leg["members"][0]["person_id"], None, "html")
            for leg in overview["legislatures"]:
                for party in leg["parties"]:
                    self.render("party", party["id"], None, "html")
        except Exception:  # noqa: BLE001 - warming is best effort
            log.exception("warming the dashboard's cache failed")

    def plain_html(self, template: str, **ctx: object) -> str:
        """A page outside the page table (an error, proposed claims): ``template`` with the
        base layout's context (no as-of control) and ``ctx``."""
        base: dict[str, object] = {
            "page": {},
            "as_of": None,
            "as_of_explicit": False,
            "bounds": None,
            "link": lambda p: p,
            "writable": False,
            "stale": False,
            "version": __version__,
        }
        return self.jinja.get_template(template).render(**{**base, **ctx})

    def error_html(self, status: int, title: str, detail: str) -> str:
        name = f"{status}.html"
        template = name if (TEMPLATES / name).exists() else "error.html"
        return self.plain_html(template, status=status, title=title, detail=detail)


def page_key(page: dict, kind: str) -> str:
    """The key of a page from its model (the id in its address)."""
    if kind == "member":
        return page["person"]["id"]
    if kind in ("party", "watch"):
        return page["party"]["id"]
    if kind == "body":
        return page["body"]["id"]
    return ""


def json_path(kind: str, key: str = "") -> str:
    """The path of a page's JSON twin."""
    spec = PAGES[kind]
    if spec.param is None:
        return spec.json
    return spec.json.replace("{" + spec.param + "}", _quote(key))


def _past_end(as_of: dt.date | None, bounds: dict[str, Any]) -> str | None:
    """The record-end warning of :func:`floorwatch.dates.resolve_as_of`, for a page."""
    last = bounds.get("last")
    if as_of is None or last is None or as_of <= last:
        return None
    return past_end(as_of, last)


def _title(kind: str, page: dict, spec: PageSpec) -> str:
    if kind == "member":
        return page["person"]["name"]
    if kind == "party":
        return page["party"]["name"]
    if kind == "watch":
        return f"Party watch: {page['party']['name']}"
    if kind == "body":
        return page["body"]["name"]
    return spec.title


def _pct(value: Any) -> str:
    if value is None:
        return "–"
    try:
        return f"{100 * float(value):.1f}%"
    except (TypeError, ValueError):
        return str(value)


def _numf(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


# -- charts per page -----------------------------------------------------------------------
Link = Callable[[str], str]


def _no_charts(page: dict, link: Link) -> dict[str, Markup]:
    return {}


def _line_from_section(
    section: dict, *, title: str, markers: list[C.Marker] | None = None
) -> Markup | None:
    """A line chart from a section ``{data: {series: [{name, points: [{date, value}]}]}}``."""
    if not section.get("available") or not section.get("data"):
        return None
    data = section["data"]
    series = [
        C.Series(
            s["name"],
            [(p["date"], p.get("value")) for p in s.get("points", [])],
            colour=s.get("colour") or C.colour_for(s.get("abbreviation"), i),
        )
        for i, s in enumerate(data.get("series", []))
    ]
    bands = [
        C.Band(b["name"], [(p["date"], p.get("low"), p.get("high")) for p in b["points"]])
        for b in data.get("bands", [])
    ]
    y_range = tuple(data["y_range"]) if data.get("y_range") else None
    return C.line_chart(
        series,
        title=title,
        y_label=data.get("y_label"),
        y_range=y_range,  # type: ignore[arg-type]
        markers=markers or [],
        bands=bands,
    )


def _overview_charts(page: dict, link: Link) -> dict[str, Markup]:
    out = {
        "activity": C.bar_chart(
            [(a["month"], a["roll_calls"]) for a in page["activity"]],
            title="Roll calls per month",
            y_label="roll calls",
        )
    }
    cohesion = _line_from_section(page["cohesion"], title="Party cohesion over time")
    if cohesion is not None:
        out["cohesion"] = cohesion
    return out


def _member_charts(page: dict, link: Link) -> dict[str, Markup]:
    markers = [
        C.Marker(e["date"], f"crucial: {e['label']}", colour="#b71c1c")
        for e in page["crucial_events"]
        if e.get("date")
    ]
    switch_markers = [
        C.Marker(s["date_to"], f"switch: {s.get('from_party')} to {s.get('to_party')}", "#000000")
        for s in page["switches"]
        if s.get("date_to")
    ]
    spells = [
        C.Spell(
            row=h["legislature_id"] or "party register",
            label=h["party_abbreviation"] or h["party"] or "?",
            start=h["start_date"],
            end=h["end_date"] or (page["as_of"] if h["current"] else h["end_date"]),
            colour=C.colour_for(h["party_abbreviation"], i),
        )
        for i, h in enumerate(page["party_history"])
    ]
    out = {
        "history": C.timeline(
            spells,
            title=f"Party history of {page['person']['name']}",
            markers=switch_markers,
        ),
        "tally": C.bar_chart(
            [(t["option"], t["n"]) for t in page["vote_tally"]],
            title="How the member voted (roll calls up to the as-of date)",
            y_label="roll calls",
            height=180,
        ),
    }
    for name, title in (
        ("attendance", "Attendance over time (crucial events marked)"),
        ("loyalty", "Loyalty to the party over time"),
        ("agreement", "Agreement with groups over time"),
        ("ideal_points", "Ideal point against the party's range"),
    ):
        if name not in page:  # the deferred panels, drawn when they are built
            continue
        chart = _line_from_section(
            page[name],
            title=title,
            markers=markers + switch_markers if name != "ideal_points" else switch_markers,
        )
        if chart is not None:
            out[name] = chart
    return out


def _party_charts(page: dict, link: Link) -> dict[str, Markup]:
    out: dict[str, Markup] = {}
    ip = page["ideal_points"]
    if ip.get("available") and ip.get("data"):
        dots = [
            C.Dot(
                label=d["name"],
                value=d["value"],
                group=d.get("group") or "",
                level=d.get("level"),
                href=link(f"/member/{_quote(d['person_id'])}"),
            )
            for d in ip["data"].get("members", [])
            if d.get("value") is not None
        ]
        out["ideal_points"] = C.strip_plot(
            dots,
            title=f"Ideal points of the {page['party']['name']} members, coloured by risk level",
            x_label=ip["data"].get("x_label", "ideal point (dimension 1)"),
        )
    cohesion = _line_from_section(page["cohesion"], title="Cohesion over time")
    if cohesion is not None:
        out["cohesion"] = cohesion
    return out


def _claims_charts(page: dict, link: Link) -> dict[str, Markup]:
    tr = page["track_records"]
    if not tr.get("available") or not tr.get("data"):
        return {}
    rows = [r for r in tr["data"].get("rows", []) if r.get("hit_rate") is not None]
    if not rows:
        return {}
    return {
        "track": C.bar_chart(
            [(str(r.get("source") or "?"), r["hit_rate"]) for r in rows[:20]],
            title="Hit rate of resolved claims, by source",
            y_label="hit rate",
        )
    }


CHARTS: dict[str, Callable[[dict, Link], dict[str, Markup]]] = {
    "overview": _overview_charts,
    "member": _member_charts,
    "party": _party_charts,
    "claims": _claims_charts,
}
