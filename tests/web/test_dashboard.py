"""The dashboard page and API over the SQL figures: every chart has a bounded number of marks."""

from __future__ import annotations

from jixiao.web.pages import dashboard as dashboard_page


def _figure(html: str) -> str:
    start = html.index('<figure id="rate-score">')
    return html[start:html.index("</figure>", start)]


def test_the_rate_score_chart_counts_forms_in_bins(client_for, seeded):
    page = client_for("admin").get("/dashboard").text
    chart = _figure(page)
    d = client_for("admin").get("/api/dashboard").json()
    assert sum(c["forms"] for c in d["cells"]) == 11 and "共 11 张" in chart
    assert chart.count('class="cell"') == len(d["cells"]) <= 8 * 7
    assert "<circle" not in page
    assert d["rate_edges"][-1] == "100" and d["score_edges"][0] == "0"


def test_the_units_table_is_bounded_and_says_so(client_for, seeded, monkeypatch):
    monkeypatch.setattr(dashboard_page, "GROUP_ROWS", 1)
    admin = client_for("admin")
    page = admin.get("/dashboard").text
    assert "共 2 个实施单位，此处列出表数最多的 1 个" in page
    d = admin.get("/api/dashboard").json()
    assert d["units_total"] == 2 and [u["forms"] for u in d["units"]] == [10]


def test_the_progress_table_is_bounded_and_says_so(client_for, seeded, monkeypatch):
    monkeypatch.setattr(dashboard_page, "GROUP_ROWS", 1)
    page = client_for("admin").get("/dashboard").text
    table = page[page.index('id="progress-table"'):]
    table = table[:table.index("</table>")]
    assert 'id="progress-capped"' in page and "共 2 个实施单位，此处列出表数最多的 1 个" in page
    assert table.count("<tr><td></td>") == 1  # one unit row, under its department
    monkeypatch.setattr(dashboard_page, "GROUP_ROWS", 200)
    page = client_for("admin").get("/dashboard").text
    assert 'id="progress-capped"' not in page


def test_the_dashboard_counts_only_what_the_user_may_see(client_for, seeded):
    # A reviewer sees forms from submission on: the other unit submits its form first.
    assert client_for("other_reviewer").get("/api/dashboard").json()["total"]["forms"] == 0
    assert client_for("other_unit").post(f"/api/forms/{seeded['other']}/submit", json={"confirm": True}).status_code == 200
    unit = client_for("unit").get("/api/dashboard").json()
    other = client_for("other_reviewer").get("/api/dashboard").json()
    admin = client_for("admin").get("/api/dashboard").json()
    assert (unit["total"]["forms"], other["total"]["forms"], admin["total"]["forms"]) == (10, 1, 11)
    count = lambda d: sum(c["forms"] for c in d["cells"])  # noqa: E731
    assert (count(unit), count(other), count(admin)) == (10, 1, 11)
    assert sum(r["findings"] for r in unit["rules"]) + sum(r["findings"] for r in other["rules"]) == \
        sum(r["findings"] for r in admin["rules"])
