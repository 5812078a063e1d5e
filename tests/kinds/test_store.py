"""Forms of every kind in the store: the kind column (migration 0004), the list filter by kind,
the dashboard's figures per kind, and the stored JSON giving the same form back."""

from __future__ import annotations

import random

from jixiao.readers.jsonio import form_from_dict, form_to_dict
from jixiao.store import open_store
from jixiao.store.queries import FormFilter
from jixiao.synth.kinds import department_form, layout, transfer_form
from jixiao.synth.text import render


def test_forms_of_every_kind_are_stored_filtered_and_counted(tmp_path, seed_path, db_url):
    rng = random.Random(4)
    dept = department_form(rng, "flat")
    transfer = transfer_form(rng, "plain")
    (tmp_path / "d.txt").write_text(render(layout(dept, "flat")), encoding="utf-8")
    (tmp_path / "t.txt").write_text(render(layout(transfer, "plain")), encoding="utf-8")
    with open_store(db_url) as store:
        store.import_file(seed_path)
        store.import_file(tmp_path / "d.txt")
        store.import_file(tmp_path / "t.txt")
        assert len(store.list_forms()) == 12
        got = {k: [r.project for r in store.list_forms(flt=FormFilter(kind=k))] for k in ("department", "transfer")}
        assert got == {"department": [dept.project.text], "transfer": [transfer.project.text]}
        assert len(store.list_forms(flt=FormFilter(kind="project"))) == 10
        rows = store.list_forms(flt=FormFilter(kind="transfer"))
        assert rows[0].department == transfer.local_department.text  # who may see it: the local department
        board = store.dashboard().to_dict()
        assert [(g["name"], g["forms"]) for g in board["kinds"]] == [("project", 10), ("department", 1), ("transfer", 1)]
        stored = store.get_form(rows[0].id)
        back = form_from_dict(stored.data, "x", 0)
        assert back.kind == "transfer" and [m.name.text for m in back.management] == [
            m.name.text for m in transfer.management]
        assert form_to_dict(back)["management"] == form_to_dict(transfer)["management"]
