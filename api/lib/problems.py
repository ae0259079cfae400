"""Rendering every error as RFC 9457 problem+json with a stable `code`."""

from __future__ import annotations

import logging
import re
from itertools import accumulate
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from api.lib.availability import RETRY_AFTER_SECONDS, database_away
from api.lib.errors import (
    ERROR_FOR_STATUS,
    BodyTooLarge,
    DatabaseUnavailable,
    DomainError,
    InvalidBody,
    InvalidParameter,
    UnsupportedContentEncoding,
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
    # A wrong address comes first: with a broken path or query the body does not matter.
    sources = {e.get("source") for e in errors if isinstance(e, dict)}
    error = InvalidParameter if sources & {"path", "query"} else InvalidBody
    detail = str(exc.detail) if exc.detail else error.title
    return problem(error.status, error.code, error.title, detail, {"errors": errors})


def http_exception_handler(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, ValidationException):
        return _validation_problem(exc)
    if isinstance(exc, RequestEntityTooLarge):
        # A chunked body that passed the limit while it streamed in: the rest is not read.
        limit = request.route_handler.resolve_request_max_body_size()
        if limit is not None:
            return domain_error_handler(request, _closing(_too_large(limit)))
    error = ERROR_FOR_STATUS.get(exc.status_code)
    code = error.code if error else f"http_{exc.status_code}"
    title = error.title if error else "Request failed"
    headers = dict(exc.headers or {})
    return problem(exc.status_code, code, title, str(exc.detail or title), headers=headers)


def unexpected_error_handler(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    if database_away(exc):
        log.warning("database away on %s %s: %s", request.method, request.url.path, exc)
        return domain_error_handler(request, DatabaseUnavailable(RETRY_AFTER_SECONDS))
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "Internal error", "Something went wrong on our side.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: unexpected_error_handler,
}


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPES = ("application/json", "application/problem+json")
# Far deeper than any wire type nests (a visit with its answers: 4). Without a limit a
# deep text reaches msgspec, which gives up near 1,000 levels with a RecursionError (a 500), and
# whatever stays under that recurses again in the canonical hash and PostgreSQL's jsonb.
MAX_JSON_DEPTH = 32

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = tuple(1 if byte in b"[{" else -1 if byte in b"]}" else 0 for byte in range(256))


def json_depth(body: bytes) -> int:
    """How deep a JSON text nests arrays and objects, found without decoding it.

    Strings are taken out first (a bracket in a text does not count): escapes go, then every
    other stretch between quotes, at C speed. A broken text is counted as it stands, which is
    never less deep than a decoder would get before it gives up: it stops at a backslash
    outside a string, and inside an unterminated one, before the brackets dropped there.
    """
    outside_strings = b"".join(_ESCAPE.sub(b"", body).split(b'"')[::2])
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _closing(error: DomainError) -> DomainError:
    """A refusal before the body was read: close the connection instead of reading the rest."""
    error.headers["Connection"] = "close"
    return error


def _announced_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        raise _closing(InvalidBody("Content-Length is not a number of bytes."))
    return int(value)


def _too_large(limit: int, announced: int | None = None) -> BodyTooLarge:
    said = f"; {announced:,} were announced" if announced is not None else ""
    return BodyTooLarge(f"This route takes at most {limit:,} bytes{said}.", max_bytes=limit)


async def require_json_bodies(request: Request) -> None:
    """What a handler must never read is refused before it reads it (the before_request hook).

    All but the last step look at the headers alone, before a byte of the body is read:
    - a compressed body (any Content-Encoding but identity): 415 unsupported_content_encoding,
      the server does not inflate request bodies;
    - an announced Content-Length over the route's limit: 413 body_too_large;
    - a body sent as a form, as text or without a type to a JSON route: 415
      unsupported_media_type, not misread as broken JSON. Routes that take other bodies
      (attachments, PDFs) say so with `opt={"body": "raw"}` and check their own type;
    - a JSON body is then read (a chunked one stops at the limit: 413) and one nested deeper
      than MAX_JSON_DEPTH is 400 invalid_body before it is decoded.
    """
    if request.method not in BODY_METHODS:
        return
    announced = _announced_length(request)
    if not announced and "transfer-encoding" not in request.headers:
        return
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        refusal = UnsupportedContentEncoding(
            f"The body is sent with Content-Encoding {encoding!r}; this server does not inflate "
            "request bodies. Send it uncompressed."
        )
        refusal.headers["Accept-Encoding"] = "identity"
        raise _closing(refusal)
    limit = request.route_handler.resolve_request_max_body_size()
    if limit is not None and announced is not None and announced > limit:
        raise _closing(_too_large(limit, announced))
    if request.route_handler.opt.get("body") == "raw":
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (content_type in JSON_TYPES or content_type.endswith("+json")):
        raise _closing(UnsupportedMediaType("Send the body as application/json."))
    depth = json_depth(await request.body())
    if depth > MAX_JSON_DEPTH:
        raise InvalidBody(
            f"The JSON nests {depth:,} levels deep; at most {MAX_JSON_DEPTH} are read.",
            max_depth=MAX_JSON_DEPTH,
        )
