"""Request guards: API keys, per-key rate limits, and a bound on drafts in flight.

Keys are kept as SHA-256 digests (plain keys from settings are hashed at start-up) and compared in
constant time. Rate limits are moving windows in `limits` syntax: in this process by default, in Redis
(the `limits` library) when TRUSTDRAFT_REDIS_URL is set, so several workers share one budget.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections import deque
from collections.abc import Callable, Iterator
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
    """`limit` per identity over a moving window: in this process (memory://), or shared through Redis."""

    limit: str
    storage_uri: str

    def __post_init__(self) -> None:
        self._item = parse(self.limit)
        self._local = None if self.remote else MovingWindow(self._item.amount, self._item.get_expiry())
        self._shared = MovingWindowRateLimiter(storage_from_string(self.storage_uri)) if self.remote else None

    @property
    def remote(self) -> bool:
        return not self.storage_uri.startswith("memory://")

    def hit(self, identity: str) -> None:
        wait = self._local.hit(identity) if self._local is not None else self._shared_hit(identity)
        if wait is not None:
            wait = max(1.0, math.ceil(wait))
            raise errors.RateLimited(f"more than {self.limit} requests; retry in {wait:.0f} s", retry_after=wait)

    def _shared_hit(self, identity: str) -> float | None:
        assert self._shared is not None
        if self._shared.hit(self._item, identity):
            return None
        reset, _ = self._shared.get_window_stats(self._item, identity)
        return reset - time.time()


class MovingWindow:
    """At most `amount` hits per identity in any `seconds`, kept in this process without threads. (limits'
    memory storage starts a timer thread on every hit once the last one has finished, and the event loop
    waits for each to start: 0.27 ms a request against 0.035 ms here, docs/BENCHMARKS.md section 1.)"""

    def __init__(self, amount: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.amount = amount
        self.seconds = seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._swept = clock()

    def hit(self, identity: str) -> float | None:
        """Count a hit and return None, or refuse it and return the seconds until one is allowed."""
        now = self.clock()
        hits = self._hits.setdefault(identity, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.amount:
            return hits[0] + self.seconds - now
        hits.append(now)
        self._sweep(now)
        return None

    def __len__(self) -> int:
        """Identities being tracked."""
        return len(self._hits)

    def _sweep(self, now: float) -> None:
        """Once a window, forget identities with no hit inside it, so many one-off clients do not pile up."""
        if now - self._swept < self.seconds:
            return
        self._swept = now
        for identity in [i for i, hits in self._hits.items() if hits[-1] <= now - self.seconds]:
            del self._hits[identity]


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
