"""Every error leaves the service as application/problem+json (RFC 9457), never a stack trace.

`problem_body` is the one place a problem is built: the exception handlers below, the body-size
middleware (which answers before routing) and a stream's `error` event all use it."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service import errors
from service.schemas import FieldError, Problem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("trustdraft.api")


def problem_body(
    kind: type[errors.TrustdraftError],
    detail: str,
    *,
    status: int | None = None,
    instance: str | None = None,
    request_id: str | None = None,
    field_errors: list[FieldError] | None = None,
    retry_after: float | None = None,
    draft: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The RFC 9457 body for one problem, without empty members."""
    return Problem(
        type=kind.type_uri(),
        title=kind.title,
        status=status or kind.status,
        detail=detail,
        instance=instance,
        request_id=request_id,
        errors=field_errors,
        retry_after=retry_after,
        draft=draft,
    ).model_dump(exclude_none=True)


def problem_response(
    request: Request,
    kind: type[errors.TrustdraftError],
    detail: str,
    *,
    status: int | None = None,
    field_errors: list[FieldError] | None = None,
    retry_after: float | None = None,
    headers: Mapping[str, str] | None = None,
    draft: dict[str, Any] | None = None,
) -> JSONResponse:
    status = status or kind.status
    body = problem_body(
        kind,
        detail,
        status=status,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        field_errors=field_errors,
        retry_after=retry_after,
        draft=draft,
    )
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=all_headers or None)


def field_errors_of(exc: RequestValidationError) -> list[FieldError]:
    """Name each offending field; the offending input itself is never echoed (it may be huge or unsafe)."""
    found = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        found.append(
            FieldError(
                field=".".join(loc) or "body",
                message=str(error.get("msg", "")),
                type=str(error.get("type", "")),
            )
        )
    return found


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.TrustdraftError)
    retry_after = exc.retry_after
    if retry_after is None and exc.status in (429, 503):
        retry_after = 1.0  # a 429 or 503 always says when to come back
    headers = (
        {"WWW-Authenticate": 'Bearer realm="trustdraft"'} if isinstance(exc, errors.Unauthorized) else None
    )
    return problem_response(
        request, type(exc), exc.detail, retry_after=retry_after, headers=headers, draft=exc.extra.get("draft")
    )


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = field_errors_of(exc)
    if any(e.type == "json_invalid" for e in found):
        return problem_response(
            request, errors.MalformedBody, "the body is not valid JSON", field_errors=found
        )
    summary = "; ".join(f"{e.field}: {e.message}" for e in found[:5])
    return problem_response(request, errors.InvalidRequest, summary, field_errors=found)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_KINDS.get(exc.status_code, errors.TrustdraftError)
    # Keep the exception's own headers: a 405 must say which methods are allowed (Allow, RFC 9110), all of
    # them: Starlette names only the first route on the path, and GET and POST /v1/drafts are two routes.
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed(request)) or headers.get("Allow", "")
    return problem_response(request, kind, str(exc.detail), status=exc.status_code, headers=headers or None)


def _allowed(request: Request) -> list[str]:
    """Every documented method of the path asked for (from the OpenAPI document: the contract)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        for method, operation in operations.items():
            if re.fullmatch(_path_regex(template, operation), request.url.path):
                methods.add(method.upper())
    return sorted(methods)


def _path_regex(template: str, operation: dict[str, Any]) -> str:
    """The template as a regex: each path parameter as its schema's pattern (or any segment)."""
    patterns = {
        p["name"]: p.get("schema", {}).get("pattern", "^[^/]+$").strip("^$")
        for p in operation.get("parameters", [])
        if p.get("in") == "path"
    }
    parts = re.split(r"\{([^/]+?)\}", template)
    return "".join(re.escape(part) if i % 2 == 0 else f"(?:{patterns.get(part, '[^/]+')})" for i, part in enumerate(parts))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(
        request, errors.TrustdraftError, "an unexpected error occurred; it has been logged"
    )


class MethodNotAllowed(errors.TrustdraftError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


_HTTP_KINDS: dict[int, type[errors.TrustdraftError]] = {
    400: errors.MalformedBody,
    404: errors.NotFound,
    405: MethodNotAllowed,
    413: errors.BodyTooLarge,
}


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.TrustdraftError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring the problem+json shape for each status."""
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
