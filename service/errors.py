"""Domain errors. Each kind has a stable problem type URI and HTTP status; api/problems.py renders them.

Raise these from anywhere in the service; never HTTPException outside the API layer.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_BASE = "https://trustdraft.dev/problems/"


class TrustdraftError(Exception):
    """Base class: a problem a caller can understand and act on."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, retry_after: float | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after  # seconds; sent as Retry-After when set
        self.extra = extra

    @classmethod
    def type_uri(cls) -> str:
        return PROBLEM_BASE + cls.slug


class InvalidRequest(TrustdraftError):
    status, slug, title = 422, "invalid-request", "The request is not valid"


class MalformedBody(TrustdraftError):
    status, slug, title = 400, "malformed-body", "The request body could not be read"


class BodyTooLarge(TrustdraftError):
    status, slug, title = 413, "body-too-large", "The request body is too large"


class Unauthorized(TrustdraftError):
    status, slug, title = 401, "unauthorized", "A valid API key is required"


class RateLimited(TrustdraftError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class Overloaded(TrustdraftError):
    status, slug, title = 503, "overloaded", "Too many drafts in progress"


class NotFound(TrustdraftError):
    status, slug, title = 404, "not-found", "Not found"


class PromptNotFound(InvalidRequest):
    slug, title = "unknown-prompt", "Unknown prompt or version"


class PromptRenderError(InvalidRequest):
    slug, title = "prompt-render", "The prompt could not be rendered with these inputs"


class UnknownModel(InvalidRequest):
    slug, title = "unknown-model", "Unknown model"


class UpstreamError(TrustdraftError):
    """The model provider failed; subclasses say how."""

    status, slug, title = 502, "upstream-error", "The model provider returned an error"

    def __init__(self, detail: str, *, model: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(detail, retry_after=retry_after, model=model)
        self.model = model


class UpstreamRateLimited(UpstreamError):
    status, slug, title = 429, "upstream-rate-limited", "The model provider is rate limiting requests"


class UpstreamUnavailable(UpstreamError):
    status, slug, title = 503, "upstream-unavailable", "The model provider is unavailable"


class UpstreamTimeout(UpstreamError):
    status, slug, title = 504, "upstream-timeout", "The model provider did not answer in time"


class UpstreamRejected(UpstreamError):
    status, slug, title = 502, "upstream-rejected", "The model provider rejected the request"


class UpstreamBadOutput(UpstreamError):
    status, slug, title = 502, "upstream-bad-output", "The model returned malformed or empty output"


class ContentPolicy(UpstreamError):
    status, slug, title = 422, "content-policy", "The model provider refused the content"


class ContextWindowExceeded(UpstreamError):
    status, slug, title = 413, "context-window-exceeded", "The prompt is too long for the model"


class Forbidden(TrustdraftError):
    status, slug, title = 403, "forbidden", "This API key's role does not allow it"


class Conflict(TrustdraftError):
    status, slug, title = 409, "conflict", "The draft is not in a state that allows this"


class OverrideRequired(TrustdraftError):
    """The request is well formed; approving it conflicts with the approval rule until overridden."""

    status, slug, title = 409, "override-required", "Approving this text needs an explicit override"


class StorageUnavailable(TrustdraftError):
    """The draft was written but could not be stored; the problem carries it (`draft`) so nothing is lost."""

    status, slug, title = 503, "storage-unavailable", "The draft could not be stored"
