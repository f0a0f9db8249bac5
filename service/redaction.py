"""Personal data in free text: emails, card-like and phone numbers, masked. The logs always mask them; the
facts are masked before the model sees them when TRUSTDRAFT_REDACT_FACTS is on."""

from __future__ import annotations

import re
from collections import Counter

PATTERNS = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    ("card", re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[card]"),
    ("phone", re.compile(r"(?<!\w)\+?\d[\d ().-]{7,}\d\b"), "[phone]"),
]


def redact(text: str, found: Counter[str] | None = None) -> str:
    """Mask emails, card-like numbers and phone numbers; count what was masked into `found`."""
    for kind, pattern, mask in PATTERNS:
        text, count = pattern.subn(mask, text)
        if found is not None and count:
            found[kind] += count
    return text
