"""A batch over a synthetic corpus holding department-wide and transfer-payment forms: every
form stored with its kind, the summary workbook's figures per kind."""

from __future__ import annotations

import openpyxl
from sqlalchemy import create_engine, func, select

from jixiao.batch.run import BatchOptions, run_batch
from jixiao.store.schema import FormRow
from jixiao.synth.corpus import read_manifest, write_corpus


def test_a_batch_stores_each_kind_and_sums_them_apart(tmp_path):
    corpus = tmp_path / "corpus"
    # (the draw follows the catalogue: seed 6 gives all three kinds with S009 in it, seed 5 no longer)
    write_corpus(corpus, 60, seed=6, error_share=0.5, other_kinds=True)
    rows = read_manifest(corpus / "manifest.csv")
    url = f"sqlite:///{tmp_path / 'b.db'}"
    run_batch(BatchOptions(roots=[str(corpus)], url=url, workers=1, report=str(tmp_path / "b.xlsx"), chunk=8))
    engine = create_engine(url)
    with engine.connect() as c:
        kinds = dict(c.execute(select(FormRow.kind, func.count()).group_by(FormRow.kind)).all())
    engine.dispose()
    assert set(kinds) == {"project", "department", "transfer"}
    assert sum(kinds.values()) == len({(r["file"], r["project"]) for r in rows if r["rule"] != "P001"})
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["按种类"]
    got = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)
           if ws.cell(row=r, column=1).value}
    assert got == {"项目支出": kinds["project"], "部门整体支出": kinds["department"], "转移支付": kinds["transfer"]}
