"""The upload page: one or many files, a result line per file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ...store.schema import User
from .. import upload
from ..auth import check_csrf, page_user, store_of
from ..render import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PageUser = Annotated[User, Depends(page_user)]


def _limits() -> dict:
    return {"endings": " ".join(sorted(upload.ALLOWED_ENDINGS)), "max_mb": upload.MAX_FILE_BYTES // (1024 * 1024),
            "max_files": upload.MAX_FILES}


@router.get("/upload")
def upload_page(request: Request, user: PageUser):
    return render(request, "upload.html", user, results=None, **_limits())


@router.post("/upload")
async def upload_submit(request: Request, user: PageUser):
    form = await request.form()
    received = await upload.receive(form.getlist("files"))
    results = await run_in_threadpool(upload.import_all, store_of(request), user, received)
    return render(request, "upload.html", user, results=results, **_limits())
