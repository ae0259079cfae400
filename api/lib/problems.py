"""Rendering every error as RFC 9457 problem+json with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from api.lib.errors import (
    ERROR_FOR_STATUS,
    DomainError,
    InvalidBody,
    InvalidParameter,
    UnsupportedMediaType,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("keukentafel")


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **(extra or {}),
    }
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_error_handler(_: Request, exc: DomainError) -> Response[dict[str, Any]]:
    return problem(exc.status, exc.code, exc.title, exc.detail, exc.extra, exc.headers)


def _validation_problem(exc: ValidationException) -> Response[dict[str, Any]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    # Litestar reports body problems with source "body"; path and query ones name their source.
    sources = {e.get("source") for e in errors if isinstance(e, dict)}
    error = InvalidParameter if sources and "body" not in sources else InvalidBody
    detail = str(exc.detail) if exc.detail else error.title
    return problem(error.status, error.code, error.title, detail, {"errors": errors})


def http_exception_handler(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, ValidationException):
        return _validation_problem(exc)
    error = ERROR_FOR_STATUS.get(exc.status_code)
    code = error.code if error else f"http_{exc.status_code}"
    title = error.title if error else "Request failed"
    headers = dict(exc.headers or {})
    return problem(exc.status_code, code, title, str(exc.detail or title), headers=headers)


def unexpected_error_handler(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "Internal error", "Something went wrong on our side.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: unexpected_error_handler,
}


JSON_TYPES = ("application/json", "application/problem+json")


async def require_json_bodies(request: Request) -> None:
    """A body sent as a form or as text is refused as such (415), not misread as broken JSON.
    Routes that take other bodies (attachments) say so with `opt={"body": "raw"}`."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.route_handler.opt.get("body") == "raw":
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    has_body = request.headers.get("content-length", "0") not in ("", "0")
    if has_body and not (content_type in JSON_TYPES or content_type.endswith("+json")):
        raise UnsupportedMediaType("Send the body as application/json.")
