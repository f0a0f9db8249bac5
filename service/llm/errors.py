"""Classify litellm's exceptions: which are worth retrying, and which domain error each becomes."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

from service import errors
from service.llm.runtime import litellm

MAX_RETRY_AFTER_S = 60.0


def retry_after_seconds(exc: BaseException) -> float | None:
    """The provider's Retry-After (seconds or HTTP date), when it sent one."""
    # litellm keeps the provider's headers on the exception; `response` is often rebuilt without them.
    headers: Any = getattr(exc, "litellm_response_headers", None) or getattr(
        getattr(exc, "response", None), "headers", None
    )
    raw = headers.get("retry-after") if hasattr(headers, "get") else None
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    return max(0.0, min(seconds, MAX_RETRY_AFTER_S))


def is_retryable(exc: BaseException) -> bool:
    """429, 5xx, timeouts and connection errors; never 400/401/403/404/context window/content policy."""
    lm = litellm()
    if isinstance(
        exc, lm.BadRequestError | lm.AuthenticationError | lm.PermissionDeniedError | lm.NotFoundError
    ):
        return False
    if isinstance(exc, lm.RateLimitError | lm.Timeout | lm.APIConnectionError):
        return True
    if isinstance(exc, lm.InternalServerError | lm.ServiceUnavailableError | lm.BadGatewayError):
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(status, int) and status >= 500


def to_domain_error(exc: BaseException, model: str) -> errors.UpstreamError:
    """Map a litellm exception to the domain error the API renders."""
    lm = litellm()
    message = _short(exc)
    mapping: list[tuple[Any, type[errors.UpstreamError]]] = [
        (lm.ContextWindowExceededError, errors.ContextWindowExceeded),
        (lm.ContentPolicyViolationError, errors.ContentPolicy),
        (lm.RateLimitError, errors.UpstreamRateLimited),
        (lm.Timeout, errors.UpstreamTimeout),
        (
            lm.BadRequestError | lm.AuthenticationError | lm.PermissionDeniedError | lm.NotFoundError,
            errors.UpstreamRejected,
        ),
    ]
    for kind, domain in mapping:
        if isinstance(exc, kind):
            return domain(f"{model}: {message}", model=model, retry_after=retry_after_seconds(exc))
    if _malformed_body(exc):
        return errors.UpstreamBadOutput(f"{model}: the provider's response was not valid JSON", model=model)
    return errors.UpstreamUnavailable(
        f"{model}: {message}", model=model, retry_after=retry_after_seconds(exc)
    )


_JSON_ERRORS = ("Expecting value", "Unterminated string", "Expecting ',' delimiter", "JSONDecodeError")


def _malformed_body(exc: BaseException) -> bool:
    """The provider answered, but with a body that is not JSON (litellm wraps the decode error)."""
    seen: BaseException | None = exc
    for _ in range(5):  # the cause chain, bounded
        if seen is None:
            return False
        if isinstance(seen, json.JSONDecodeError) or any(m in str(seen) for m in _JSON_ERRORS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _short(exc: BaseException) -> str:
    """litellm's messages can be long and carry the provider's body; keep the first line, bounded."""
    text = str(getattr(exc, "message", "") or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first[:300]
