"""The JSON API of the review round: to-dos, decisions on every finding at once, batch approval
and return, departments and units, and evidence files (佐证材料).

Registered before `api.router`, whose `/forms/{id}/{action}` would otherwise take
`/forms/{id}/attachments`.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..store import evidence
from ..store.schema import Attachment, Department, Unit, User
from ..store import FormFilter
from .api import filters, form_full_json
from .auth import api_admin, api_user, check_csrf, store_of
from .params import ID, BodyID

router = APIRouter(prefix="/api", tags=["API"], dependencies=[Depends(check_csrf)])
ApiUser = Annotated[User, Depends(api_user)]
ApiAdmin = Annotated[User, Depends(api_admin)]


class Decision(BaseModel):
    finding_id: BodyID
    decision: Literal["说明已接受", "需更正", ""] | None = Field(None, description="empty or null: no decision")
    comment: str | None = None


class DecisionsBody(BaseModel):
    decisions: list[Decision]


class BatchBody(BaseModel):
    action: Literal["approve", "return"]
    ids: list[BodyID] = Field(..., max_length=500)
    comment: str | None = None
    confirm: bool = Field(False, description="approve even forms with open errors (else 409 listing them)")


class DepartmentBody(BaseModel):
    name: str


class DepartmentPatch(BaseModel):
    name: str | None = None
    active: bool | None = None


class UnitBody(BaseModel):
    name: str
    department_id: BodyID


class UnitPatch(BaseModel):
    name: str | None = None
    department_id: BodyID | None = None
    active: bool | None = None


def department_json(d: Department) -> dict:
    return {"id": d.id, "name": d.name, "active": d.active}


def unit_json(u: Unit) -> dict:
    return {"id": u.id, "name": u.name, "department_id": u.department_id, "department": u.department.name,
            "active": u.active}


def attachment_json(a: Attachment) -> dict:
    return {"id": a.id, "form_id": a.form_id, "indicator": a.indicator, "filename": a.filename,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "uploaded_at": a.uploaded_at.isoformat() if a.uploaded_at else None, "url": f"/api/attachments/{a.id}"}


def todo_json(item: dict) -> dict:
    out = dict(item)
    if out.get("since") is not None:
        out["since"] = out["since"].isoformat()
    return out


@router.get("/todo", summary="待办：等待当前用户处理的事项")
def api_todo(request: Request, user: ApiUser) -> list[dict]:
    return [todo_json(i) for i in store_of(request).todo(user)]


@router.get("/dashboard/progress", summary="审核进度：各状态的表数（按主管部门、实施单位）与等待审核的时间")
def api_progress(request: Request, user: ApiUser, flt: Annotated[FormFilter, Depends(filters)]) -> dict:
    return store_of(request).progress(user, flt).to_dict()


@router.post("/forms/batch", summary="批量审核通过或退回；每张表一个结果")
def api_batch(request: Request, user: ApiUser, body: BatchBody) -> dict:
    results = store_of(request).batch(body.action, body.ids, user=user, comment=body.comment, confirm=body.confirm)
    return {"results": results}


@router.post("/forms/{form_id}/findings/review", summary="一次保存对各个问题的复核结论和意见")
def api_review_findings(request: Request, form_id: ID, user: ApiUser, body: DecisionsBody) -> dict:
    store = store_of(request)
    row = store.review_findings(form_id, [(d.finding_id, d.decision, d.comment) for d in body.decisions], user=user)
    return form_full_json(store, row, user)


@router.post("/forms/{form_id}/attachments", summary="上传佐证材料（字段 file；可选 indicator：第几行指标，从 0 起）",
             status_code=201)
async def api_attach(request: Request, form_id: ID, user: ApiUser, file: Annotated[UploadFile, File()],
                     indicator: Annotated[int | None, Form()] = None) -> dict:
    data = await file.read(evidence.MAX_BYTES + 1)
    a = store_of(request).attach(form_id, file.filename or "", data, user=user, indicator=indicator)
    return attachment_json(a)


@router.get("/forms/{form_id}/attachments", summary="一张表的佐证材料")
def api_attachments(request: Request, form_id: ID, user: ApiUser) -> list[dict]:
    return [attachment_json(a) for a in store_of(request).attachments(form_id, user)]


@router.get("/attachments/{attachment_id}", summary="下载佐证材料（总是作为附件下载）", response_class=Response)
def api_attachment(request: Request, attachment_id: ID, user: ApiUser) -> Response:
    a, data = store_of(request).attachment(attachment_id, user)
    return attachment_response(a, data)


@router.delete("/attachments/{attachment_id}", summary="删除佐证材料（记入修改记录）")
def api_delete_attachment(request: Request, attachment_id: ID, user: ApiUser) -> dict:
    a = store_of(request).delete_attachment(attachment_id, user=user)
    return {"deleted": a.id}


def attachment_response(a: Attachment, data: bytes) -> Response:
    # Never shown inline (a PDF or picture from a user must not run in this site's pages).
    return Response(data, media_type=a.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"evidence\"; filename*=UTF-8''{quote(a.filename)}",
        "Cache-Control": "private, no-store"})


# -- departments and units (administrators) ------------------------------------------------------
@router.get("/departments", summary="主管部门名录")
def api_departments(request: Request, user: ApiUser) -> list[dict]:
    return [department_json(d) for d in store_of(request).departments()]


@router.post("/departments", summary="新增主管部门（管理员）", status_code=201)
def api_add_department(request: Request, user: ApiAdmin, body: DepartmentBody) -> dict:
    return department_json(store_of(request).add_department(body.name))


@router.patch("/departments/{dep_id}", summary="主管部门改名、停用或启用（管理员）")
def api_patch_department(request: Request, dep_id: ID, user: ApiAdmin, body: DepartmentPatch) -> dict:
    return department_json(store_of(request).update_department(dep_id, name=body.name, active=body.active))


@router.get("/units", summary="实施单位名录")
def api_units(request: Request, user: ApiUser) -> list[dict]:
    return [unit_json(u) for u in store_of(request).units()]


@router.post("/units", summary="新增实施单位（管理员）", status_code=201)
def api_add_unit(request: Request, user: ApiAdmin, body: UnitBody) -> dict:
    return unit_json(store_of(request).add_unit(body.name, body.department_id))


@router.patch("/units/{unit_id}", summary="实施单位改名、改隶属部门、停用或启用（管理员）")
def api_patch_unit(request: Request, unit_id: ID, user: ApiAdmin, body: UnitPatch) -> dict:
    return unit_json(store_of(request).update_unit(unit_id, name=body.name, department=body.department_id,
                                                   active=body.active))
