"""The review round's pages: 待办, every finding's decision saved at once, approving or returning
several forms from the list, evidence files (佐证材料), departments and units.

A refused action never leaves the page it came from: the message is shown there (the flash), or,
when errors are still open, the page asks for confirmation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ...errors import JixiaoError
from ...store import NeedsConfirmation, NotFound, evidence
from ...store.schema import User
from ..auth import check_csrf, page_admin, page_user, store_of
from ..render import flash, render
from . import int_or_none

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PageUser = Annotated[User, Depends(page_user)]
Admin = Annotated[User, Depends(page_admin)]


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/todo")
def todo_page(request: Request, user: PageUser):
    return render(request, "todo.html", user, items=store_of(request).todo(user))


@router.post("/forms/batch")
async def batch(request: Request, user: PageUser):
    form = await request.form()
    ids = [i for i in (int_or_none(v) for v in form.getlist("ids") if isinstance(v, str)) if i is not None]
    action, comment = str(form.get("action") or ""), str(form.get("comment") or "")
    store = store_of(request)
    try:
        results = store.batch(action, ids, user=user, comment=comment, confirm=form.get("confirm") == "1")
    except NeedsConfirmation as e:
        return render(request, "batch_confirm.html", user, status_code=409, message=e.message, pending=e.open_errors,
                      ids=ids, action=action, comment=comment)
    except JixiaoError as e:
        flash(request, e.message, "error")
        return _back("/forms?status=已提交")
    done = [r for r in results if r["ok"]]
    failed = [r for r in results if not r["ok"]]
    word = "审核通过" if action == "approve" else "退回"
    text = f"已{word} {len(done)} 张自评表。"
    if failed:
        text += f"{len(failed)} 张未处理：" + "；".join(f"编号 {r['id']}：{r['detail']}" for r in failed)
    flash(request, text, "error" if failed else "ok")
    return _back("/forms?status=已提交")


@router.post("/forms/{form_id}/findings")
async def save_decisions(request: Request, form_id: int, user: PageUser):
    form = await request.form()
    decisions = []
    for key in form.keys():
        if key.startswith("decision-") and (fid := int_or_none(key[len("decision-"):])) is not None:
            decisions.append((fid, str(form.get(key) or ""), str(form.get(f"comment-{fid}") or "")))
    try:
        row = store_of(request).review_findings(form_id, decisions, user=user)
    except NotFound:
        raise
    except JixiaoError as e:
        flash(request, e.message, "error")
        return _back(f"/forms/{form_id}#findings")
    decided = sum(1 for f in row.findings if f.review_decision)
    flash(request, f"已保存复核意见（{decided}/{len(row.findings)} 个问题已有结论）。")
    return _back(f"/forms/{form_id}#findings")


@router.post("/forms/{form_id}/attachments")
async def attach(request: Request, form_id: int, user: PageUser):
    form = await request.form()
    upload = form.get("file")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise JixiaoError("请先选择要上传的文件")
        data = await upload.read(evidence.MAX_BYTES + 1)
        a = store_of(request).attach(form_id, upload.filename, data, user=user,
                                     indicator=int_or_none(str(form.get("indicator") or "")))
    except NotFound:
        raise
    except JixiaoError as e:
        flash(request, e.message, "error")
        return _back(f"/forms/{form_id}#evidence")
    flash(request, f"已上传佐证材料“{a.filename}”。")
    return _back(f"/forms/{form_id}#evidence")


@router.post("/attachments/{attachment_id}/delete")
def delete_attachment(request: Request, attachment_id: int, user: PageUser):
    store = store_of(request)
    a, _ = store.attachment(attachment_id, user)
    try:
        store.delete_attachment(attachment_id, user=user)
    except JixiaoError as e:
        flash(request, e.message, "error")
        return _back(f"/forms/{a.form_id}#evidence")
    flash(request, f"已删除佐证材料“{a.filename}”（已记入修改记录）。")
    return _back(f"/forms/{a.form_id}#evidence")


# -- departments and units --------------------------------------------------------------------------
@router.get("/admin/organisation")
def organisation_page(request: Request, user: Admin):
    store = store_of(request)
    return render(request, "admin_organisation.html", user, departments=store.departments(), units=store.units())


@router.post("/admin/organisation")
async def organisation_change(request: Request, user: Admin):
    form = {k: v for k, v in (await request.form()).multi_items() if isinstance(v, str)}
    store = store_of(request)
    active = {"1": True, "0": False}.get(form.get("active", ""))
    try:
        what = form.get("what")
        if what == "add-department":
            d = store.add_department(form.get("name", ""))
            text = f"已新增主管部门“{d.name}”。"
        elif what == "add-unit":
            u = store.add_unit(form.get("name", ""), int_or_none(form.get("department_id")) or 0)
            text = f"已新增实施单位“{u.name}”（{u.department.name}）。"
        elif what == "department":
            d = store.update_department(int_or_none(form.get("id")) or 0, name=form.get("name"), active=active)
            text = f"已更新主管部门“{d.name}”（{'启用' if d.active else '停用'}）。"
        elif what == "unit":
            u = store.update_unit(int_or_none(form.get("id")) or 0, name=form.get("name"),
                                  department=int_or_none(form.get("department_id")), active=active)
            text = f"已更新实施单位“{u.name}”（{u.department.name}，{'启用' if u.active else '停用'}）。"
        else:
            raise JixiaoError("未知的操作")
    except JixiaoError as e:
        flash(request, e.message, "error")
        return _back("/admin/organisation")
    flash(request, text)
    return _back("/admin/organisation")
