"""The application as people use it: a real `jixiao serve` (uvicorn) on a free localhost port, a
real Chromium driven by Playwright. An administrator uploads the seed, a unit corrects a value
and submits, a reviewer comments on a finding and approves; the form exports to Excel."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from ..store.pgserver import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORDS = {"admin": "harbor-cobalt-31", "unit": "maple-orbit-4412", "reviewer": "quartz-meadow-87"}
CAR = "2021年(社保卡中心)公务车辆购置费"


def jixiao(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=60)


@contextmanager
def serving(db: str, work: Path, *extra: str):
    """A real `jixiao serve` on a free localhost port, answering /login before its base URL is
    yielded; stopped on the way out. Its log is work/serve.log."""
    port = free_port()
    log = open(work / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "serve", "--db", db, "--port", str(port), *extra],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("jixiao serve did not start: " + (work / "serve.log").read_text())
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def server_db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('serve') / 'jixiao.db'}"


@pytest.fixture(scope="module")
def server(server_db):
    db = server_db
    work = Path(db.removeprefix("sqlite:///")).parent
    for name, extra in (("admin", ["--role", "管理员"]),
                        ("unit", ["--role", "填报", "--unit", "上海市社会保障卡服务中心", "--department", "上海市公安局"]),
                        ("reviewer", ["--role", "审核", "--department", "上海市公安局"])):
        done = jixiao("user", "add", name, *extra, "--db", db, stdin=PASSWORDS[name] + "\n")
        assert done.returncode == 0, done.stderr
    with serving(db, work) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("找不到 /usr/bin/chromium：请先运行 scripts/setup.sh")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def log_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(name)


def log_out(page: Page) -> None:
    page.click(".who button")
    page.wait_for_url("**/login")


def open_car_form(page: Page, base: str) -> None:
    page.goto(base + "/forms")
    page.click(f"text={CAR}")
    expect(page.locator("h1")).to_have_text(CAR)


def test_upload_review_edit_submit_approve_export(server, browser, seed_path, tmp_path):
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)

    # An administrator uploads the seed file and sees a result line for it.
    log_in(page, server, "admin")
    page.goto(server + "/upload")
    page.set_input_files("#upload-files", str(seed_path))
    page.click("#upload-submit")
    expect(page.locator("#upload-results .result-line")).to_have_text("shanghai-2021.txt：导入 10 张自评表")

    # The list shows the ten forms.
    page.goto(server + "/forms")
    expect(page.locator("#form-list tbody tr")).to_have_count(10)

    # The form page marks S003 on the score cell of 管理人员责任制度 (2 of 4 although 完善 = 完善).
    open_car_form(page, server)
    cell = page.locator("#cell-indicators-12-score")
    assert "sev-error" in cell.get_attribute("class")
    expect(cell.locator("a.mark")).to_have_count(1)
    expect(page.locator("#findings")).to_contain_text("实际完成值“完善”与指标值“完善”相同，应得满分 4，填报 2")
    expect(page.locator("#rescored-total")).to_have_text("100")
    shot = tmp_path / "form-page.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("JIXIAO_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["JIXIAO_SCREENSHOTS"]) / "form-page.png")
    log_out(page)

    # The unit changes the actual value: the page re-scores as it types, before saving.
    log_in(page, server, "unit")
    open_car_form(page, server)
    page.click("#edit-link")
    expect(page.locator("#preview-rescored")).to_have_text("100")
    page.fill('input[name="indicators[12].actual"]', "基本完善")
    expect(page.locator("#preview-rescored")).to_have_text("98.4")
    expect(page.locator("#preview-findings")).to_contain_text("S004")
    expect(page.locator("#preview-findings")).not_to_contain_text("S003")
    assert "sev-warning" in page.locator("#cell-indicators-12-score").get_attribute("class")
    page.click("#save-form")

    # Saved: a new version, the new score and findings, and the change in the audit log.
    expect(page.locator(".flash")).to_contain_text("已保存（第 2 版）")
    expect(page.locator("#rescored-total")).to_have_text("98.4")
    expect(page.locator("#findings")).to_contain_text("S004")
    expect(page.locator("#findings")).not_to_contain_text("S003")
    expect(page.locator("#audit")).to_contain_text("基本完善")
    expect(page.locator("#audit")).to_contain_text("第13行指标“管理人员责任制度”的实际完成值")

    # Submit for review, then export the form to Excel.
    page.click("#submit-form")
    expect(page.locator("#form-status")).to_have_text("已提交")
    with page.expect_download() as info:
        page.click("#export-form")
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert wb.sheetnames == [CAR, "复核结果", "问题与复核意见"]
    values = {c.value for row in wb[CAR].iter_rows() for c in row}
    assert {CAR, "基本完善"} <= values
    log_out(page)

    # The reviewer accepts the explanation on the finding and approves the form.
    log_in(page, server, "reviewer")
    open_car_form(page, server)
    row = page.locator("#findings tr", has_text="S004")
    row.locator("select[name^=decision-]").select_option("说明已接受")
    row.locator("input[name^=comment-]").fill("制度尚在完善，扣分合理")
    page.click("#save-decisions")
    expect(page.locator(".flash")).to_contain_text("已保存复核意见")
    expect(page.locator("#findings tr", has_text="S004").locator("input[name^=comment-]")).to_have_value("制度尚在完善，扣分合理")
    page.fill("#review-comment", "同意")
    page.click("#approve-form")
    expect(page.locator("#form-status")).to_have_text("已审核")
    expect(page.locator("#audit")).to_contain_text("审核通过")

    # The dashboard draws its charts from the same forms: for a reviewer, those submitted (the
    # other nine are still the unit's drafts).
    page.goto(server + "/dashboard")
    expect(page.locator("#card-forms")).to_have_text("1")
    expect(page.locator("svg.chart")).to_have_count(4)
    page.close()


def test_user_add_reads_the_password_from_standard_input(tmp_path):
    db = f"sqlite:///{tmp_path / 'u.db'}"
    ok = jixiao("user", "add", "审核员甲", "--role", "审核", "--department", "上海市公安局", "--db", db,
                stdin="a-good-password\n")
    assert ok.returncode == 0 and "已创建用户 审核员甲（审核，主管部门 上海市公安局）" in ok.stdout
    again = jixiao("user", "add", "审核员甲", "--role", "审核", "--department", "x", "--db", db, stdin="another-good-password-7\n")
    assert again.returncode == 2 and "用户“审核员甲”已存在" in again.stderr
    missing = jixiao("user", "add", "单位乙", "--role", "填报", "--db", db, stdin="a-good-password\n")
    assert missing.returncode == 2 and "填报用户必须指定所属实施单位" in missing.stderr


def test_a_unit_fills_in_a_new_form_with_an_added_row(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    log_in(page, server, "unit")
    page.goto(server + "/forms/new")
    expect(page.locator('input[name="unit"]')).to_have_value("上海市社会保障卡服务中心")
    page.fill('input[name="project"]', "2022年新填报项目")
    for name, value in (("funds.annual_budget", "1000"), ("funds.executed", "1000"), ("funds.rate", "100%"),
                        ("funds.score", "10"), ("total.score", "100")):
        page.fill(f'input[name="{name}"]', value)
    rows = page.locator("tr.ind-row")
    before = rows.count()
    page.click("#add-row")
    expect(rows).to_have_count(before + 1)
    k = before  # the new row's index
    for col, value in (("level1", "满意度指标"), ("level2", "服务对象满意度指标"), ("name", "群众满意度"),
                       ("target", ">=90%"), ("actual", "80%"), ("weight", "90"), ("score", "90")):
        page.fill(f'input[name="indicators[{k}].{col}"]', value)
    # 80% of a 90% target earns 80/90 × 90 = 80 points, not 90: S002 on the new row's score.
    expect(page.locator("#preview-rescored")).to_have_text("90")
    expect(page.locator("#preview-findings")).to_contain_text("S002")
    assert "sev-error" in page.locator(f"#cell-indicators-{k}-score").get_attribute("class")
    page.click("#save-form")
    expect(page.locator("h1")).to_have_text("2022年新填报项目")
    expect(page.locator("#rescored-total")).to_have_text("90")
    expect(page.locator("#form-status")).to_have_text("草稿")
    page.close()


# -- sessions, lockout, password change (issue 16) ----------------------------------------------
def _add_user(server_db: str, name: str, password: str) -> None:
    done = jixiao("user", "add", name, "--role", "审核", "--department", "上海市公安局", "--db", server_db,
                  stdin=password + "\n")
    assert done.returncode == 0, done.stderr


def _age_events(server_db: str, seconds: int) -> None:
    """As if `seconds` had passed for the log-in throttle: the security log's times move back."""
    import sqlite3
    from datetime import datetime, timedelta

    con = sqlite3.connect(server_db.removeprefix("sqlite:///"))
    with con:
        for rowid, at in con.execute("SELECT id, at FROM auth_events").fetchall():
            moved = datetime.fromisoformat(at) - timedelta(seconds=seconds)
            con.execute("UPDATE auth_events SET at = ? WHERE id = ?", (moved.isoformat(sep=" "), rowid))
    con.close()


def test_logging_out_in_the_browser_ends_the_session_for_a_copied_cookie(server, browser):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, "unit")
    cookie = next(c for c in context.cookies() if c["name"] == "jixiao_session")
    log_out(page)
    page.goto(server + "/forms")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    # Someone who copied the cookie before the log-out gets nothing with it.
    thief = browser.new_context()
    thief.add_cookies([cookie])
    stolen = thief.new_page()
    stolen.goto(server + "/forms")
    expect(stolen).to_have_url(re.compile(r"/login"))
    assert httpx.get(server + "/api/me", cookies={"jixiao_session": cookie["value"]}).status_code == 401
    thief.close()
    context.close()


def test_a_locked_out_account_is_told_when_to_retry_in_the_browser(server, browser, server_db):
    _add_user(server_db, "lockme", "lock-me-password-1")
    page = browser.new_page()
    page.goto(server + "/login")
    for k in range(10):
        _age_events(server_db, 60)  # wait out each delay
        page.fill("input[name=username]", "lockme")
        page.fill("input[name=password]", f"wrong-password-{k}")
        page.click("button[type=submit]")
        expect(page.locator(".flash-error")).to_contain_text("用户名或密码错误")
    _age_events(server_db, 60)
    page.fill("input[name=username]", "lockme")
    page.fill("input[name=password]", "lock-me-password-1")
    page.click("button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text(re.compile(r"已被锁定，请于 \d\d:\d\d:\d\d（北京时间）后再试"))
    # An administrator sees the lockout and lifts it; then the right password works.
    admin = browser.new_page()
    log_in(admin, server, "admin")
    admin.goto(server + "/admin/security")
    expect(admin.locator("#locked")).to_contain_text("lockme")
    expect(admin.locator("#security-log")).to_contain_text("账号锁定")
    admin.locator("#locked tr", has_text="lockme").locator("button").click()
    expect(admin.locator(".flash")).to_contain_text("已解除用户“lockme”的登录锁定")
    page.fill("input[name=username]", "lockme")
    page.fill("input[name=password]", "lock-me-password-1")
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text("lockme")
    page.close()
    admin.close()


def test_a_user_changes_their_password_and_other_sessions_end(server, browser, server_db):
    _add_user(server_db, "changer", "first-password-of-9")
    _age_events(server_db, 3600)  # the lockout test's failures from this address are long past
    elsewhere = browser.new_context()
    other = elsewhere.new_page()
    other.goto(server + "/login")
    other.fill("input[name=username]", "changer")
    other.fill("input[name=password]", "first-password-of-9")
    other.click("button[type=submit]")
    expect(other.locator(".who")).to_contain_text("changer")

    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "changer")
    page.fill("input[name=password]", "first-password-of-9")
    page.click("button[type=submit]")
    page.click("#account-link")
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    page.fill("input[name=current_password]", "first-password-of-9")
    page.fill("input[name=new_password]", "12345678")
    page.fill("input[name=repeat_password]", "12345678")
    page.evaluate("document.querySelectorAll('#password-form input').forEach(i => i.removeAttribute('minlength'))")
    page.click("#password-form button")
    expect(page.locator(".flash-error")).to_contain_text("密码至少需要10个字符")
    page.fill("input[name=current_password]", "first-password-of-9")
    page.fill("input[name=new_password]", "second-harbor-lantern-5")
    page.fill("input[name=repeat_password]", "second-harbor-lantern-5")
    page.click("#password-form button")
    expect(page.locator(".flash")).to_contain_text("密码已修改")
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    # The other browser's session has ended; the new password logs in, the old one does not.
    other.goto(server + "/forms")
    expect(other).to_have_url(re.compile(r"/login"))
    other.fill("input[name=username]", "changer")
    other.fill("input[name=password]", "first-password-of-9")
    other.click("button[type=submit]")
    expect(other.locator(".flash-error")).to_contain_text("用户名或密码错误")
    other.fill("input[name=password]", "second-harbor-lantern-5")
    other.click("button[type=submit]")
    expect(other.locator(".who")).to_contain_text("changer")
    page.close()
    elsewhere.close()


def test_serve_with_several_workers_shares_sessions_and_throttling(tmp_path):
    """`jixiao serve --workers 2`: sessions and failed log-ins are in the database, so whichever
    process answers, a session works, a log-out ends it, and failures add up across workers."""
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert jixiao("user", "add", "admin", "--role", "管理员", "--db", db, stdin=PASSWORDS["admin"] + "\n").returncode == 0
    with serving(db, tmp_path, "--workers", "2") as base:
        with httpx.Client(base_url=base) as c:
            assert c.post("/api/login", json={"username": "admin", "password": PASSWORDS["admin"]}).status_code == 200
            # A new connection each time, so the kernel hands them to either worker.
            cookie = {"jixiao_session": c.cookies["jixiao_session"]}
            assert all(httpx.get(base + "/api/me", cookies=cookie).status_code == 200 for _ in range(12))
            token = c.get("/api/me").json()["csrf_token"]
            assert c.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 200
        assert all(httpx.get(base + "/api/me", cookies=cookie).status_code == 401 for _ in range(6))
        answers = [httpx.post(base + "/api/login", json={"username": "admin", "password": "wrong-guess-1"}).status_code
                   for _ in range(4)]
        assert answers == [401, 401, 401, 429]
        pids = {line.split("[")[1].split("]")[0] for line in (tmp_path / "serve.log").read_text().splitlines()
                if "Started server process" in line}
        assert len(pids) == 2
