"""How a draft's text carries its heading: an email's subject, a press statement's or blog post's headline.

Drafts travel as one string (model output, calibration files, eval results). The heading, when the
channel has one, is the first line: `Subject: ...` for email, `Headline: ...` or a short title line
(optionally a Markdown `#` heading) for press statements and blog posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.facts import Channel

_LABELLED = re.compile(
    r"^\s*[#*_ ]*(subject|headline|title)\s*[*_]*\s*:\s*[*_]*\s*(?P<h>.+?)\s*[*_]*\s*$", re.I
)
_MARKDOWN_TITLE = re.compile(r"^\s*#{1,3}\s+(?P<h>.+?)\s*$")
_BARE_TITLE_MAX = 120

HEADING_CHANNELS = {Channel.email, Channel.press_statement, Channel.blog_post}


@dataclass(frozen=True)
class SplitDraft:
    heading: str | None
    body: str
    body_offset: int  # where the body starts in the original text, for span offsets


def split_heading(text: str, channel: Channel | str) -> SplitDraft:
    """Separate the heading line from the body for channels that have one."""
    channel = Channel(channel)
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    first, _, rest = stripped.partition("\n")
    if channel not in HEADING_CHANNELS or not first.strip():
        return SplitDraft(None, text.strip(), lead)
    heading = _heading_from(first, channel, has_more=bool(rest.strip()))
    if heading is None:
        return SplitDraft(None, text.strip(), lead)
    body = rest.lstrip()
    return SplitDraft(heading, body.rstrip(), len(text) - len(body))


def _heading_from(line: str, channel: Channel, *, has_more: bool) -> str | None:
    labelled = _LABELLED.match(line)
    if labelled:
        return labelled.group("h")
    if channel is Channel.email or not has_more:
        return None
    titled = _MARKDOWN_TITLE.match(line)
    if titled:
        return titled.group("h").strip("*_ ")
    bare = line.strip().strip("*_ ")
    # A short first line without closing punctuation reads as a headline.
    if len(bare) <= _BARE_TITLE_MAX and not bare.endswith((".", ",", ";", ":")):
        return bare
    return None
