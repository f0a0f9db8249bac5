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
from service.review import ANONYMOUS, Actor
from service.settings import Role, Settings

_PREFIX = "sha256:"


def hash_key(key: str) -> str:
    return _PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


def stored_digests(settings: Settings) -> list[tuple[bytes, Role]]:
    """The configured keys as (digest, role): `[role:]sha256:<hex>` as they are, `[role:]<plain>` hashed now.
    A key without a role prefix is a drafter."""
    digests = []
    for secret in settings.api_keys:
        role, entry = _role_and_key(secret.get_secret_value().strip())
        entry = entry if entry.startswith(_PREFIX) else hash_key(entry)
        digests.append((bytes.fromhex(entry[len(_PREFIX) :]), role))
    return digests


def _role_and_key(value: str) -> tuple[Role, str]:
    prefix, _, rest = value.partition(":")
    if rest and prefix in Role.__members__:
        return Role(prefix), rest
    return Role.drafter, value


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


@dataclass(frozen=True)
class Caller:
    """Who is asking: the actor the review workflow sees, and the bucket the rate limit counts in."""

    actor: Actor
    rate_key: str


@dataclass
class KeyCheck:
    digests: list[tuple[bytes, Role]]
    anonymous_role: Role = Role.drafter

    @property
    def enabled(self) -> bool:
        return bool(self.digests)

    def identify(self, request: Request) -> Caller:
        """The caller: a key id and its role, or (auth off) `anonymous` with the configured role, rate
        limited per client address."""
        if not self.enabled:
            address = request.client.host if request.client else "unknown"
            return Caller(Actor(ANONYMOUS, self.anonymous_role), f"ip:{address}")
        key = presented_key(request)
        if key is None:
            raise errors.Unauthorized("send an API key as `Authorization: Bearer <key>` or `X-API-Key`")
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        # Compare against every stored digest, in constant time, so timing reveals neither key nor position.
        role: Role | None = None
        for stored, stored_role in self.digests:
            if hmac.compare_digest(digest, stored):
                role = stored_role
        if role is None:
            raise errors.Unauthorized("the API key is not valid")
        key_id = f"key:{digest.hex()[:16]}"
        return Caller(Actor(key_id, role), key_id)


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
        KeyCheck(stored_digests(settings), settings.anonymous_role),
        RateLimit(settings.rate_limit, storage),
        ConcurrencyGate(settings.max_concurrent_drafts),
    )
