"""Fixtures for the web tests: the application over a real store (SQLite file or a real
PostgreSQL server), its users, and logged-in API clients that send the CSRF header."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pytest

from jixiao.readers import read_forms
from jixiao.readers.jsonio import dumps
from jixiao.store import open_store
from jixiao.store.schema import User
from jixiao.store.users import hash_password
from jixiao.web import create_app


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

UNIT = "上海市社会保障卡服务中心"
DEPARTMENT = "上海市公安局"
OTHER_UNIT = "上海市某区财政项目中心"
OTHER_DEPARTMENT = "上海市某区财政局"
PASSWORD = "correct-horse-42"

USERS = {
    "admin": ("管理员", None, []),
    "unit": ("填报", UNIT, [DEPARTMENT]),
    "other_unit": ("填报", OTHER_UNIT, [OTHER_DEPARTMENT]),
    "reviewer": ("审核", None, [DEPARTMENT]),
    "other_reviewer": ("审核", None, [OTHER_DEPARTMENT]),
}


@pytest.fixture(scope="session")
def password_hash() -> str:
    # argon2 is slow on purpose; hash the shared test password once, not five times per test.
    return hash_password(PASSWORD)


@pytest.fixture
def store(db_url, password_hash):
    s = open_store(db_url)
    with s.Session.begin() as session:
        for name, (role, unit, deps) in USERS.items():
            session.add(User(username=name, password_hash=password_hash, role=role, unit=unit, departments=deps,
                             active=True))
    yield s
    s.close()


@pytest.fixture
def app(store):
    return create_app(store=store)


@dataclass
class Client:
    """A browser-like API client: keeps the session cookie, sends X-CSRF-Token on writes."""

    http: TestClient
    csrf: str | None = None

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def _write(self, method, url, csrf=True, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        return self.http.request(method, url, headers=headers, **kw)

    def post(self, url, **kw):
        return self._write("POST", url, **kw)

    def put(self, url, **kw):
        return self._write("PUT", url, **kw)

    def patch(self, url, **kw):
        return self._write("PATCH", url, **kw)


@pytest.fixture
def client_for(app):
    """client_for("unit") → a client logged in as that user; client_for(None) → anonymous."""
    made = []

    def make(username: str | None) -> Client:
        http = TestClient(app, follow_redirects=False)
        made.append(http)
        c = Client(http)
        if username:
            r = http.post("/api/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.csrf = r.json()["csrf_token"]
        return c

    yield make
    for http in made:
        http.close()


@pytest.fixture
def seeded(store, seed_path, tmp_path):
    """The ten seed forms of UNIT, and one form of OTHER_UNIT (the first seed form, renamed)."""
    store.import_file(seed_path)
    forms, _ = read_forms(seed_path)
    other = forms[0]
    other.unit.text, other.department.text = OTHER_UNIT, OTHER_DEPARTMENT
    other.project.text = "某区项目：其他单位的表"
    path = tmp_path / "other.json"
    path.write_text(dumps([other]), encoding="utf-8")
    result = store.import_file(path)
    assert result.forms == 1
    own = [r.id for r in store.list_forms() if r.unit == UNIT]
    return {"own": own, "other": result.form_ids[0]}
