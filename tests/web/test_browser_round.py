"""A whole review round in Chromium, on SQLite and on PostgreSQL: an administrator sets up the
department, two units and the users; unit A uploads and submits (confirming an open error), unit B
keeps a draft the reviewer never sees; the reviewer works from the to-do list, decides every
finding at once, cannot return without a comment, returns; unit A reads the comments at the top of
the form, attaches evidence, fixes and resubmits; the reviewer downloads the evidence and approves
from the list in one go; the dashboard shows the progress; a user whose unit changes is logged out.

Screenshots of every page at 1366, 1024 and 390 px go to $JIXIAO_SCREENSHOTS when it is set (to
look at), and each is checked for the layout faults the issue names: page-wide horizontal
scrolling, badges broken over two lines, the paper form cut off instead of scrolling in its box.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_browser import ARGS, CHROMIUM, CAR, jixiao, serving  # noqa: F401 - ARGS/CHROMIUM used by the browser fixture
from .test_browser import browser  # noqa: F401 - the module-scoped Chromium fixture

DEPARTMENT = "上海市公安局"
UNIT_A = "上海市社会保障卡服务中心"
UNIT_B = "上海市公安局信息中心"
# Passwords that pass the policy (store.users.check_password: no user name in them, zxcvbn ≥ 3).
PASSWORDS = {"admin": "harbour-lantern-owl-91", "unit_a": "violet-tram-ledger-27", "unit_b": "copper-orchard-swim-38",
             "reviewer": "quiet-glacier-stamp-64"}
WIDTHS = (1366, 1024, 390)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("round")
    db = f"sqlite:///{work / 'jixiao.db'}" if request.param == "sqlite" else \
        request.getfixturevalue("pg_server").new_database()
    done = jixiao("user", "add", "admin", "--role", "管理员", "--db", db, stdin=PASSWORDS["admin"] + "\n")
    assert done.returncode == 0, done.stderr
    with serving(db, work) as base:
        yield base, request.param


def session(browser: Browser, base: str, name: str, width: int = 1366) -> Page:
    """A page in its own browser context (its own cookies), logged in as `name`."""
    page = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True).new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(name)
    return page


def shoot(page: Page, name: str, db: str) -> None:
    """Screenshots at the three widths, each checked for broken layout."""
    target = os.environ.get("JIXIAO_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        check_layout(page, f"{name}@{width}")
        if target and db == "sqlite":
            page.screenshot(path=str(Path(target) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def check_layout(page: Page, where: str) -> None:
    faults = page.evaluate("""() => {
      const out = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
      for (const el of document.querySelectorAll('.status, .count, .nav-count')) {
        const r = el.getBoundingClientRect();
        if (r.height > 24) out.push(`badge wraps: "${el.textContent}" is ${r.height}px high`);
        if (el.scrollWidth > el.clientWidth + 1) out.push(`badge spills: "${el.textContent}"`);
        if (el.matches('.status') && (getComputedStyle(el).cursor === 'pointer' || getComputedStyle(el).borderStyle !== 'none')) out.push(`badge looks like a button: "${el.textContent}"`);
      }
      for (const wrap of document.querySelectorAll('.paper-wrap, .table-wrap')) {
        const r = wrap.getBoundingClientRect();
        if (r.right > doc.clientWidth + 1) out.push(`${wrap.className} cut off at ${r.right}`);
      }
      return out;
    }""")
    assert faults == [], f"{where}: {faults}"


def test_a_whole_review_round(server, browser, seed_path, tmp_path):
    base, db = server

    # -- the administrator: a department, two units, the users -----------------------------------
    admin = session(browser, base, "admin")
    admin.goto(base + "/admin/organisation")
    admin.fill("#add-department input[name=name]", DEPARTMENT)
    admin.click("#add-department button")
    expect(admin.locator("#flash")).to_have_text(f"已新增主管部门“{DEPARTMENT}”。")
    for unit in (UNIT_A, UNIT_B):
        admin.fill("#add-unit input[name=name]", unit)
        admin.click("#add-unit button")
        expect(admin.locator("#flash")).to_contain_text(f"已新增实施单位“{unit}”（{DEPARTMENT}）")
    shoot(admin, "organisation", db)
    admin.goto(base + "/admin/users")
    for name, role, unit in (("unit_a", "填报", UNIT_A), ("unit_b", "填报", UNIT_B), ("reviewer", "审核", None)):
        form = admin.locator("#new-user")
        form.locator("input[name=username]").fill(name)
        form.locator("input[name=password]").fill(PASSWORDS[name])
        form.locator("select[name=role]").select_option(role)
        if unit:
            admin.select_option("#new-unit", unit)
        else:
            admin.select_option("#new-departments", [DEPARTMENT])
        form.locator("button[type=submit]").click()
        expect(admin.locator("#flash")).to_have_text(f"已创建用户“{name}”（{role}）。")
    expect(admin.locator("#user-list")).to_contain_text(UNIT_B)
    shoot(admin, "users", db)

    # -- unit A: upload with the Chinese picker, submit one clean form and the car form -----------
    a = session(browser, base, "unit_a")
    a.goto(base + "/upload")
    expect(a.locator("label[for=upload-files]")).to_have_text("选择文件")
    expect(a.locator(".filepick-names")).to_have_text("未选择文件")
    a.set_input_files("#upload-files", str(seed_path))
    expect(a.locator(".filepick-names")).to_have_text("shanghai-2021.txt")
    shoot(a, "upload", db)
    a.click("#upload-submit")
    expect(a.locator("#upload-results .result-line")).to_have_text("shanghai-2021.txt：导入 10 张自评表")
    expect(a.locator("#todo-count")).to_have_text("10")
    a.goto(base + "/todo")
    expect(a.locator("#todo-list tbody tr")).to_have_count(10)
    a.goto(base + "/forms")
    a.locator("#form-list tbody tr").first.locator("a").click()  # the first seed form has no error
    a.click("#submit-form")
    expect(a.locator("#form-status")).to_have_text("已提交")  # no open error: no question asked
    a.goto(base + "/forms")
    a.click(f"text={CAR}")
    a.click("#submit-form")
    box = a.locator("#confirm-box")
    expect(box).to_contain_text("这张表还有 1 处错误未更正")
    expect(box.locator("a[href='#cell-indicators-12-score']")).to_have_text("第13行指标“管理人员责任制度”的得分")
    expect(a.locator("#form-status")).to_have_text("草稿")
    shoot(a, "confirm-submit", db)
    a.click("#confirm-action")
    expect(a.locator("#form-status")).to_have_text("已提交")
    expect(a.locator("#audit")).to_contain_text("经确认，仍有 1 处错误未更正时提交")
    expect(a.locator("#todo-count")).to_have_text("8")
    car_url = a.url

    # -- unit B: a draft of its own, which the reviewer never sees ---------------------------------
    b = session(browser, base, "unit_b")
    b.goto(base + "/forms/new")
    expect(b.locator('input[name="unit"]')).to_have_value(UNIT_B)
    expect(b.locator('input[name="department"]')).to_have_value(DEPARTMENT)
    b.fill('input[name="project"]', "2022年信息中心草稿项目")
    box = b.locator('textarea[name="indicators[0].deviation"]')
    before = box.bounding_box()["height"]
    box.fill("偏差原因：" + "设备到货晚于计划，" * 12 + "已督促供应商加快进度。")
    assert box.bounding_box()["height"] > before + 20  # the box grows with its text
    shoot(b, "edit", db)
    b.click("#save-form")
    expect(b.locator("#form-status")).to_have_text("草稿")
    draft_url = b.url

    # -- the reviewer: to-dos, every decision at once, a comment required to return ----------------
    r = session(browser, base, "reviewer")
    expect(r.locator("#todo-count")).to_have_text("2")
    r.goto(base + "/forms")
    expect(r.locator("#form-list tbody tr")).to_have_count(2)  # the drafts of both units are not there
    expect(r.locator("#form-list")).not_to_contain_text("草稿项目")
    assert r.goto(draft_url).status == 404
    r.goto(base + "/todo")
    expect(r.locator("#todo-list tbody tr")).to_have_count(2)
    shoot(r, "todo-reviewer", db)
    r.goto(car_url)
    rows = r.locator("#findings tbody tr")
    for k in range(rows.count()):
        rows.nth(k).locator("select[name^=decision-]").select_option("说明已接受")
    s003 = r.locator("#findings tr", has_text="S003")
    s003.locator("select[name^=decision-]").select_option("需更正")
    s003.locator("input[name^=comment-]").fill("完善即达成，应得满分 4 分，请更正得分")
    r.click("#save-decisions")
    expect(r.locator("#flash")).to_contain_text(f"已保存复核意见（{rows.count()}/{rows.count()} 个问题已有结论）")
    expect(r.locator("#audit")).to_contain_text("第13行指标“管理人员责任制度”的得分")
    r.click("#return-form")  # no comment: the browser keeps the form and says why, in Chinese
    message = r.eval_on_selector("#review-comment", "el => el.validationMessage")
    assert message == "退回时必须填写退回意见，说明需要更正什么"
    expect(r.locator("#form-status")).to_have_text("已提交")
    shoot(r, "review", db)
    r.fill("#review-comment", "请按复核意见更正第13行得分，并上传管理制度文件作为佐证")
    r.click("#return-form")
    expect(r.locator("#form-status")).to_have_text("退回")
    expect(r.locator("#todo-count")).to_have_text("1")

    # -- unit A: the comments at the top, linked to their cells; evidence; fix and resubmit --------
    a.goto(base + "/todo")
    returned = a.locator("#todo-list tbody tr").first
    expect(returned).to_contain_text("退回")
    expect(returned).to_contain_text("请按复核意见更正第13行得分")
    returned.locator("a").click()
    banner = a.locator("#review-banner")
    expect(banner.locator("h2")).to_have_text("退回意见：请按意见修改后重新提交")
    expect(banner).to_contain_text("请按复核意见更正第13行得分，并上传管理制度文件作为佐证")
    opinion = banner.locator("li.fix")
    expect(opinion).to_contain_text("需更正：完善即达成，应得满分 4 分，请更正得分")
    assert a.evaluate("document.getElementById('review-banner').getBoundingClientRect().top") < \
        a.evaluate("document.querySelector('table.paper').getBoundingClientRect().top")
    opinion.locator("a[href='#cell-indicators-12-score']").last.click()
    assert a.url.endswith("#cell-indicators-12-score")
    shoot(a, "returned", db)
    evidence = tmp_path / "管理制度.pdf"
    evidence.write_bytes(PDF)
    a.set_input_files("#attach-file", str(evidence))
    expect(a.locator("label[for=attach-file] + .filepick-names")).to_have_text("管理制度.pdf")
    a.select_option("#attach-indicator", "12")
    a.click("#attach-submit")
    expect(a.locator("#flash")).to_have_text("已上传佐证材料“管理制度.pdf”。")
    expect(a.locator("#evidence-list")).to_contain_text("第13行指标“管理人员责任制度”")
    a.click("#edit-link")
    a.fill('input[name="indicators[12].score"]', "4")
    a.fill('input[name="total.score"]', "100")
    expect(a.locator("#preview-findings")).not_to_contain_text("S003")
    a.click("#save-form")
    expect(a.locator("#findings")).not_to_contain_text("S003")
    a.click("#submit-form")
    expect(a.locator("#form-status")).to_have_text("已提交")
    expect(a.locator("#review-banner h2")).to_have_text("上次退回的意见")

    # -- the reviewer: the evidence, then both forms approved from the list at once ----------------
    r.goto(car_url)
    with r.expect_download() as info:
        r.click("#evidence-list a[download]")
    assert info.value.suggested_filename == "管理制度.pdf"
    assert Path(info.value.path()).read_bytes() == PDF
    r.goto(base + "/forms?status=已提交")
    expect(r.locator("#form-list tbody tr")).to_have_count(2)
    shoot(r, "list-reviewer", db)
    r.check("#batch-all")
    r.click("#batch-approve")
    expect(r.locator("#flash")).to_have_text("已审核通过 2 张自评表。")
    expect(r.locator("#todo-count")).to_have_count(0)
    r.goto(car_url)
    expect(r.locator("#form-status")).to_have_text("已审核")

    # -- the dashboard: progress by status and unit ----------------------------------------------
    admin.goto(base + "/dashboard")
    expect(admin.locator("#progress-st-approved")).to_have_text("2")
    expect(admin.locator("#progress-st-draft")).to_have_text("9")
    expect(admin.locator("#progress-table")).to_contain_text(UNIT_B)
    expect(admin.locator("svg.chart")).to_have_count(4)
    shoot(admin, "dashboard", db)
    a.goto(car_url)
    shoot(a, "form-approved", db)

    # -- the administrator moves unit B's user to unit A: that session ends at once ----------------
    admin.goto(base + "/admin/users")
    row = admin.locator("#user-list tr", has_text="unit_b")
    row.locator("select[name=unit]").select_option(UNIT_A)
    row.locator(".user-edit button").click()
    expect(admin.locator("#flash")).to_contain_text("该用户需重新登录")
    b.goto(base + "/forms")
    expect(b).to_have_url(f"{base}/login?next=%2Fforms")

    # -- print: the paper form on A4 with its notes -------------------------------------------------
    a.emulate_media(media="print")
    a.set_viewport_size({"width": 1060, "height": 750})
    if os.environ.get("JIXIAO_SCREENSHOTS") and db == "sqlite":
        a.screenshot(path=str(Path(os.environ["JIXIAO_SCREENSHOTS"]) / "print.png"), full_page=True)
    assert a.locator("header.top").is_hidden() and a.locator("table.paper").is_visible()
    pdf = a.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF")
    for p in (admin, a, b, r):
        p.context.close()
