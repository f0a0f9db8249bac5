"""Facts rendered as one delimited data block for prompts. Facts are untrusted data, never instructions.

Values are folded with NFKC (so full-width or other look-alike brackets become plain ones), stripped of
invisible and control characters, and any text resembling the block's delimiters is removed, so a
value cannot close the block early and speak to the model as if it were the prompt.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from service.facts import Facts

OPEN = "<incident_facts>"
CLOSE = "</incident_facts>"

# Delimiter look-alikes after NFKC: any tag mentioning facts/data/system/instructions, fenced markers.
_DELIMITER_LIKE = re.compile(
    r"<\s*/?\s*(?:incident[_\s-]*|earlier[_\s-]*)?(?:facts?|data|system|instructions?|user|assistant|prompt|"
    r"messages?)[^>]{0,40}>"
    r"|<<<+|>>>+|```+|\[/?(?:INST|SYS)\]|<\|[^|>]{0,40}\|>",
    re.IGNORECASE,
)
_INVISIBLE = {"Cc", "Cf", "Co", "Cs"}
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_value(text: str) -> str:
    """Fold look-alikes, drop invisible characters, and defuse delimiter look-alikes."""
    if text.isascii():  # nothing to fold; the only invisible characters are ASCII controls (fast path)
        visible = _ASCII_CONTROL.sub("", text)
    else:
        folded = unicodedata.normalize("NFKC", text)
        visible = "".join(ch for ch in folded if ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE)
    return _DELIMITER_LIKE.sub(" ", visible).strip()


def _lines(key: str, value: Any, indent: str = "") -> list[str]:
    if value is None or value == [] or value == {}:
        return []
    if isinstance(value, dict):
        nested = [line for k, v in value.items() for line in _lines(k, v, indent + "  ")]
        return [f"{indent}{key}:", *nested] if nested else []
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            if isinstance(item, dict):
                parts = [f"{k}: {_one_line(v)}" for k, v in item.items() if v]
                items.append(f"{indent}  - " + "; ".join(parts))
            else:
                items.append(f"{indent}  - {_one_line(item)}")
        return [f"{indent}{key}:", *items]
    return [f"{indent}{key}: {_one_line(value)}"]


def _one_line(value: Any) -> str:
    return " ".join(clean_value(str(value)).split())


def echoes_block(text: str) -> bool:
    """A model's answer that copies the block's delimiters back (small models do) is not a message."""
    return OPEN in text or CLOSE in text


def render_facts_block(facts: Facts) -> str:
    """The facts as an indented listing between OPEN and CLOSE markers."""
    data = facts.model_dump(exclude_none=True)
    body = [line for key, value in data.items() for line in _lines(key, value)]
    return "\n".join([OPEN, *body, CLOSE])
