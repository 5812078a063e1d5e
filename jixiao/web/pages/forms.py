"""The form pages: the filterable list, one form drawn like the paper form with its findings on
their cells, fill-in (new or edit) with live re-scoring, the review workflow and exports."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...store import Conflict, Forbidden, FormFilter, Invalid, NeedsConfirmation, evidence
from ...store import access
from ...store.editing import ACTION_WORDS
from ...model import KIND_NAMES, KINDS
from ...readers.jsonio import assessment_to_dict, form_to_dict
from ...store.assess import report_one
from ...store.queries import SORTS
from ...store.schema import DECISIONS, ROLE_ADMIN, STATUSES, User
from .. import exports, formview
from ..api import xlsx_response
from ..auth import check_csrf, page_user, store_of
from ..formfields import FLAT_COLS, blank_dict, dict_from_fields, form_from_fields, is_flat, kept_indicator_rows
from ..render import flash, render
from ..params import ID
from . import fields, int_or_none

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PageUser = Annotated[User, Depends(page_user)]
Fields = Annotated[dict, Depends(fields)]

PAGE_SIZE = 100
LIST_KEYS = ("year", "kind", "department", "unit", "grade", "has_errors", "rule", "status", "q")
COLUMNS = [("id", "编号"), ("project", "项目名称"), ("year", "年度"), ("department", "主管部门"), ("unit", "实施单位"),
           ("budget", "全年预算数（元）"), ("rate", "执行率"), ("self_total", "自评分"), ("rescored_total", "重评分"),
           (None, "等级"), ("errors", "错误"), ("warnings", "警告"), ("status", "状态")]


def list_filter(request: Request) -> tuple[FormFilter, dict]:
    q = request.query_params
    chosen = {k: q.get(k, "") for k in LIST_KEYS}
    has_errors = {"1": True, "0": False}.get(chosen["has_errors"])
    kind = chosen["kind"] if chosen["kind"] in KINDS else None
    flt = FormFilter(year=int_or_none(chosen["year"]), kind=kind, department=chosen["department"] or None,
                     unit=chosen["unit"] or None, grade=chosen["grade"] or None, has_errors=has_errors,
                     rule=chosen["rule"] or None, status=chosen["status"] or None, q=chosen["q"] or None)
    return flt, chosen


@router.get("/forms")
def form_list(request: Request, user: PageUser, sort: str = "id", order: str = "asc", page: int = 1):
    store = store_of(request)
    flt, chosen = list_filter(request)
    sort = sort if sort in SORTS else "id"
    total = store.count_forms(user, flt)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = store.list_forms(user, flt, sort, order == "desc", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                            summary=True)
    base = {k: v for k, v in chosen.items() if v}

    def sort_link(key: str) -> str:
        nxt = "desc" if key == sort and order != "desc" else "asc"
        return "/forms?" + urlencode({**base, "sort": key, "order": nxt})

    return render(request, "forms.html", user, rows=rows, chosen=chosen, choices=store.filter_choices(user),
                  kind_names=KIND_NAMES,
                  columns=COLUMNS, sort=sort, order=order, sort_link=sort_link, statuses=STATUSES,
                  export_link="/forms/export.xlsx?" + urlencode({**base, "sort": sort, "order": order}),
                  total=total, page=page, pages=pages,
                  page_link=lambda n: "/forms?" + urlencode({**base, "sort": sort, "order": order, "page": n}),
                  can_create=access.can_create(user), can_batch=user.role in ("审核", "管理员"))


@router.get("/forms/export.xlsx")
def export_list(request: Request, user: PageUser, sort: str = "id", order: str = "asc"):
    flt, chosen = list_filter(request)
    shown = "，".join(f"{k}={v}" for k, v in chosen.items() if v)
    return exports.summary_response(store_of(request), user, flt, sort if sort in SORTS else "id", order == "desc", shown)


@router.get("/forms/new")
def new_form(request: Request, user: PageUser, kind: str = "project", layout: str = ""):
    if not access.can_create(user):
        raise HTTPException(403, "只有填报用户或管理员可以新建自评表")
    store = store_of(request)
    data = blank_dict(user, store.ruleset(), kind if kind in KINDS else "project", flat=layout == "flat")
    return _edit_page(request, user, data, None, None)


@router.post("/forms/new")
def create_form(request: Request, user: PageUser, form: Fields):
    store = store_of(request)
    try:
        row = store.create_form(form_from_fields(form), user)
    except Invalid as e:
        return _edit_page(request, user, _safe_dict(form, None), None, None, error=e.message, status_code=422)
    flash(request, "已新建自评表（草稿）。")
    return RedirectResponse(f"/forms/{row.id}", status_code=303)


@router.get("/forms/{form_id}")
def view_form(request: Request, form_id: ID, user: PageUser):
    return _form_page(request, user, form_id)


def _form_page(request: Request, user: User, form_id: int, status_code: int = 200, **extra):
    page = store_of(request).form_page(form_id, user)
    row = page.row
    view = formview.build(row.data, row.assessment, row.findings)
    can_file = user.role == ROLE_ADMIN or (row.source_file is not None and row.source_file.imported_by == user.id)
    return render(request, "form.html", user, status_code=status_code, row=row, view=view,
                  audit=page.audit, perms=access.permissions(user, row), decisions=DECISIONS,
                  can_file=can_file, review=page.review, attachments=page.attachments,
                  max_attachment_mb=evidence.MAX_BYTES // (1024 * 1024), **extra)


@router.get("/forms/{form_id}/edit")
def edit_form(request: Request, form_id: ID, user: PageUser):
    row = store_of(request).get_form(form_id, user)
    if not access.can_edit(user, row):
        raise HTTPException(403, f"这张表当前状态为“{row.status}”，您不能修改")
    return _edit_page(request, user, row.data, row, row.version)


@router.post("/forms/{form_id}/edit")
def save_form(request: Request, form_id: ID, user: PageUser, form: Fields):
    store = store_of(request)
    row = store.get_form(form_id, user)
    version = int_or_none(form.get("version"))
    try:
        saved = store.save_form(form_id, form_from_fields(form, row.data), version=version, user=user)
    except Conflict as e:
        # Keep what the user typed on the page, say what happened, and offer the latest version.
        return _edit_page(request, user, _safe_dict(form, row.data), row, version, error=e.message, conflict=True,
                          status_code=409)
    except Invalid as e:
        return _edit_page(request, user, _safe_dict(form, row.data), row, version, error=e.message, status_code=422)
    flash(request, f"已保存（第 {saved.version} 版），已重新评分和检查。")
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


@router.post("/forms/new/preview")
def preview_new(request: Request, user: PageUser, form: Fields):
    return _preview(request, user, form, None)


@router.post("/forms/{form_id}/preview")
def preview_edit(request: Request, form_id: ID, user: PageUser, form: Fields):
    return _preview(request, user, form, store_of(request).get_form(form_id, user).data)


def _preview(request: Request, user: User, form: dict, base: dict | None):
    """Score and check the values on the page without saving (the fill-in page calls this as the
    user types, and shows the totals and findings it returns)."""
    store = store_of(request)
    try:
        f = form_from_fields(form, base)
    except Invalid as e:
        return render(request, "_preview.html", user, error=e.message, view=None, marks={})
    report = report_one(f, store.ruleset())
    data = form_to_dict(f)
    view = formview.build(data, assessment_to_dict(report.assessment), [x.to_dict() for x in report.findings])
    # Blank rows on the page are not in the form: point each finding back at the page's row.
    page_rows = kept_indicator_rows(form)
    on_page = dict(data, indicators=[{} for _ in range(max(page_rows, default=-1) + 1)])
    for k, ind in zip(page_rows, data["indicators"]):
        on_page["indicators"][k] = ind
    marks = {}
    for key, found in view.marks.items():
        page_key = formview.renumber(key, page_rows)
        marks[formview.cell_id(page_key)] = view.cell_class(key)
        for fv in found:
            fv.key, fv.where = page_key, formview.field_label(page_key, on_page)
    return render(request, "_preview.html", user, view=view, a=report.assessment, marks=marks, error=None)


@router.post("/forms/{form_id}/status")
def change_status(request: Request, form_id: ID, user: PageUser, form: Fields):
    action = form.get("action", "")
    if action not in ("submit", "approve", "return"):
        raise Invalid("未知的操作")
    try:
        row = store_of(request).change_status(form_id, action, version=int_or_none(form.get("version")), user=user,
                                              comment=form.get("comment"), confirm=form.get("confirm") == "1")
    except NeedsConfirmation as e:
        # Ask on the form itself, with the open errors linked to their cells.
        return _form_page(request, user, form_id, status_code=409,
                          confirm={"action": action, "word": ACTION_WORDS[action], "message": e.message,
                                   "errors": e.open_errors, "comment": form.get("comment") or ""})
    except (Invalid, Forbidden, Conflict) as e:
        flash(request, e.message, "error")  # stay on the form, with the message
        return RedirectResponse(f"/forms/{form_id}", status_code=303)
    flash(request, f"状态已改为“{row.status}”。")
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


@router.get("/forms/{form_id}/export.xlsx")
def export_form(request: Request, form_id: ID, user: PageUser):
    row = store_of(request).get_form(form_id, user)
    return xlsx_response(exports.form_workbook(row), f"自评表-{row.id}-{row.project[:30]}.xlsx")


@router.get("/files/{file_id}")
def source_file(request: Request, file_id: ID, user: PageUser):
    """The imported file as it was uploaded: for its uploader and administrators only, since a
    file may hold forms of units the viewer may not see."""
    sf = store_of(request).source_file(file_id)
    if sf is None or not (user.role == ROLE_ADMIN or sf.imported_by == user.id):
        raise HTTPException(404, "文件不存在，或您无权下载")
    return Response(sf.content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename=\"source\"; filename*=UTF-8''{quote(sf.filename)}"})


def _safe_dict(form: dict, base: dict | None) -> dict:
    try:
        return dict_from_fields(form, base)
    except Invalid:
        return dict_from_fields({k: v for k, v in form.items() if k != "year"}, base)


def _edit_page(request: Request, user: User, data: dict, row, version: int | None, *, error: str | None = None,
               conflict: bool = False, status_code: int = 200):
    view = formview.build(data, row.assessment if row is not None else {}, row.findings if row is not None else [])
    inds = list(data.get("indicators") or [])
    blank = {"level1": "", "level2": "", "name": "", "target": "", "actual": "", "weight": "", "score": "",
             "deviation": "", **dict.fromkeys(FLAT_COLS, "")}
    return render(request, "form_edit.html", user, status_code=status_code, data=data, row=row, view=view,
                  version=version, rows=inds + [blank], flat=is_flat(data), error=error, conflict=conflict,
                  action=f"/forms/{row.id}/edit" if row is not None else "/forms/new",
                  preview=f"/forms/{row.id}/preview" if row is not None else "/forms/new/preview")
