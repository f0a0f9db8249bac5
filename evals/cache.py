"""A content-addressed cache of model outputs, so a re-run of unchanged inputs makes no model call.

The key covers everything that decides the output: prompt content hash, the rendered messages
(facts, channel, audience, word limit), model, sampling parameters and the sample index. Grades are
not cached: they are recomputed, so a grader change shows up without spending model calls.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from evals.results import write_json_atomic

DEFAULT_DIR = Path(os.environ.get("TRUSTDRAFT_EVAL_CACHE", ".cache/trustdraft-evals"))


def cache_key(**parts: Any) -> str:
    """SHA-256 of the parts, serialised canonically."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CompletionCache:
    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.root is None:
            return None
        path = self._path(key)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None  # missing, or a corrupt entry: treat as a miss and overwrite it
        return data

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.root is not None:
            write_json_atomic(self._path(key), value)
