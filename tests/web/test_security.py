"""Who may see and change what, CSRF on every write, upload limits — on SQLite and PostgreSQL.

A 填报 user of one unit must not learn anything about another unit's form: by page URL and by
API the form simply does not exist for them (404), and writes to it are refused the same way.
"""

from __future__ import annotations

import pytest

from jixiao.web import upload


def test_a_unit_user_cannot_read_another_units_form_by_api_or_page(client_for, seeded):
    unit = client_for("unit")
    other = seeded["other"]

    listed = {f["id"] for f in unit.get("/api/forms").json()["items"]}
    assert listed == set(seeded["own"])  # only its own ten
    for url in (f"/api/forms/{other}", f"/api/forms/{other}/audit", f"/api/forms/{other}/export.xlsx",
                f"/forms/{other}", f"/forms/{other}/edit", f"/forms/{other}/export.xlsx"):
        r = unit.get(url)
        assert r.status_code == 404, url
        assert "某区项目" not in r.text
    assert unit.get(f"/api/forms/{seeded['own'][0]}").status_code == 200
    assert "某区项目" not in unit.get("/forms").text
    assert "某区项目" not in unit.get("/dashboard").text


def test_a_unit_user_cannot_change_another_units_form(client_for, seeded, store):
    unit = client_for("unit")
    other = seeded["other"]
    before = store.get_form(other)
    body = {"version": 1, "form": dict(before.data, project="被篡改")}

    assert unit.put(f"/api/forms/{other}", json=body).status_code == 404
    assert unit.post(f"/api/forms/{other}/submit", json={"version": 1}).status_code == 404
    page = unit.post(f"/forms/{other}/edit", data={"csrf_token": unit.csrf, "version": "1", "project": "被篡改"})
    assert page.status_code == 404
    assert unit.post(f"/forms/{other}/status", data={"csrf_token": unit.csrf, "action": "submit"}).status_code == 404
    assert unit.post(f"/forms/{other}/preview", data={"csrf_token": unit.csrf, "project": "x"}).status_code == 404

    after = store.get_form(other)
    assert (after.project, after.version, after.status) == (before.project, 1, "草稿")


def test_a_unit_user_cannot_move_its_form_to_another_unit(client_for, seeded, store):
    unit = client_for("unit")
    own = seeded["own"][0]
    data = store.get_form(own).data
    r = unit.put(f"/api/forms/{own}", json={"version": 1, "form": dict(data, unit="上海市某区财政项目中心")})

    assert r.status_code == 403 and "本人负责范围" in r.json()["detail"]
    assert store.get_form(own).unit == "上海市社会保障卡服务中心"


def test_a_reviewer_sees_only_its_departments_and_cannot_edit(client_for, seeded, store):
    reviewer, other_reviewer = client_for("reviewer"), client_for("other_reviewer")
    # Reviewers see forms from submission on, never drafts.
    assert reviewer.get("/api/forms").json()["items"] == [] and other_reviewer.get("/api/forms").json()["items"] == []
    assert reviewer.get(f"/api/forms/{seeded['own'][0]}").status_code == 404
    for name, ids in (("unit", seeded["own"]), ("other_unit", [seeded["other"]])):
        for i in ids:
            store.change_status(i, "submit", version=None, user=store.user_by_name(name), confirm=True)

    assert {f["id"] for f in reviewer.get("/api/forms").json()["items"]} == set(seeded["own"])
    assert {f["id"] for f in other_reviewer.get("/api/forms").json()["items"]} == {seeded["other"]}
    assert other_reviewer.get(f"/api/forms/{seeded['own'][0]}").status_code == 404
    form = reviewer.get(f"/api/forms/{seeded['own'][0]}").json()
    assert form["permissions"] == {"edit": False, "submit": False, "review": True, "attach": False}
    r = reviewer.put(f"/api/forms/{form['id']}", json={"version": 1, "form": form})
    assert r.status_code == 403


def test_administration_is_for_administrators_only(client_for):
    unit = client_for("unit")
    assert unit.get("/api/users").status_code == 403
    assert unit.post("/api/users", json={"username": "x", "password": "12345678", "role": "管理员"}).status_code == 403
    assert unit.get("/admin/users").status_code == 403
    assert unit.get("/admin/rulesets").status_code == 403
    assert client_for("admin").get("/api/users").status_code == 200


def test_writes_without_the_csrf_token_are_refused_and_change_nothing(client_for, seeded, store, seed_path):
    unit = client_for("unit")
    own = seeded["own"][0]
    data = store.get_form(own).data
    forms_before = len(store.list_forms())

    no_header = unit.put(f"/api/forms/{own}", json={"version": 1, "form": dict(data, project="改")}, csrf=False)
    wrong = unit.put(f"/api/forms/{own}", json={"version": 1, "form": dict(data, project="改")},
                     headers={"X-CSRF-Token": "guessed"}, csrf=False)
    upload_r = unit.post("/api/uploads", files=[("files", ("a.txt", seed_path.read_bytes()))], csrf=False)
    page = unit.post(f"/forms/{own}/edit", data={"version": "1", "project": "改"}, csrf=False)
    page_wrong = unit.post(f"/forms/{own}/edit", data={"csrf_token": "guessed", "version": "1", "project": "改"},
                           csrf=False)
    submit = unit.post(f"/forms/{own}/status", data={"action": "submit", "version": "1"}, csrf=False)
    logout = unit.post("/api/logout", csrf=False)

    for r in (no_header, wrong, upload_r, page, page_wrong, submit, logout):
        assert r.status_code == 403
        assert "CSRF" in r.text
    row = store.get_form(own)
    assert (row.project, row.version, row.status) == (data["project"], 1, "草稿")
    assert len(store.list_forms()) == forms_before
    assert unit.get("/api/me").status_code == 200  # still logged in: the log-out was refused too


def test_the_csrf_token_of_one_session_does_not_work_in_another(client_for, seeded):
    a, b = client_for("unit"), client_for("unit")
    own = seeded["own"][0]
    r = b.post(f"/api/forms/{own}/submit", json={"version": 1}, headers={"X-CSRF-Token": a.csrf}, csrf=False)
    assert r.status_code == 403


def test_the_login_page_needs_its_csrf_token_too(client_for):
    anon = client_for(None)
    page = anon.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]

    refused = anon.post("/login", data={"username": "admin", "password": "correct-horse-42"})
    accepted = anon.post("/login", data={"username": "admin", "password": "correct-horse-42", "csrf_token": token})
    assert refused.status_code == 403
    assert accepted.status_code == 303 and accepted.headers["location"] == "/forms"


def test_the_api_login_accepts_only_json(client_for):
    # A cross-site HTML form can post urlencoded or multipart data, never JSON.
    anon = client_for(None)
    r = anon.http.post("/api/login", data={"username": "admin", "password": "correct-horse-42"})
    assert r.status_code == 422 and "set-cookie" not in r.headers


def test_after_logging_out_the_session_is_gone(client_for):
    unit = client_for("unit")
    assert unit.post("/api/logout").status_code == 200
    assert unit.get("/api/forms").status_code == 401


def test_login_redirect_never_leaves_the_site(client_for):
    anon = client_for(None)
    page = anon.get("/login?next=//evil.example/x")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = anon.post("/login", data={"username": "admin", "password": "correct-horse-42", "csrf_token": token,
                                  "next": "https://evil.example/"})
    assert r.headers["location"] == "/forms"


def test_uploads_are_limited_in_type_and_size(client_for, monkeypatch):
    admin = client_for("admin")
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", 1000)
    r = admin.post("/api/uploads", files=[
        ("files", ("big.txt", b"x" * 1001, "text/plain")),
        ("files", ("script.html.exe", b"<html>", "text/html")),
        ("files", ("empty.txt", b"", "text/plain")),
    ])
    big, exe, empty = r.json()["files"]
    assert "超过大小上限" in big["failed"]
    assert "不支持的文件类型 .exe" in exe["failed"]
    assert empty["failed"] == "文件是空的"
    assert admin.get("/api/forms").json()["items"] == []


def test_writes_without_a_session_get_401_not_a_csrf_error(client_for):
    anon = client_for(None)
    assert anon.post("/api/uploads", files=[("files", ("a.txt", b"x"))]).status_code == 401
    assert anon.put("/api/forms/1", json={"version": 1, "form": {}}).status_code == 401
    page = anon.post("/forms/1/edit", data={"project": "x"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_chunked_upload_is_cut_off_at_the_limit(client_for, monkeypatch):
    admin = client_for("admin")
    monkeypatch.setattr(upload, "MAX_REQUEST_BYTES", 10_000)
    boundary = "jixiao-boundary"

    def body():  # no Content-Length: the size is only known as the chunks arrive
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
               f"Content-Type: text/plain\r\n\r\n").encode()
        for _ in range(20):
            yield b"x" * 1000
        yield f"\r\n--{boundary}--\r\n".encode()

    r = admin.post("/api/uploads", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "请求过大" in r.json()["detail"]
    assert admin.get("/api/forms").json()["items"] == []


def test_an_oversized_request_is_refused_before_it_is_read(client_for):
    admin = client_for("admin")
    r = admin.post("/api/uploads", content=b"x", headers={"Content-Length": str(10**10),
                                                           "Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and "请求过大" in r.json()["detail"]


@pytest.mark.parametrize("url", ["/forms", "/api/forms"])
def test_pages_carry_security_headers(client_for, url):
    r = client_for("admin").get(url)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_passwords_are_stored_as_argon2_hashes(store):
    u = store.add_user("new_user", "a-long-password", "填报", "某单位")
    assert store.user(u.id).password_hash.startswith("$argon2id$")
    assert "a-long-password" not in store.user(u.id).password_hash
    assert store.authenticate("new_user", "a-long-password").id == u.id
    assert store.authenticate("new_user", "wrong-password") is None


def test_text_from_a_form_is_escaped_on_every_page(client_for):
    admin = client_for("admin")
    evil = "<script>alert(1)</script>"
    form = {"project": evil, "year": 2021, "department": evil, "unit": evil,
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": evil, "target": evil, "actual": evil,
                            "weight": "90", "score": "1", "deviation": ""}]}
    form_id = admin.post("/api/forms", json={"form": form}).json()["id"]
    for url in (f"/forms/{form_id}", f"/forms/{form_id}/edit", "/forms", "/dashboard"):
        page = admin.get(url).text
        assert evil not in page and "&lt;script&gt;" in page, url


def test_the_source_file_is_for_its_uploader_and_administrators(client_for, seed_path):
    unit, other, admin = client_for("unit"), client_for("other_unit"), client_for("admin")
    uploaded = unit.post("/api/uploads", files=[("files", ("mine.txt", seed_path.read_bytes()))]).json()
    form = unit.get(f"/api/forms/{uploaded['files'][0]['form_ids'][0]}").json()
    file_id = form["source_file"]["id"]

    assert unit.get(f"/files/{file_id}").content == seed_path.read_bytes()
    assert admin.get(f"/files/{file_id}").status_code == 200
    assert other.get(f"/files/{file_id}").status_code == 404
    assert client_for("reviewer").get(f"/files/{file_id}").status_code == 404
