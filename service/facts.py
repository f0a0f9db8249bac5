"""The domain vocabulary every part of trustdraft shares: strategies, channels and incident facts."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class Strategy(StrEnum):
    reactive = "reactive"
    preemptive = "preemptive"
    proactive = "proactive"


class Channel(StrEnum):
    email = "email"
    status_page = "status_page"
    social_post = "social_post"
    press_statement = "press_statement"
    internal_memo = "internal_memo"
    blog_post = "blog_post"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(value: str) -> str:
    """Reject characters that cannot be safely logged, encoded or rendered."""
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    if _SURROGATE.search(value):
        raise ValueError("must not contain lone UTF-16 surrogates")
    return value


# The schema says what _clean_text and stripping enforce: no NUL byte, and (when required) something left
# after surrounding whitespace is stripped.
_NO_NUL = Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})
_NOT_BLANK = Field(json_schema_extra={"pattern": "^(?=[^\\u0000]*\\S)[^\\u0000]*$"})

# Free text from callers: stripped, NUL- and surrogate-free, bounded.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=20_000),
    AfterValidator(_clean_text),
    _NO_NUL,
]
RequiredText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    AfterValidator(_clean_text),
    _NOT_BLANK,
]
TextList = Annotated[list[RequiredText], Field(max_length=50)]


class InputModel(BaseModel):
    """Base for everything callers send: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Person(InputModel):
    name: RequiredText
    title: Text | None = None


class TimelineEntry(InputModel):
    when: RequiredText
    what: RequiredText


class Facts(InputModel):
    """What happened, as the caller knows it. Only organization and summary are required."""

    organization: RequiredText
    summary: RequiredText = Field(description="What happened / what is changing / what we show.")
    affected: Text | None = Field(default=None, description="Who is affected and how.")
    cause: Text | None = None
    discovered_by: Text | None = None
    actions_taken: TextList = Field(default_factory=list)
    prevention: TextList = Field(default_factory=list)
    remedy: TextList = Field(default_factory=list, description="Only remedies already approved.")
    reasoning: Text | None = Field(default=None, description="Why a decision was made.")
    timeline: Annotated[list[TimelineEntry], Field(max_length=50)] = Field(default_factory=list)
    next_update: Text | None = Field(default=None, description="When and where the next update comes.")
    spokesperson: Person | None = None
    contact: Text | None = None


def facts_from(value: Facts | dict[str, Any]) -> Facts:
    """Accept facts as a model or a plain mapping (YAML files, graders called from Python)."""
    return value if isinstance(value, Facts) else Facts.model_validate(value)


class EarlierMessage(InputModel):
    """A message already sent about the same incident (a follow-up reports on its commitments)."""

    text: RequiredText
    sent_at: Text | None = Field(default=None, description="When it was sent, as written (\"12 March, 10:00\").")
    channel: Channel | None = None
