"""The one place litellm is imported: offline-safe settings first, and only when a model is needed.

Importing litellm costs ~2.5 s and ~165 MB, and without LITELLM_LOCAL_MODEL_COST_MAP it tries to
download a price map from the internet. Commands that need no model never call this.
"""

from __future__ import annotations

import os
from functools import cache
from types import ModuleType


@cache
def litellm() -> ModuleType:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    import litellm as _litellm

    _litellm.telemetry = False
    _litellm.suppress_debug_info = True
    _litellm.drop_params = True  # providers silently ignore parameters they do not support (e.g. seed)
    return _litellm
