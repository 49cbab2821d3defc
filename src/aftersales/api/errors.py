"""Every error of the API in one shape, decided here and nowhere else:

    {"error": {"code": "case.not_allowed", "message": "...", "message_zh": "...", "fields": {...}}}

`fields` maps a dotted path of the request ("lines.0.quantity", "limit", "file") to its
messages; it is present (possibly empty) on every error so clients need no special case.
The codes are the stable ones of aftersales.errors plus those of the HTTP layer:

    auth.required        401  no credentials, or a token that is unknown or revoked
    auth.csrf_failed     403  a session request that changes something without its CSRF token
    auth.no_organisation 403  a signed-in user who belongs to no organisation, or to several
    request.too_large    413  the body is over the size Django accepts
    bad_request          400  anything else the HTTP layer refused
    not_found            404  also for any path under /api/ that is no endpoint
    method_not_allowed   405
    internal             500  a bug: logged with its traceback, never the answer to bad input
"""

from __future__ import annotations

import logging
import re
from functools import partial, wraps

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from aftersales.errors import AftersalesError

log = logging.getLogger(__name__)

# Where ninja says the value came from; the client only needs the path inside it.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_INDEX = re.compile(r"\[(\d+)\]")


def error_body(code: str, message: str, message_zh: str = "", fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "message_zh": message_zh or message,
                      "fields": fields or {}}}


def dotted(name: str) -> str:
    """The services name list items "lines[0].quantity"; the API says "lines.0.quantity"."""
    return _INDEX.sub(r".\1", name)


def field_path(loc) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A single body schema arrives under its parameter name ("payload"), which the client never sent.
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
        if not parts:
            return source
    return ".".join(str(p) for p in parts) or "body"


def _message(err: dict) -> str:
    msg = err.get("msg", "invalid")
    # Our own validators raise ValueError; pydantic prefixes those.
    return msg.removeprefix("Value error, ")


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _aftersales(request, exc: AftersalesError, api: NinjaAPI):
    fields = {dotted(k): v for k, v in exc.fields.items()}
    message_zh = exc.message_zh
    if message_zh == exc.message and fields:
        # The service said it in English only; the field names still tell a Chinese reader where.
        message_zh = f"请求内容有误（{', '.join(fields)}）"
    return _respond(api, request, exc.status, error_body(exc.code, exc.message, message_zh, fields))


def _validation(request, exc: ValidationError, api: NinjaAPI):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(field_path(err.get("loc", ())), []).append(_message(err))
    names = ", ".join(fields)
    return _respond(api, request, 422, error_body(
        "validation.failed", f"the request is not valid ({names})", f"请求内容有误（{names}）", fields))


def _authentication(request, exc: AuthenticationError, api: NinjaAPI):
    message = exc.message if exc.message != "Unauthorized" else (
        "send Authorization: Bearer <token>, or sign in")
    response = _respond(api, request, 401, error_body("auth.required", message, "需要登录或提供有效的 API 令牌"))
    response["WWW-Authenticate"] = 'Bearer realm="aftersales"'
    return response


def _http(request, exc: HttpError, api: NinjaAPI):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        # Malformed JSON is bad input like any other: 422 with the field it concerns.
        return _respond(api, request, 422, error_body(
            "validation.failed", "the request body is not valid JSON", "请求内容不是有效的 JSON",
            {"body": ["not valid JSON"]}))
    if exc.status_code == 403 and "CSRF" in message:
        return _respond(api, request, 403, error_body(
            "auth.csrf_failed", "CSRF check failed: send the X-CSRFToken header with a signed-in session",
            "CSRF 校验失败"))
    code = {403: "permission.denied", 404: "not_found", 405: "method_not_allowed",
            429: "throttled"}.get(exc.status_code, "bad_request")
    return _respond(api, request, exc.status_code, error_body(code, message))


def _not_found(request, exc: Http404, api: NinjaAPI):
    return _respond(api, request, 404, error_body("not_found", "not found", "未找到"))


def _too_large(request, exc: RequestDataTooBig, api: NinjaAPI):
    return _respond(api, request, 413, error_body(
        "request.too_large", "the request body is too large", "请求内容过大"))


def _suspicious(request, exc: SuspiciousOperation, api: NinjaAPI):
    return _respond(api, request, 400, error_body("bad_request", "the request was refused", "请求被拒绝"))


def _unexpected(request, exc: Exception, api: NinjaAPI):
    log.exception("unhandled error in %s %s", request.method, request.path)
    return _respond(api, request, 500, error_body(
        "internal", "something went wrong on our side; it has been logged", "服务器内部错误，已记录"))


def not_found_view(request, *args, **kwargs) -> HttpResponse:
    """Any path under /api/ that is no endpoint: still the one JSON shape."""
    return JsonResponse(error_body("not_found", f"no endpoint {request.path}", "接口不存在"), status=404)


def json_method_not_allowed(view):
    """ninja answers a wrong method with a plain-text 405; give it the JSON shape too."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(error_body("method_not_allowed", f"{request.method} is not allowed here; "
                                               f"use {allowed}", "不支持该请求方法"), status=405)
            response["Allow"] = allowed
        return response
    return wrapped


def install(api: NinjaAPI) -> None:
    """Register the handlers; ninja looks them up by the exception's class hierarchy."""
    for exc_class, handler in (
        (AftersalesError, _aftersales),
        (ValidationError, _validation),
        (AuthenticationError, _authentication),
        (HttpError, _http),
        (Http404, _not_found),
        (RequestDataTooBig, _too_large),
        (SuspiciousOperation, _suspicious),
        (Exception, _unexpected),
    ):
        api.add_exception_handler(exc_class, partial(handler, api=api))
