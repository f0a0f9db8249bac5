"""Is the text a message at all? A model's answer that copies the prompt's facts block, or the prompt's own
instructions, back is not one, whatever it scores on content (a copied facts block carries the cause, the
remedy and the plan): `grade()` never passes it (docs/rubric.md, channel_fit and scoring).

Text analysis only, prompt-agnostic: the facts block's delimiters or its `field: value` listing, and the
language of instructions to a writer ("follow this order", "in under 70 words", "one plain sentence",
"use only the facts") that no message to customers or staff uses.
"""

from __future__ import annotations

import re

from service.facts import Facts
from service.facts_block import echoes_block
from service.rubric.starts import finditer, search

# The facts block lists fields as `name: value` lines (service/facts_block.py); two of them is a copied listing.
_FIELD_LINE = re.compile(
    rf"^[ \t]*(?:-[ \t]*)?({'|'.join(sorted(Facts.model_fields, key=len, reverse=True))})[ \t]*:", re.MULTILINE
)
FIELD_LINES = 2

# Said only to whoever writes a message: one of these and the text is instructions, not a message.
_INSTRUCTION = re.compile(
    r"\bfollow this order\b|"
    r"\b(?:in|at most|under|fewer than|no more than) (?:under |at most |fewer than )?\d+ (?:words|characters)\b|"
    r"\bfirst line\b\W{0,3}\s*[\"“]?(?:subject|headline)\b|\bstart with a line\b|"
    r"\b(?:never|do not|don['’]t) (?:follow|obey) (?:any )?instructions\b|"
    r"\b(?:they are|it is|both are) data\b|\bdata, not instructions\b|"
    r"\bbetween <[\w ]{1,30}> and </[\w ]{1,30}>|"
    r"\buse only the (?:facts?|fact given)\b|"
    r"\bnever (?:add|invent) (?:numbers|figures|dates|money|names)\b|"
    r"\b(?:re)?write (?:this|these|it|each|one|a short|the)\b[^.\n]{0,40}\b(?:as|into) (?:one|a|two) (?:plain |short )?"
    r"sentences?\b|"
    r"\b(?:put|keep) steps? \d|\bsteps? \d(?:, \d)*(?:,? and \d) only\b|"
    r"\breply with (?:the|only the) (?:sentence|message|rewritten)\b|"
    r"^[^\S\n]*(?:re)?write (?:it|this)(?: again)?\s*:",
    re.IGNORECASE | re.MULTILINE,
)
# Instruction-like on their own, but a message may use one in passing; two of them are an outline copied back.
_OUTLINE = re.compile(
    r"\bin one (?:plain |short )?sentence\b|\bstarting with [\"“']|\bwith [\"“]we[\"”]|"
    r"\b(?:in|from|as) the facts\b|\bthe facts (?:give|say|carry)\b|\bif any\)|\(the cause\)|"
    r"\bsay (?:sorry|it was our fault|when|where)\b|\bwhat affected people get\b|"
    r"\bno greeting\b|\bno marketing\b|\bwrite to staff\b|\bend with the name\b|\bsign it (?:as|from)\b|"
    r"^[^\S\n]*\d\.\s+(?:what|why|when|who|the change|the specifics|say)\b",
    re.IGNORECASE | re.MULTILINE,
)
OUTLINE_MARKERS = 2


def not_a_message(text: str) -> str | None:
    """Why the text is not a message (it copies the facts block or the prompt's instructions), or None."""
    if echoes_block(text):
        return "repeats the prompt's facts block (its delimiters) instead of writing a message"
    # These run on every graded draft and almost never match: tried only where a match can start (starts.py).
    fields = {m.group(1) for m in finditer(_FIELD_LINE, text)}
    if len(fields) >= FIELD_LINES:
        return f"repeats the prompt's facts block (the fields {', '.join(sorted(fields))}) instead of writing a message"
    instruction = search(_INSTRUCTION, text)
    if instruction is not None:
        return f'repeats the prompt\'s instructions ("{instruction.group(0).strip()}") instead of writing a message'
    outline = list(dict.fromkeys(m.group(0).strip() for m in finditer(_OUTLINE, text)))
    if len(outline) >= OUTLINE_MARKERS:
        quoted = "; ".join(f'"{m}"' for m in outline[:3])
        return f"repeats the prompt's outline ({quoted}) instead of writing a message"
    return None
