"""Every error answer in one shape and in Chinese.

The API answers `{"detail": "<中文说明>", "status": <code>}`, plus `errors` (one entry per wrong
field: `{"where": "body.form.year", "message": "…"}`) on a 422 from validation, `current_version`
on a 409 and `retry_after` (seconds) on a 429. Pages answer the Chinese error page. No library's
English reaches a user: FastAPI's and pydantic's messages are replaced by the ones below.
"""

from __future__ import annotations

HTTP_MESSAGES = {
    400: "请求有误", 401: "请先登录", 403: "无权执行此操作", 404: "页面或记录不存在", 405: "不支持这种请求方式",
    406: "无法提供所要求的格式", 409: "修改冲突", 413: "请求过大", 415: "不支持的内容类型", 422: "请求内容有误",
    429: "请求过于频繁，请稍后再试", 500: "服务器内部错误，请稍后再试",
}


def body(status: int, message: str, extra: dict | None = None) -> dict:
    return {"detail": message, "status": status, **(extra or {})}


def http_message(status: int, detail) -> str:
    """Our own HTTPExceptions carry Chinese; Starlette's own ones ("Not Found", "Method Not
    Allowed" …) are replaced by the Chinese for their status."""
    if isinstance(detail, str) and detail and any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return detail
    return HTTP_MESSAGES.get(status, "请求无法完成")


# pydantic's error types → what to tell a person.
_TYPES = {
    "missing": "缺少此项",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "finite_number": "应为有限的数字",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文本", "string_too_long": "文字过长", "string_too_short": "不能为空",
    "dict_type": "应为 JSON 对象", "model_type": "应为 JSON 对象", "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为 JSON 数组", "json_invalid": "不是有效的 JSON", "json_type": "不是有效的 JSON",
    "too_long": "项数过多", "too_short": "项数过少",
    "less_than_equal": "数值过大", "less_than": "数值过大", "greater_than_equal": "数值过小", "greater_than": "数值过小",
    "extra_forbidden": "不认识此项", "value_error": "取值无效", "url_parsing": "不是有效的网址",
    "bytes_type": "应为文件", "uuid_parsing": "格式有误",
}


def _where(loc) -> str:
    return ".".join(str(p) for p in loc) if loc else "请求"


def _message(e: dict) -> str:
    kind = e.get("type", "")
    if kind == "literal_error":
        expected = (e.get("ctx") or {}).get("expected", "")
        return f"只能是：{expected}" if expected else "取值无效"
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        ctx = e.get("ctx") or {}
        bound = ctx.get("le", ctx.get("lt", ctx.get("ge", ctx.get("gt"))))
        word = {"less_than_equal": "不能大于", "less_than": "应小于", "greater_than_equal": "不能小于",
                "greater_than": "应大于"}[kind]
        return f"{word} {bound}" if bound is not None else _TYPES[kind]
    return _TYPES.get(kind, "取值无效")


def validation(errs: list[dict]) -> tuple[int, str, list[dict]]:
    """FastAPI's validation errors → (status, one line in Chinese, one entry per field). A path
    that does not fit (an id of 20 digits, a word where a number goes) names nothing that
    exists: 404. Anything else is 422."""
    if errs and all((e.get("loc") or ("",))[0] == "path" for e in errs):
        return 404, "记录不存在（编号无效）", []
    problems = [{"where": _where(e.get("loc")), "message": _message(e)} for e in errs]
    line = "；".join(f"{p['where']}：{p['message']}" for p in problems) or "请求内容有误"
    return 422, f"请求内容有误：{line}", problems


FALLBACK_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了 · jixiao</title>
<h1>出错了</h1><p>{message}</p><p><a href="/forms">返回自评表列表</a></p></html>"""
