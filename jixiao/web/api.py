"""The JSON API: everything the pages show, for scripts and other tools (OpenAPI at /docs).

A form's JSON is the shape of `jixiao parse --json` (one form) merged with `jixiao check --json`
(self/re-scored totals and grades, findings), plus its id, status and version. Every call needs
a session (`POST /api/login`); every state-changing call needs the header X-CSRF-Token.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, HTTPException, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import ReadError
from ..readers.jsonio import form_from_dict
from ..store import FormFilter, Invalid
from ..store.schema import FindingRow, FormRow, User
from ..store import access
from ..store.schema import AuthEvent, SessionRow
from . import exports, upload
from .formview import loc_text
from .auth import api_admin, api_user, check_csrf, client_address, csrf_token, login, logout, session_id, store_of
from .pages.dashboard import largest
from .params import DEFAULT_LIMIT, ID, Limit, Offset, page

router = APIRouter(prefix="/api", tags=["API"], dependencies=[Depends(check_csrf)])
login_router = APIRouter(prefix="/api", tags=["API"])  # no CSRF token before there is a session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginBody(BaseModel):
    username: str = Field(..., max_length=100)
    password: str = Field(..., max_length=1000)


class PasswordBody(BaseModel):
    current_password: str = Field(..., max_length=1000)
    new_password: str = Field(..., max_length=1000)


class SaveBody(BaseModel):
    version: int | None = Field(None, description="the version the edit started from; a different current version → 409")
    form: dict = Field(..., description="the form in the shape of `jixiao parse --json` (one object)")


class StatusBody(BaseModel):
    version: int | None = None
    comment: str | None = None
    confirm: bool = Field(False, description="submit or approve although errors are open (else 409 listing them)")


class FindingReviewBody(BaseModel):
    decision: Literal["说明已接受", "需更正"]
    comment: str | None = None


class UserBody(BaseModel):
    username: str
    password: str
    role: Literal["填报", "审核", "管理员"]
    unit: str | None = None
    departments: list[str] = []


class UserPatch(BaseModel):
    active: bool | None = None
    password: str | None = None
    role: Literal["填报", "审核", "管理员"] | None = None
    unit: str | None = None
    departments: list[str] | None = None


class RuleSetBody(BaseModel):
    name: str
    content: str = Field(..., description="the rule-set file (TOML)")
    activate: bool = False


def user_json(u: User) -> dict:
    return {"id": u.id, "username": u.username, "role": u.role, "unit": u.unit, "departments": u.departments,
            "active": u.active}


def row_summary(r: FormRow) -> dict:
    s = dec_text
    return {"id": r.id, "project": r.project, "year": r.year, "department": r.department, "unit": r.unit,
            "budget": s(r.budget), "executed": s(r.executed), "rate": s(r.rate), "self_total": s(r.self_total),
            "rescored_total": s(r.rescored_total), "self_grade": r.self_grade, "rescored_grade": r.rescored_grade,
            "errors": r.error_count, "warnings": r.warning_count, "infos": r.info_count, "status": r.status,
            "version": r.version, "updated_at": r.updated_at.isoformat() if r.updated_at else None}


def dec_text(v: Decimal | None) -> str | None:
    """Decimals as strings, never floats; two places when that is exact ('446048.00', '97.50')."""
    if v is None:
        return None
    q = v.quantize(Decimal("0.01"))
    return format(q if q == v else v.normalize(), "f")


def finding_json(f: FindingRow) -> dict:
    return {"id": f.id, "rule": f.rule, "severity": f.severity, "message": f.message, "indicator": f.indicator,
            "index": f.indicator_index, "field": f.field, "expected": f.expected, "printed": f.printed,
            "difference": f.difference, "location": loc_text(f.location) or None,
            "decision": f.review_decision, "comment": f.review_comment,
            "review": {"decision": f.review_decision, "comment": f.review_comment,
                       "at": f.reviewed_at.isoformat() if f.reviewed_at else None} if f.review_decision else None}


def form_json(r: FormRow, user: User) -> dict:
    out = dict(r.data)
    # check --json keys that parse --json lacks (totals, grades); the form's own keys win.
    out.update({k: v for k, v in (r.report or {}).items() if k not in out and k != "findings"})
    out.update(id=r.id, status=r.status, version=r.version, ruleset=r.ruleset,
               findings=[finding_json(f) for f in r.findings], assessment=r.assessment,
               source_file={"id": r.source_file.id, "filename": r.source_file.filename} if r.source_file else None,
               permissions=access.permissions(user, r))
    return out


def review_json(review: dict | None) -> dict | None:
    if review is None:
        return None
    return {"status": review["status"], "comment": review["comment"], "reviewer": review["reviewer"],
            "at": review["at"].isoformat() if review["at"] else None}


def form_full_json(store, r: FormRow, user: User) -> dict:
    """A form as the API gives it, with the latest review (approval or return) of it."""
    out = form_json(r, user)
    out["review"] = review_json(store.last_review(r.id, user))
    return out


def session_json(r: SessionRow, current: int | None) -> dict:
    return {"id": r.id, "current": r.id == current, "created_at": r.created_at.isoformat(),
            "last_seen": r.last_seen.isoformat(), "address": r.address, "user_agent": r.user_agent}


def event_json(e: AuthEvent) -> dict:
    return {"id": e.id, "at": e.at.isoformat(), "event": e.event, "username": e.username, "address": e.address,
            "detail": e.detail, "by": e.by_user}


async def filters(year: int | None = None, department: str | None = None, unit: str | None = None,
            grade: Literal["优", "良", "中", "差"] | None = None, has_errors: bool | None = None,
            rule: str | None = None, status: str | None = None, q: str | None = None,
            kind: Literal["project", "department", "transfer"] | None = None) -> FormFilter:
    return FormFilter(year=year, kind=kind, department=department or None, unit=unit or None, grade=grade,
                      has_errors=has_errors, rule=rule or None, status=status or None, q=q or None)


# -- session ----------------------------------------------------------------------------------
@login_router.post("/login", summary="登录（设置会话 Cookie，返回 CSRF 令牌）；失败过多时 429")
def api_login(body: LoginBody, request: Request) -> dict:
    user = store_of(request).login(body.username, body.password, client_address(request))
    token = login(request, user)
    return {"user": user_json(user), "csrf_token": token}


@router.post("/logout", summary="退出登录（会话立即失效）")
def api_logout(request: Request, user: Annotated[User, Depends(api_user)]) -> dict:
    logout(request)
    return {"ok": True}


@router.get("/me", summary="当前用户与 CSRF 令牌")
def api_me(request: Request, user: Annotated[User, Depends(api_user)]) -> dict:
    return {"user": user_json(user), "csrf_token": csrf_token(request), "session": session_id(request)}


@router.post("/me/password", summary="修改本人密码（需当前密码；本人的其他会话随即失效）")
def api_change_password(request: Request, user: Annotated[User, Depends(api_user)], body: PasswordBody) -> dict:
    store_of(request).change_password(user, body.current_password, body.new_password, keep_session=session_id(request),
                                      address=client_address(request))
    return {"ok": True}


@router.get("/me/sessions", summary="本人的会话（登录的浏览器与程序）")
def api_sessions(request: Request, user: Annotated[User, Depends(api_user)]) -> list[dict]:
    return [session_json(r, session_id(request)) for r in store_of(request).sessions_of(user)]


@router.delete("/me/sessions/{sid}", summary="结束本人的一个会话")
def api_end_session(request: Request, sid: ID, user: Annotated[User, Depends(api_user)]) -> dict:
    if not store_of(request).end_session(sid, user):
        raise HTTPException(404, "没有这个会话")
    return {"ok": True}


@router.delete("/me/sessions", summary="结束本人的其他所有会话（保留当前这个）")
def api_end_other_sessions(request: Request, user: Annotated[User, Depends(api_user)]) -> dict:
    return {"ended": store_of(request).end_sessions(user, keep=session_id(request))}


# -- uploads and forms ------------------------------------------------------------------------
@router.post("/uploads", summary="上传一个或多个文件（字段 files），逐个导入")
async def api_upload(request: Request, user: Annotated[User, Depends(api_user)],
                     files: Annotated[list[UploadFile], File(description="自评表文件，可多个")]) -> dict:
    received = await upload.receive(files)
    results = await run_in_threadpool(upload.import_all, store_of(request), user, received)
    return {"files": [r.to_dict() for r in results],
            "forms": sum(r.forms for r in results if not r.duplicate)}


@router.get("/forms", summary="当前用户可见的自评表（可筛选、排序、分页）：{items, total, limit, offset}")
def api_forms(request: Request, user: Annotated[User, Depends(api_user)], flt: Annotated[FormFilter, Depends(filters)],
              sort: str = "id", order: Literal["asc", "desc"] = "asc", limit: Limit = DEFAULT_LIMIT,
              offset: Offset = 0) -> dict:
    store = store_of(request)
    rows = store.list_forms(user, flt, sort, order == "desc", limit=limit, offset=offset, summary=True)
    total = store.count_forms(user, flt)
    return page([row_summary(r) for r in rows], total, limit, offset)


@router.get("/forms/export.xlsx", summary="筛选后的自评表汇总（Excel）", response_class=Response)
def api_export_list(request: Request, user: Annotated[User, Depends(api_user)],
                    flt: Annotated[FormFilter, Depends(filters)], sort: str = "id",
                    order: Literal["asc", "desc"] = "asc") -> Response:
    return exports.summary_response(store_of(request), user, flt, sort, order == "desc", "")


@router.post("/forms", summary="新建一张自评表", status_code=201)
def api_create(request: Request, user: Annotated[User, Depends(api_user)], body: SaveBody) -> dict:
    store = store_of(request)
    row = store.create_form(_form(body.form), user)
    return form_full_json(store, store.get_form(row.id, user), user)


@router.get("/forms/{form_id}", summary="一张自评表：表内容、重新评分与全部问题")
def api_form(request: Request, form_id: ID, user: Annotated[User, Depends(api_user)]) -> dict:
    store = store_of(request)
    return form_full_json(store, store.get_form(form_id, user), user)


@router.put("/forms/{form_id}", summary="保存修改（需给出开始编辑时的版本号）")
def api_save(request: Request, form_id: ID, user: Annotated[User, Depends(api_user)], body: SaveBody) -> dict:
    store = store_of(request)
    current = store.get_form(form_id, user)
    form_dict = dict(body.form)
    form_dict.setdefault("source", current.data.get("source"))
    row = store.save_form(form_id, _form(form_dict), version=body.version, user=user)
    return form_full_json(store, row, user)


@router.post("/forms/{form_id}/{action}", summary="提交（submit）、审核通过（approve）或退回（return）")
def api_status(request: Request, form_id: ID, action: Literal["submit", "approve", "return"],
               user: Annotated[User, Depends(api_user)], body: StatusBody | None = None) -> dict:
    body = body or StatusBody()
    store = store_of(request)
    row = store.change_status(form_id, action, version=body.version, user=user, comment=body.comment,
                              confirm=body.confirm)
    return form_full_json(store, row, user)


@router.post("/forms/{form_id}/findings/{finding_id}/review", summary="审核人员对一个问题的复核意见")
def api_review_finding(request: Request, form_id: ID, finding_id: ID, user: Annotated[User, Depends(api_user)],
                       body: FindingReviewBody) -> dict:
    f = store_of(request).review_finding(form_id, finding_id, user=user, decision=body.decision, comment=body.comment)
    return finding_json(f)


@router.get("/forms/{form_id}/audit", summary="修改记录：谁、何时、哪个单元格、原值 → 新值")
def api_audit(request: Request, form_id: ID, user: Annotated[User, Depends(api_user)]) -> list[dict]:
    return [{"at": a.at.isoformat(), "username": a.username, "action": a.action, "field": a.field, "old": a.old,
             "new": a.new, "comment": a.comment} for a in store_of(request).audit(form_id, user)]


@router.get("/forms/{form_id}/export.xlsx", summary="一张自评表（Excel）", response_class=Response)
def api_export_form(request: Request, form_id: ID, user: Annotated[User, Depends(api_user)]) -> Response:
    row = store_of(request).get_form(form_id, user)
    return xlsx_response(exports.form_workbook(row), f"自评表-{row.id}.xlsx")


@router.get("/dashboard", summary="汇总：按主管部门与实施单位")
def api_dashboard(request: Request, user: Annotated[User, Depends(api_user)],
                  flt: Annotated[FormFilter, Depends(filters)]) -> dict:
    d = store_of(request).dashboard(user, flt)
    out = d.to_dict()
    # Bounded like the page: the units with most forms (units_total says how many there are).
    out["units"], out["units_total"] = [g.to_dict() for g in largest(d.units)], len(d.units)
    return out


@router.get("/filters", summary="筛选项的可选值")
def api_filters(request: Request, user: Annotated[User, Depends(api_user)]) -> dict:
    return store_of(request).filter_choices(user)


# -- administration ---------------------------------------------------------------------------
@router.get("/users", summary="用户列表（管理员）")
def api_users(request: Request, user: Annotated[User, Depends(api_admin)]) -> list[dict]:
    return [user_json(u) for u in store_of(request).users()]


@router.post("/users", summary="新建用户（管理员）", status_code=201)
def api_add_user(request: Request, user: Annotated[User, Depends(api_admin)], body: UserBody) -> dict:
    return user_json(store_of(request).add_user(body.username, body.password, body.role, body.unit, body.departments))


@router.patch("/users/{user_id}", summary="修改用户的角色、实施单位、主管部门，停用/启用，重设密码（管理员）；其会话随即失效")
def api_patch_user(request: Request, user_id: ID, user: Annotated[User, Depends(api_admin)], body: UserPatch) -> dict:
    if user_id == user.id and body.active is False:
        raise Invalid("不能停用自己的账号")
    if user_id == user.id and body.role not in (None, user.role):
        raise Invalid("不能更改自己的角色")
    return user_json(store_of(request).update_user(user_id, active=body.active, password=body.password,
                                                   unit=body.unit, departments=body.departments, role=body.role,
                                                   by=user))


@router.post("/users/{user_id}/unlock", summary="解除账号的登录锁定（管理员）")
def api_unlock(request: Request, user_id: ID, user: Annotated[User, Depends(api_admin)]) -> dict:
    return user_json(store_of(request).unlock(user_id, by=user))


@router.get("/security-log", summary="安全日志：登录、失败、锁定、解锁、密码修改（管理员，分页）")
def api_security_log(request: Request, user: Annotated[User, Depends(api_admin)], limit: Limit = DEFAULT_LIMIT,
                     offset: Offset = 0, username: str | None = None) -> dict:
    rows, total = store_of(request).security_log(limit, offset, username or None)
    return page([event_json(e) for e in rows], total, limit, offset)


@router.get("/rulesets", summary="规则集（管理员）")
def api_rulesets(request: Request, user: Annotated[User, Depends(api_admin)]) -> dict:
    store = store_of(request)
    return {"active": store.ruleset().id,
            "stored": [{"id": r.id, "name": r.name, "active": r.active} for r in store.rulesets()]}


@router.post("/rulesets", summary="上传规则集（管理员）", status_code=201)
def api_add_ruleset(request: Request, user: Annotated[User, Depends(api_admin)], body: RuleSetBody) -> dict:
    r = store_of(request).add_ruleset(body.name, body.content, user, activate=body.activate)
    return {"id": r.id, "name": r.name, "active": body.activate}


@router.post("/rulesets/{ruleset_id}/activate", summary="启用规则集；0 = 恢复内置 cn-2020（管理员）")
def api_activate(request: Request, ruleset_id: Annotated[int, Path(ge=0, le=2**31 - 1)], user: Annotated[User, Depends(api_admin)]) -> dict:
    store_of(request).activate_ruleset(ruleset_id or None)
    return {"active": store_of(request).ruleset().id}


# -- helpers ----------------------------------------------------------------------------------
NON_NUMBERS = {"nan", "+nan", "-nan", "snan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _finite(value, where: str = "form") -> None:
    """Refuse NaN and Infinity anywhere in a form: JSON's NaN/Infinity literals (which Python's
    parser accepts) and the same words written as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"表内容有误：{where} 不是有限的数字（{value}）")
    if isinstance(value, str) and value.strip().lower() in NON_NUMBERS:
        raise Invalid(f"表内容有误：{where} 不是数字（“{value.strip()}”）")
    if isinstance(value, dict):
        for k, v in value.items():
            _finite(v, f"{where}.{k}")
    elif isinstance(value, list):
        for k, v in enumerate(value):
            _finite(v, f"{where}[{k}]")


def _form(d: dict):
    _finite(d)
    try:
        return form_from_dict(d, "API", 0)
    except ReadError as e:
        raise Invalid(f"表内容有误：{e.message}") from e
    except (TypeError, ValueError, AttributeError) as e:
        raise Invalid(f"表内容有误：{e}") from e


def xlsx_response(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"})
