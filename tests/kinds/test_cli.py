"""`jixiao parse` and `jixiao check` say which kind of form they read."""

from __future__ import annotations

import random

from click.testing import CliRunner

from jixiao.cli import main
from jixiao.synth.kinds import department_form, layout, transfer_form
from jixiao.synth.text import render


def test_parse_and_check_name_the_kind(tmp_path):
    rng = random.Random(2)
    dept, transfer = department_form(rng, "flat"), transfer_form(rng, "plain")
    (tmp_path / "d.txt").write_text(render(layout(dept, "flat")), encoding="utf-8")
    (tmp_path / "t.txt").write_text(render(layout(transfer, "plain")), encoding="utf-8")
    runner = CliRunner()
    parsed = runner.invoke(main, ["parse", str(tmp_path / "d.txt"), str(tmp_path / "t.txt")])
    assert parsed.exit_code == 0, parsed.output
    assert f"【{dept.project.text}】（部门整体支出）" in parsed.output
    assert "得分系数 100" in parsed.output
    assert f"地方主管部门：{transfer.local_department.text}" in parsed.output
    assert "资金管理情况 分配科学性：" in parsed.output
    checked = runner.invoke(main, ["check", str(tmp_path / "t.txt")])
    assert checked.exit_code == 0, checked.output
    assert f"【{transfer.project.text}】（转移支付）" in checked.output and "未发现问题" in checked.output
