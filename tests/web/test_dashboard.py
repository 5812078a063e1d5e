"""The dashboard page and API over the SQL figures: the scatter is capped and says so."""

from __future__ import annotations

from jixiao.store import queries


def _scatter(html: str) -> str:
    start = html.index('<figure id="scatter">')
    return html[start:html.index("</figure>", start)]


def test_the_scatter_draws_every_form_below_the_cap(client_for, seeded):
    page = client_for("admin").get("/dashboard").text
    scatter = _scatter(page)
    assert scatter.count("<circle") == 11
    assert "仅显示" not in page
    d = client_for("admin").get("/api/dashboard").json()
    assert len(d["points"]) == d["points_total"] == 11


def test_a_capped_scatter_says_how_many_it_shows(client_for, seeded, monkeypatch):
    monkeypatch.setattr(queries, "POINTS_CAP", 4)
    admin = client_for("admin")
    page = admin.get("/dashboard").text
    scatter = _scatter(page)
    assert "（仅显示 4 张）" in scatter and "共 11 张" in scatter
    assert scatter.count("<circle") == 4
    assert '<b id="card-forms">11</b>' in page  # the figures still count every form
    d = admin.get("/api/dashboard").json()
    assert len(d["points"]) == 4 and d["points_total"] == 11 and d["total"]["forms"] == 11
    assert [p["id"] for p in d["points"]] == sorted(p["id"] for p in d["points"])


def test_the_dashboard_counts_only_what_the_user_may_see(client_for, seeded):
    # A reviewer sees forms from submission on: the other unit submits its form first.
    assert client_for("other_reviewer").get("/api/dashboard").json()["total"]["forms"] == 0
    assert client_for("other_unit").post(f"/api/forms/{seeded['other']}/submit", json={"confirm": True}).status_code == 200
    unit = client_for("unit").get("/api/dashboard").json()
    other = client_for("other_reviewer").get("/api/dashboard").json()
    admin = client_for("admin").get("/api/dashboard").json()
    assert (unit["total"]["forms"], other["total"]["forms"], admin["total"]["forms"]) == (10, 1, 11)
    assert {p["id"] for p in unit["points"]} == set(seeded["own"])
    assert [p["id"] for p in other["points"]] == [seeded["other"]]
    assert sum(r["findings"] for r in unit["rules"]) + sum(r["findings"] for r in other["rules"]) == \
        sum(r["findings"] for r in admin["rules"])
