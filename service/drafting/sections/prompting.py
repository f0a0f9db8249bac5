"""The messages a sectioned prompt sends: one section from its own facts, a rewrite of a section that failed its
checks, or every section at once for a provider that answers in JSON following a schema."""

from __future__ import annotations

from typing import Any

from service.drafting.sections.content import SectionSpec
from service.facts_block import CLOSE, OPEN
from service.llm.gateway import JsonSchema
from service.prompts import PromptVersion

MIN_WORDS = 15
LEAD_WORDS = 8  # room for the words a section adds to its facts ("This happened because ...")
TOKENS_PER_WORD = 1.5
TOKEN_SLACK = 10


def facts_block(spec: SectionSpec) -> str:
    """Only this section's facts, delimited like the whole facts block, one line each (no field names: a small
    model copies them back)."""
    return "\n".join([OPEN, *(fact.text for fact in spec.facts), CLOSE])


def words_per_section(max_words: int, sections: int) -> int:
    """A share of the draft's word limit; never so few that a plain sentence cannot fit."""
    return max(MIN_WORDS, max_words // max(1, sections))


def section_words(spec: SectionSpec, share: int) -> int:
    """A section's word limit: its share of the draft's, or its facts and a lead when they need more (a
    section that must keep every figure cannot be shorter than its facts)."""
    return max(share, sum(len(f.text.split()) for f in spec.facts) + LEAD_WORDS)


def section_tokens(words: int) -> int:
    """Tokens to allow a section of this many words: enough to finish it, too few to ramble on."""
    return int(words * TOKENS_PER_WORD) + TOKEN_SLACK


def section_variables(prompt: PromptVersion, spec: SectionSpec, base: dict[str, Any]) -> dict[str, Any]:
    """What the section's templates are rendered with: the draft's variables (its word limit set for this
    section), its facts and its instruction."""
    variables = {**base, "words": section_words(spec, int(base["words"]))}
    instruction = prompt.render_template(f"section:{spec.name}", variables)
    return {**variables, "facts_block": facts_block(spec), "instruction": instruction}


def section_messages(prompt: PromptVersion, spec: SectionSpec, base: dict[str, Any]) -> list[dict[str, str]]:
    return prompt.render(section_variables(prompt, spec, base))


FEEDBACK_PROBLEMS = 3  # the first problems are the ones a rewrite can act on; a long list only costs tokens


def rewrite_messages(
    prompt: PromptVersion, spec: SectionSpec, base: dict[str, Any], draft: str, problems: list[str]
) -> list[dict[str, str]]:
    feedback = "; ".join(problems[:FEEDBACK_PROBLEMS])
    return prompt.render({**section_variables(prompt, spec, base), "draft": draft, "feedback": feedback}, user="rewrite")


def together_messages(prompt: PromptVersion, specs: list[SectionSpec], base: dict[str, Any]) -> list[dict[str, str]]:
    """Every section in one request; the model answers with one JSON key per section."""
    parts = [
        {"name": s.name, "instruction": prompt.render_template(f"section:{s.name}", base), "facts_block": facts_block(s)}
        for s in specs
    ]
    return prompt.render({**base, "parts": parts, "facts_block": "", "instruction": ""}, user="together")


def sections_schema(specs: list[SectionSpec]) -> JsonSchema:
    """The JSON the one-call path asks for: a string per section, all required, nothing else."""
    return {
        "type": "object",
        "properties": {s.name: {"type": "string"} for s in specs},
        "required": [s.name for s in specs],
        "additionalProperties": False,
    }
