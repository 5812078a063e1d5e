"""A department-wide form and a transfer-payment form filled in on the web, in a real Chromium
against a real `jixiao serve`: the page re-scores as one types and draws the findings on the
cells they are about (issue 14)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from jixiao.web.formview import cell_id

from .test_browser import browser, log_in, server, server_db  # noqa: F401 - fixtures


def _fill(page, values: dict) -> None:
    for name, value in values.items():
        page.fill(f'[name="{name}"]', value)


def test_filling_in_a_department_wide_form(server, browser):  # noqa: F811 - fixtures
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    log_in(page, server, "admin")
    page.goto(server + "/forms")
    page.click("#new-department")
    expect(page.locator(".form-title")).to_have_text("部门（单位）整体支出绩效自评表")
    _fill(page, {"project": "某市农业农村局", "funds.initial_budget": "1000", "funds.annual_budget": "1000",
                 "funds.executed": "950", "funds.rate": "95%", "funds.score": "9.5",
                 "funds.rows[0].initial_budget": "1000", "funds.rows[0].annual_budget": "1000",
                 "funds.rows[0].executed": "950",
                 # by use: 600 + 300 is not the 1000 of the total
                 "funds.rows[5].initial_budget": "600", "funds.rows[5].annual_budget": "600",
                 "funds.rows[5].executed": "570", "funds.rows[6].initial_budget": "300",
                 "funds.rows[6].annual_budget": "300", "funds.rows[6].executed": "285",
                 "indicators[0].name": "农技推广服务人次", "indicators[0].target": ">=1000人次",
                 "indicators[0].actual": "1200人次", "indicators[0].weight": "90", "indicators[0].score": "90",
                 "total.score": "99.5"})
    expect(page.locator("#preview-findings")).to_contain_text("按支出性质")
    cell = page.locator("#" + cell_id("funds.annual_budget"))
    expect(cell).to_have_class(re.compile(r"sev-error"))
    page.click("#save-form")
    expect(page.locator("h1")).to_have_text("某市农业农村局")
    expect(page.locator(".paper")).to_contain_text("部门预算资金")
    expect(page.locator("#" + cell_id("funds.annual_budget") + " .mark")).to_have_count(1)
    page.close()


def test_filling_in_a_transfer_payment_form(server, browser):  # noqa: F811 - fixtures
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    log_in(page, server, "admin")
    page.goto(server + "/forms")
    page.click("#new-transfer")
    expect(page.locator(".form-title")).to_have_text("转移支付区域（项目）绩效自评表")
    values = {"project": "农村饮水安全转移支付", "department": "水利部", "local_department": "某市水利局",
              "unit": "某县水务局", "funds.annual_budget": "800", "funds.executed": "800", "funds.rate": "100%",
              "funds.score": "10", "funds.rows[0].annual_budget": "800", "funds.rows[0].executed": "800",
              "goals.planned": "解决饮水安全问题", "goals.achieved": "全部完成",
              "indicators[0].name": "受益人口", "indicators[0].target": ">=5000人", "indicators[0].actual": "5200人",
              "indicators[0].weight": "90", "indicators[0].score": "90", "total.score": "100"}
    values.update({f"management[{k}].text": f"第{k + 1}项情况良好" for k in range(1, 7)})
    _fill(page, values)  # 分配科学性 (management[0]) left empty: K005
    expect(page.locator("#preview-findings")).to_contain_text("K005")
    expect(page.locator("#" + cell_id("management[0].text"))).to_have_class(re.compile(r"sev-warning"))
    page.click("#save-form")
    expect(page.locator("h1")).to_have_text("农村饮水安全转移支付")
    expect(page.locator(".paper")).to_contain_text("资金管理情况")
    expect(page.locator("#" + cell_id("management[0].text") + " .mark")).to_have_count(1)
    page.close()


def test_filling_in_a_department_flat_list(server, browser):  # noqa: F811 - fixtures
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    log_in(page, server, "admin")
    page.goto(server + "/forms")
    page.click("#new-department-flat")
    expect(page.locator("#edit-form")).to_contain_text("得分系数(%)")
    _fill(page, {"project": "某市教育局", "funds.annual_budget": "1000", "funds.executed": "1000",
                 "funds.rate": "100%", "funds.score": "10",
                 "indicators[0].name": "校舍维修及时率", "indicators[0].target": "≥95%",
                 "indicators[0].actual": "98%", "indicators[0].coefficient": "90",
                 "indicators[0].weight": "90", "indicators[0].score": "90", "total.score": "100"})
    page.select_option('[name="indicators[0].core"]', "是")
    # met, 得分系数 90, yet full points: K001 on the score
    expect(page.locator("#preview-findings")).to_contain_text("K001")
    expect(page.locator("#" + cell_id("indicators[0].score"))).to_have_class(re.compile(r"sev-error"))
    page.click("#save-form")
    expect(page.locator("h1")).to_have_text("某市教育局")
    expect(page.locator(".paper")).to_contain_text("得分系数 90%，核心指标")
    # K001 (score ≠ weight × 得分系数) and K002 (a met indicator's coefficient below 100) on the score
    expect(page.locator("#" + cell_id("indicators[0].score") + " .mark")).to_have_count(2)
    page.close()
