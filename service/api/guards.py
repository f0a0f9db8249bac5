"""Request guards: API keys, per-key rate limits, and a bound on drafts in flight.

Keys are kept as SHA-256 digests (plain keys from settings are hashed at start-up) and compared in
constant time. Rate limits use the `limits` library: in memory by default, in Redis when
TRUSTDRAFT_REDIS_URL is set, so several workers share one budget.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import Request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from service import errors
from service.settings import Settings

_PREFIX = "sha256:"


def hash_key(key: str) -> str:
    return _PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


def stored_digests(settings: Settings) -> list[bytes]:
    """The configured keys as digests: `sha256:<hex>` entries as they are, plain keys hashed now."""
    digests = []
    for secret in settings.api_keys:
        value = secret.get_secret_value().strip()
        entry = value if value.startswith(_PREFIX) else hash_key(value)
        digests.append(bytes.fromhex(entry[len(_PREFIX) :]))
    return digests


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


@dataclass
class KeyCheck:
    digests: list[bytes]

    @property
    def enabled(self) -> bool:
        return bool(self.digests)

    def identify(self, request: Request) -> str:
        """The caller's identity for rate limiting: a key digest, or the client address when auth is off."""
        key = presented_key(request)
        if not self.enabled:
            return f"ip:{request.client.host if request.client else 'unknown'}"
        if key is None:
            raise errors.Unauthorized("send an API key as `Authorization: Bearer <key>` or `X-API-Key`")
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        # Compare against every stored digest, in constant time, so timing reveals neither key nor position.
        matched = False
        for stored in self.digests:
            matched |= hmac.compare_digest(digest, stored)
        if not matched:
            raise errors.Unauthorized("the API key is not valid")
        return f"key:{digest.hex()[:16]}"


@dataclass
class RateLimit:
    limit: str
    storage_uri: str

    def __post_init__(self) -> None:
        self._item = parse(self.limit)
        self._limiter = MovingWindowRateLimiter(storage_from_string(self.storage_uri))

    @property
    def remote(self) -> bool:
        return not self.storage_uri.startswith("memory://")

    def hit(self, identity: str) -> None:
        if not self._limiter.hit(self._item, identity):
            reset, _ = self._limiter.get_window_stats(self._item, identity)
            wait = max(1.0, math.ceil(reset - time.time()))
            raise errors.RateLimited(
                f"more than {self.limit} requests; retry in {wait:.0f} s", retry_after=wait
            )


@dataclass
class ConcurrencyGate:
    """At most `limit` drafts in flight; one more is refused at once rather than queued without bound."""

    limit: int
    in_flight: int = field(default=0)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if self.in_flight >= self.limit:
            raise errors.Overloaded(
                f"{self.in_flight} drafts are already in progress (limit {self.limit}); retry shortly",
                retry_after=1.0,
            )
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1


@dataclass
class Guards:
    keys: KeyCheck
    rate: RateLimit
    drafts: ConcurrencyGate


def build_guards(settings: Settings) -> Guards:
    storage = settings.redis_url or "memory://"
    return Guards(
        KeyCheck(stored_digests(settings)),
        RateLimit(settings.rate_limit, storage),
        ConcurrencyGate(settings.max_concurrent_drafts),
    )
