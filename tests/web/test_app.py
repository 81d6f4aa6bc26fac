"""The dashboard's pages and JSON twins over real data (Voteview Senate 107), without a browser.

Expected values come from the Voteview CSV files read with pandas in the test, from known
facts (Jeffords left the Republicans between 2001-05-26 and 2001-06-06), or from calling the
library layer directly: the web layer must show what the library computes, unchanged.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from floorwatch.web.models import MemberPage, MembersPage, OverviewPage, PartyPage

JEFFORDS = "bioguide-J000072"
BEFORE = "2001-05-20"  # before Jeffords' switch
PAGES = [
    ("/", "/index.json"),
    ("/members", "/members.json"),
    (f"/member/{JEFFORDS}", f"/member/{JEFFORDS}.json"),
    ("/party/us-party-200", "/party/us-party-200.json"),
    ("/switches", "/switches.json"),
    ("/claims", "/claims.json"),
    ("/definitions", "/definitions.json"),
]


@pytest.mark.parametrize(("html", "json_path"), PAGES)
def test_every_page_and_its_json_twin(ro_client, html, json_path):
    r = ro_client.get(html)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1" in r.text
    # The page links to its twin, and the twin is JSON.
    assert f'href="{json_path}"' in r.text
    j = ro_client.get(json_path)
    assert j.status_code == 200
    assert j.headers["content-type"] == "application/json"
    assert isinstance(j.json(), dict)


def _sitting(client, as_of: str | None = None) -> set[str]:
    data = MembersPage.model_validate(
        client.get("/members.json" + (f"?as_of={as_of}" if as_of else "")).json()
    )
    (senate,) = [leg for leg in data.legislatures if leg.id == "us-senate"]
    return {m.person_id for m in senate.members}


def test_overview_counts_match_the_csv(ro_client, s107_csv):
    rc = s107_csv["rollcalls"]
    data = OverviewPage.model_validate(ro_client.get(f"/index.json?as_of={BEFORE}").json())
    (senate,) = data.legislatures
    assert senate.id == "us-senate"
    assert senate.roll_calls == int((rc["date"] <= BEFORE).sum())
    assert senate.last_vote == dt.date.fromisoformat(rc.loc[rc["date"] <= BEFORE, "date"].max())
    # 50-50 Senate before the switch: a known fact.
    seats = {p.abbreviation: p.seats for p in senate.parties}
    assert seats == {"D": 50, "R": 50}
    assert senate.members == 100
    # Roll calls per month add up to the roll calls by the date.
    assert sum(a.roll_calls for a in data.activity) == senate.roll_calls
    after = OverviewPage.model_validate(ro_client.get("/index.json").json())
    seats_after = {p.abbreviation: p.seats for p in after.legislatures[0].parties}
    # On 2002-11-19: Jeffords and Dean Barkley (appointed after Wellstone's death) independent.
    assert seats_after == {"D": 49, "R": 49, "I": 2}


def test_members_list_follows_the_as_of_date(ro_client, s107_csv):
    m = s107_csv["members"]
    senators = set("bioguide-" + m.loc[m["chamber"] == "Senate", "bioguide_id"])
    sitting = _sitting(ro_client, BEFORE)
    assert sitting <= senators
    assert len(sitting) == 100
    assert JEFFORDS in sitting
    data = MembersPage.model_validate(ro_client.get(f"/members.json?as_of={BEFORE}").json())
    row = next(r for r in data.legislatures[0].members if r.person_id == JEFFORDS)
    assert row.party_id == "us-party-200"
    data = MembersPage.model_validate(ro_client.get("/members.json").json())
    row = next(r for r in data.legislatures[0].members if r.person_id == JEFFORDS)
    assert row.party_id == "us-party-328"


def test_member_page_party_and_votes_match_the_csv(ro_client, s107_csv):
    before = MemberPage.model_validate(
        ro_client.get(f"/member/{JEFFORDS}.json?as_of={BEFORE}").json()
    )
    assert before.party.party_id == "us-party-200"
    assert [h.party_id for h in before.party_history] == ["us-party-200"]
    assert before.switches == []
    now = MemberPage.model_validate(ro_client.get(f"/member/{JEFFORDS}.json").json())
    assert now.party.party_id == "us-party-328"
    assert [h.party_id for h in now.party_history] == ["us-party-200", "us-party-328"]
    (sw,) = now.switches
    assert (sw.date_from, sw.date_to) == (dt.date(2001, 5, 26), dt.date(2001, 6, 6))

    # How he voted, counted straight from the CSV (both of his ICPSR numbers).
    m, v, rc = s107_csv["members"], s107_csv["votes"], s107_csv["rollcalls"]
    icpsr = set(m.loc[m["bioguide_id"] == "J000072", "icpsr"])
    mine = v[v["icpsr"].isin(icpsr) & (v["cast_code"] != 0)].merge(
        rc[["rollnumber", "date"]], on="rollnumber"
    )
    mine = mine[mine["date"] <= BEFORE]
    tally = {t["option"]: t["n"] for t in before.vote_tally}
    assert tally.get("yes", 0) == int(mine["cast_code"].isin([1, 3]).sum())
    assert tally.get("no", 0) == int(mine["cast_code"].isin([4, 6]).sum())
    assert sum(tally.values()) == len(mine)
    assert before.recent_votes[0]["date"] == mine["date"].max()
    assert all(r["date"] <= BEFORE for r in before.recent_votes)


def test_member_sections_show_the_layers_output(ro_client, web_store_path):
    from floorwatch import metrics, risk
    from floorwatch.store import Store

    page = ro_client.get(f"/member/{JEFFORDS}.json?as_of={BEFORE}").json()
    for name in ("attendance", "loyalty", "agreement", "ideal_points", "flag", "claims"):
        assert page[name]["available"], (name, page[name]["note"])
    # The May 2001 point of the loyalty series is the library's loyalty for May 1-20.
    with Store(web_store_path, read_only=True) as store:
        direct = metrics.loyalty(
            store, date_from="2001-05-01", date_to=BEFORE, legislature="us-senate"
        )
        flags = risk.flags(store, as_of=BEFORE, legislature="us-senate")
    expected = direct.loc[direct["person_id"] == JEFFORDS, "loyalty"].iloc[0]
    (last,) = [
        p for p in page["loyalty"]["data"]["series"][0]["points"] if p["date"].startswith("2001-05")
    ]
    assert last["value"] == pytest.approx(expected)
    mine = flags[flags["person_id"] == JEFFORDS].iloc[0]
    assert page["flag"]["data"]["level"] == mine["level"]
    assert page["flag"]["data"]["score"] == pytest.approx(mine["score"])
    assert len(page["flag"]["data"]["evidence"]) == len(mine["evidence"])


def test_red_list_is_the_risk_layers(ro_client, web_store_path):
    from floorwatch import risk
    from floorwatch.store import Store

    with Store(web_store_path, read_only=True) as store:
        flags = risk.flags(store, as_of=BEFORE, legislature="us-senate")
    expected = set(flags.loc[flags["level"].isin(["red", "amber"]), "person_id"])
    data = ro_client.get(f"/index.json?as_of={BEFORE}").json()
    rows = data["flags"]["data"]
    assert {r["person_id"] for r in rows} == expected
    levels = [r["level"] for r in rows]
    assert levels == sorted(levels, key=lambda lv: lv != "red")


def test_cohesion_matches_a_direct_rice_count(ro_client, s107_csv):
    """Mean Rice index of the Republicans in March 2001, counted from the CSV."""
    m, v, rc = s107_csv["members"], s107_csv["votes"], s107_csv["rollcalls"]
    party = m[m["chamber"] == "Senate"].set_index("icpsr")["party_code"]
    march = rc[rc["date"].str.startswith("2001-03")]["rollnumber"]
    x = v[v["rollnumber"].isin(march)].copy()
    x["party"] = x["icpsr"].map(party)
    x = x[x["party"] == 200]
    yes = x[x["cast_code"].isin([1, 2, 3])].groupby("rollnumber").size()
    no = x[x["cast_code"].isin([4, 5, 6])].groupby("rollnumber").size()
    both = yes.to_frame("y").join(no.to_frame("n"), how="outer").fillna(0)
    both = both[both["y"] + both["n"] > 0]
    rice = ((both["y"] - both["n"]).abs() / (both["y"] + both["n"])).mean()
    data = ro_client.get(f"/index.json?as_of={BEFORE}").json()
    (r,) = [s for s in data["cohesion"]["data"]["series"] if s["party_id"] == "us-party-200"]
    (point,) = [p for p in r["points"] if p["date"].startswith("2001-03")]
    assert point["value"] == pytest.approx(rice, abs=1e-9)


def test_party_page_lists_its_members_and_map(ro_client):
    data = PartyPage.model_validate(
        ro_client.get(f"/party/us-party-200.json?as_of={BEFORE}").json()
    )
    ids = {m.person_id for m in data.members}
    assert len(ids) == 50 and JEFFORDS in ids
    dots = data.ideal_points.data["members"]
    assert {d["person_id"] for d in dots if d["in_party"]} == ids
    assert dots[0]["in_party"]  # the party's own row first
    html = ro_client.get(f"/party/us-party-200?as_of={BEFORE}").text
    assert html.count('class="dot level-') == len(dots)


def test_switches_page(ro_client):
    assert ro_client.get(f"/switches.json?as_of={BEFORE}").json()["switches"] == []
    rows = ro_client.get("/switches.json").json()["switches"]
    assert [(r["person_id"], r["from_party_id"], r["to_party_id"]) for r in rows] == [
        (JEFFORDS, "us-party-200", "us-party-328")
    ]


def test_claims_page_shows_status_as_known_on_the_date(ro_client):
    now = ro_client.get("/claims.json").json()["claims"]["data"]
    status = {c["about"]: c["status"] for c in now}
    assert status == {JEFFORDS: "true", "bioguide-C001040": "false"}
    # On 2001-05-30 both claims were made but neither was settled.
    then = ro_client.get("/claims.json?as_of=2001-05-30").json()["claims"]["data"]
    assert {c["status"] for c in then} == {"pending"}
    assert ro_client.get("/claims.json?as_of=2001-05-21").json()["claims"]["data"] == []
    records = ro_client.get("/claims.json").json()["track_records"]["data"]["rows"]
    (wire,) = records
    assert (wire["claims"], wire["resolved"], wire["hits"]) == (2, 2, 1)
    assert wire["hit_rate"] == pytest.approx(0.5)


def test_member_claims_section(ro_client):
    rows = ro_client.get(f"/member/{JEFFORDS}.json").json()["claims"]["data"]
    assert [c["predicts"] for c in rows] == ["leaves"]


@pytest.mark.parametrize(
    "path",
    [
        "/member/nobody",
        "/member/nobody.json",
        "/party/bioguide-J000072",  # a person is not a party
        "/party/us-senate",  # a chamber is not a party
        "/no/such/page",
    ],
)
def test_unknown_ids_are_404(ro_client, path):
    r = ro_client.get(path)
    assert r.status_code == 404
    if path.endswith(".json"):
        assert r.json()["status"] == 404
        assert "nobody" in r.json()["detail"]
    else:
        assert "404" in r.text and "<h1" in r.text


@pytest.mark.parametrize("bad", ["2001-02-30", "yesterday", "2001-5-1", "20010501", "2001-05-01x"])
def test_bad_dates_are_400(ro_client, bad):
    r = ro_client.get("/", params={"as_of": bad})
    assert r.status_code == 400
    assert "YYYY-MM-DD" in r.text
    j = ro_client.get(f"/member/{JEFFORDS}.json", params={"as_of": bad})
    assert j.status_code == 400
    assert j.json()["error"] == "Bad as-of date"


def test_blank_as_of_means_latest(ro_client):
    assert ro_client.get("/index.json?as_of=").json() == ro_client.get("/index.json").json()


def test_pages_use_no_script_no_inline_style_no_remote_assets(ro_client):
    for html, _ in PAGES:
        text = ro_client.get(html + f"?as_of={BEFORE}").text
        assert "<script" not in text.lower()
        assert not re.search(r"\sstyle=", text)
        assert not re.search(r'(src|href)="(https?:)?//', text), html


def test_charts_are_inline_svg_with_titles(ro_client):
    text = ro_client.get(f"/member/{JEFFORDS}?as_of={BEFORE}").text
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", text, re.S)
    assert len(svgs) >= 6  # history, attendance, loyalty, agreement, ideal point, tally
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert re.search(r"<(path|circle|rect|polygon)\b", svg)


def test_security_headers_everywhere(ro_client):
    for path in ("/", "/index.json", "/static/style.css", "/member/nobody", "/?as_of=x"):
        h = ro_client.get(path).headers
        csp = h["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "script-src" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_openapi_describes_the_json_api(ro_client):
    spec = ro_client.get("/openapi.json").json()
    paths = spec["paths"]
    for _, json_path in PAGES:
        key = json_path.replace(JEFFORDS, "{person_id}").replace("us-party-200", "{org_id}")
        assert key in paths, key
        ok = paths[key]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok
    member = paths["/member/{person_id}.json"]["get"]
    assert {p["name"] for p in member["parameters"]} == {"person_id", "as_of"}
    assert "404" in member["responses"] and "400" in member["responses"]
    assert {"401", "403"} <= set(paths["/api/claims"]["post"]["responses"])
    assert "MemberPage" in spec["components"]["schemas"]
    # HTML pages are not part of the API description.
    assert "/member/{person_id}" not in paths


def test_head_requests(ro_client):
    assert ro_client.head("/").status_code == 200


def test_member_page_streams_its_panels_on_a_first_visit(web_store_path):
    """A member page not built yet comes in two parts: at once what the store holds (party
    history, votes), then the analysis panels (flag, attendance, loyalty, agreement, ideal
    point, claims) when computed; together they are the page a later visit gets."""
    from floorwatch.web import create_app

    as_of = dt.date.fromisoformat(BEFORE)
    dash = create_app(web_store_path).state.dashboard
    head, finish = dash.stream("member", JEFFORDS, as_of)
    assert b'id="h-hist"' in head and b'id="h-votes"' in head and b"JEFFORDS" in head
    assert b'id="h-flag"' not in head and b'id="h-claims"' not in head
    rest = finish()
    for section in (
        b'id="h-flag"',
        b'id="h-att"',
        b'id="h-loy"',
        b'id="h-ideal"',
        b'id="h-claims"',
    ):
        assert section in rest
    assert rest.rstrip().endswith(b"</html>")
    page = head + rest
    assert page.count(b"<svg") == 6  # history, tally, attendance, loyalty, agreement, ideal
    # Now built: no more streaming, and the cached page is the two parts.
    assert dash.stream("member", JEFFORDS, as_of) is None
    assert dash.render("member", JEFFORDS, as_of, "html").body == page
    # Chart ids are unique in the page; another server building the page whole draws the
    # same page (but for the chart ids, numbered per process).
    ids = re.findall(rb'<title id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6
    other = create_app(web_store_path).state.dashboard
    whole = other.render("member", JEFFORDS, as_of, "html").body
    assert re.sub(rb"\bc\d+-", b"c-", whole) == re.sub(rb"\bc\d+-", b"c-", page)
