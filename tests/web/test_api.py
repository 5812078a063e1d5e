"""The JSON API contract other tools rely on: log-in, uploads, the form list, one form in the
shape of `jixiao parse --json` plus `jixiao check --json`."""

from __future__ import annotations

from jixiao.checks import check_forms, report_to_dict
from jixiao.readers import read_forms
from jixiao.readers.jsonio import form_to_dict
from jixiao.rules import load_ruleset

from .conftest import PASSWORD


def test_login_sets_an_httponly_samesite_session_cookie_and_returns_the_csrf_token(client_for):
    anon = client_for(None)
    r = anon.http.post("/api/login", json={"username": "admin", "password": PASSWORD})

    assert r.status_code == 200
    assert r.json()["user"]["role"] == "管理员" and len(r.json()["csrf_token"]) > 20
    cookie = r.headers["set-cookie"].lower()
    assert "jixiao_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_wrong_password_and_unknown_user_get_the_same_401(client_for):
    anon = client_for(None)
    wrong = anon.http.post("/api/login", json={"username": "admin", "password": "nope-nope-nope"})
    unknown = anon.http.post("/api/login", json={"username": "nobody", "password": PASSWORD})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "用户名或密码错误，或账号已停用", "status": 401}


def test_calls_without_a_session_get_401_and_pages_redirect_to_login(client_for):
    anon = client_for(None)
    for url in ("/api/forms", "/api/forms/1", "/api/dashboard", "/api/me", "/api/forms/1/audit"):
        assert anon.get(url).status_code == 401, url
    page = anon.get("/forms/1")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fforms%2F1"


def test_upload_many_files_gives_a_result_per_file(client_for, seed_path):
    admin = client_for("admin")
    files = [
        ("files", ("shanghai-2021.txt", seed_path.read_bytes(), "text/plain")),
        ("files", ("空白.txt", "没有表格的文字\n".encode(), "text/plain")),
        ("files", ("病毒.exe", b"MZ\x90\x00", "application/octet-stream")),
        ("files", ("again.txt", seed_path.read_bytes(), "text/plain")),
    ]
    r = admin.post("/api/uploads", files=files)

    assert r.status_code == 200
    seed, blank, exe, again = r.json()["files"]
    assert seed["forms"] == 10 and seed["errors"] == [] and not seed["duplicate"]
    assert blank["forms"] == 0 and "没有找到自评表" in blank["errors"][0]["message"]
    assert exe["failed"].startswith("不支持的文件类型 .exe")
    assert again["duplicate"] and again["form_ids"] == seed["form_ids"]
    assert r.json()["forms"] == 10


def test_form_list_has_the_contract_fields(client_for, seeded):
    listed = client_for("admin").get("/api/forms").json()
    forms = listed["items"]

    assert len(forms) == listed["total"] == 11 and (listed["limit"], listed["offset"]) == (50, 0)
    first = forms[0]
    assert {"id", "project", "unit", "self_total", "rescored_total", "errors"} <= set(first)
    assert first["project"] == "2021年(社保卡中心)交换平台运行费"
    assert first["self_total"] == "97.50" and isinstance(first["errors"], int)


def test_one_form_is_parse_json_plus_check_json(client_for, seeded, seed_path):
    """The API gives what `jixiao parse --json` and `jixiao check --json` give for the same form."""
    forms, _ = read_forms(seed_path)
    reports = check_forms(forms, load_ruleset())
    k = 3
    expected_form, expected_check = form_to_dict(forms[k]), report_to_dict(reports[k])

    got = client_for("admin").get(f"/api/forms/{seeded['own'][k]}").json()

    for key in ("project", "year", "department", "unit", "funds", "goals", "total"):
        assert got[key] == expected_form[key], key
    strip = lambda inds: [{k: v for k, v in i.items() if k != "source"} for i in inds]  # noqa: E731
    assert strip(got["indicators"]) == strip(expected_form["indicators"])
    for key in ("self_total", "rescored_total", "self_grade", "rescored_grade"):
        assert got[key] == expected_check[key], key
    shape = lambda fs: [(f["rule"], f["severity"], f["message"], f["field"], f["expected"], f["printed"])  # noqa: E731
                        for f in fs]
    assert shape(got["findings"]) == shape(expected_check["findings"])
    assert got["status"] == "草稿" and got["version"] == 1 and isinstance(got["id"], int)


def test_openapi_docs_are_served_without_any_cdn(client_for):
    anon = client_for("unit")
    docs = anon.get("/docs")
    assert docs.status_code == 200 and "/docs-static/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert anon.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    paths = anon.get("/openapi.json").json()["paths"]
    assert {"/api/login", "/api/uploads", "/api/forms", "/api/forms/{form_id}"} <= set(paths)


def test_dashboard_sums_money_exactly_and_weights_the_rate_by_budget(client_for, seeded, golden):
    d = client_for("unit").get("/api/dashboard").json()

    from decimal import Decimal

    budget = sum(Decimal(g["funds"]["annual_budget"]) for g in golden)
    executed = sum(Decimal(g["funds"]["executed"]) for g in golden)
    assert d["total"]["forms"] == 10
    assert Decimal(d["total"]["budget"]) == budget
    assert Decimal(d["total"]["rate"]) == (executed / budget * 100).quantize(Decimal("0.01"))
    assert sum(g["rescored"] for g in d["grades"].values()) == 10
    assert sum(h["self"] for h in d["histogram"]) == 10
    assert d["rules"][0]["forms"] >= d["rules"][-1]["forms"]


def test_uploads_read_every_supported_format(client_for, seed_path, tmp_path):
    """The upload keeps the file's ending, so the reader picks the right format: here the seed
    written out as Excel and as Word by `jixiao export`'s writers."""
    from jixiao.writers import write_docx, write_xlsx

    forms, _ = read_forms(seed_path)
    write_xlsx(forms[:3], tmp_path / "three.xlsx")
    write_docx(forms[3:5], tmp_path / "two.docx")
    admin = client_for("admin")
    r = admin.post("/api/uploads", files=[
        ("files", ("three.xlsx", (tmp_path / "three.xlsx").read_bytes())),
        ("files", ("two.docx", (tmp_path / "two.docx").read_bytes())),
        ("files", ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)),
    ])
    xlsx, docx, doc = r.json()["files"]
    assert xlsx["forms"] == 3 and docx["forms"] == 2
    assert doc["forms"] == 0 and doc["errors"] and doc["errors"][0]["location"]["file"] == "old.doc"
    projects = {f["project"] for f in admin.get("/api/forms").json()["items"]}
    assert projects == {f.project.text for f in forms[:5]}


def test_the_list_pages_through_many_forms(client_for, seeded, monkeypatch):
    from jixiao.web.pages import forms as form_pages

    admin = client_for("admin")
    monkeypatch.setattr(form_pages, "PAGE_SIZE", 4)
    first, last = admin.get("/forms?sort=id").text, admin.get("/forms?sort=id&page=3").text
    assert "共 11 张，第 1/3 页" in first and first.count('<td><a href="/forms/') == 4
    assert "第 3 / 3 页" in last and last.count('<td><a href="/forms/') == 3
    paged = admin.get("/api/forms?limit=4&offset=8").json()
    assert paged["total"] == 11 and paged["limit"] == 4 and paged["offset"] == 8
    assert [f["id"] for f in paged["items"]] == [f["id"] for f in admin.get("/api/forms").json()["items"]][8:]
