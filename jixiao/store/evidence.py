"""佐证材料: files a unit attaches to a form, or to one indicator row, for its reviewer.

Kinds are limited to documents and images (PDF/OFD, pictures, office files, text), each checked
by its ending and its first bytes; size is limited (`JIXIAO_MAX_ATTACHMENT_MB`, 20 MB). The bytes
are stored once per content (sha256) in the database, whoever attaches them how often. Adding
and deleting are written to the form's audit log.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import access
from .editing import _audit, visible
from .errors import Forbidden, Invalid, NotFound
from .imports import safe_filename
from .schema import Attachment, AttachmentBlob, User

MAX_BYTES = int(float(os.environ.get("JIXIAO_MAX_ATTACHMENT_MB", "20")) * 1024 * 1024)

_PDF, _PNG, _JPG, _GIF, _BMP = (b"%PDF-",), (b"\x89PNG\r\n\x1a\n",), (b"\xff\xd8\xff",), (b"GIF87a", b"GIF89a"), (b"BM",)
_TIF, _ZIP, _OLE = (b"II*\x00", b"MM\x00*"), (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# ending → (content type, the first bytes a real file of that kind starts with; None = text)
KINDS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", _PDF),
    ".ofd": ("application/ofd", _ZIP),
    ".png": ("image/png", _PNG),
    ".jpg": ("image/jpeg", _JPG),
    ".jpeg": ("image/jpeg", _JPG),
    ".gif": ("image/gif", _GIF),
    ".bmp": ("image/bmp", _BMP),
    ".tif": ("image/tiff", _TIF),
    ".tiff": ("image/tiff", _TIF),
    ".doc": ("application/msword", _OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".ppt": ("application/vnd.ms-powerpoint", _OLE),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".wps": ("application/vnd.ms-works", _OLE),
    ".et": ("application/vnd.ms-excel", _OLE),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
ENDINGS_TEXT = " ".join(sorted(KINDS))


def check(filename: str, data: bytes) -> str:
    """The content type of an acceptable file; Invalid, saying why, for any other."""
    ending = PurePath(filename).suffix.lower()
    if ending not in KINDS:
        raise Invalid(f"“{filename}”：不能作为佐证材料的文件类型（{ending or '无扩展名'}）；可以上传：{ENDINGS_TEXT}")
    if not data:
        raise Invalid(f"“{filename}”：文件是空的")
    if len(data) > MAX_BYTES:
        raise Invalid(f"“{filename}”：文件超过大小上限 {MAX_BYTES // (1024 * 1024)} MB")
    ctype, heads = KINDS[ending]
    if heads is not None and not data.startswith(heads):
        raise Invalid(f"“{filename}”：文件内容与扩展名 {ending} 不符（可能已损坏或改过扩展名）")
    if heads is None and b"\x00" in data[:4096]:
        raise Invalid(f"“{filename}”：不是文本文件")
    return ctype


def _where(row, indicator: int | None) -> str:
    if indicator is None:
        return "整张表"
    inds = (row.data or {}).get("indicators") or []
    name = inds[indicator].get("name") if indicator < len(inds) else None
    return f"第{indicator + 1}行指标" + (f"“{name}”" if name else "")


def attach(s: Session, form_id: int, user: User, filename: str, data: bytes, indicator: int | None) -> Attachment:
    row = visible(s, form_id, user)
    if not access.can_edit(user, row):
        raise Forbidden(f"这张表当前状态为“{row.status}”，不能上传佐证材料（草稿或退回的表可由填报单位上传）")
    filename = safe_filename(filename)
    ctype = check(filename, data)
    inds = (row.data or {}).get("indicators") or []
    if indicator is not None and not 0 <= indicator < len(inds):
        raise Invalid(f"这张表没有第{indicator + 1}行指标")
    sha = hashlib.sha256(data).hexdigest()
    if s.get(AttachmentBlob, sha) is None:
        s.add(AttachmentBlob(sha256=sha, content=data))
        s.flush()
    a = Attachment(form_id=row.id, indicator=indicator, filename=filename, content_type=ctype, size=len(data),
                   sha256=sha, uploaded_by=user.id)
    s.add(a)
    s.flush()
    _audit(s, row, user, "上传佐证材料", None, None, filename, f"{_where(row, indicator)}：{filename}")
    return a


def listed(s: Session, form_id: int, user: User | None) -> list[Attachment]:
    visible(s, form_id, user, light=True)
    return attachments_of(s, form_id)


def attachments_of(s: Session, form_id: int) -> list[Attachment]:
    """A form's evidence (its visibility checked by the caller)."""
    return list(s.scalars(select(Attachment).where(Attachment.form_id == form_id).order_by(Attachment.id)))


def fetch(s: Session, attachment_id: int, user: User | None) -> tuple[Attachment, bytes]:
    a = s.get(Attachment, attachment_id)
    if a is None:
        raise NotFound(f"没有编号为 {attachment_id} 的佐证材料，或您无权查看")
    try:
        visible(s, a.form_id, user, light=True)
    except NotFound:
        raise NotFound(f"没有编号为 {attachment_id} 的佐证材料，或您无权查看") from None
    return a, s.get(AttachmentBlob, a.sha256).content


def delete(s: Session, attachment_id: int, user: User) -> Attachment:
    a, _ = fetch(s, attachment_id, user)
    row = visible(s, a.form_id, user)
    if not access.can_edit(user, row):
        raise Forbidden(f"这张表当前状态为“{row.status}”，不能删除佐证材料")
    s.delete(a)
    s.flush()
    if not s.scalar(select(func.count(Attachment.id)).where(Attachment.sha256 == a.sha256)):
        s.delete(s.get(AttachmentBlob, a.sha256))
    _audit(s, row, user, "删除佐证材料", None, a.filename, None, f"{_where(row, a.indicator)}：{a.filename}")
    return a
