"""The one analysis of a draft every grader reads: sentences with offsets, words, content-word stems, figures,
dates and times (each sentence's own, by index), people, hedges, and which sentences each phrase pattern
matches. Each part is computed the first time a grader asks for it and kept on the `Draft`, so twelve graders
cost one extraction each, not twelve; nothing here depends on the facts (base.Context joins the two).

Everything here is regex and a Snowball stemmer (PyStemmer, C): deterministic.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property

import Stemmer

from service.facts import Channel
from service.rubric import lexicon, starts
from service.rubric.heading import split_heading
from service.rubric.people import Person, people_in
from service.rubric.quantities import Quantity, extract

_stemmer = Stemmer.Stemmer("english")

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
# A sentence ends at . ! ? (followed by space/quote/end) or at a line break; abbreviations are protected.
# Abbreviations whose dot does not end a sentence (matched on lower-cased text, which keeps offsets).
_ABBREVIATIONS = re.compile(
    r"\b(?:mr|mrs|ms|dr|prof|st|inc|ltd|co|corp|jr|sr|vs|etc|e\.g|i\.e|a\.m|p\.m|no|approx|jan|feb|mar|apr|"
    r"jun|jul|aug|sep|sept|oct|nov|dec|u\.s|u\.k)\."
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])|[ \t]*\n\s*")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "us",
        "let",
        "lets",
        "via",
        "per",
        "within",
        "across",
        "among",
        "upon",
        "ever",
        "every",
        "one",
        "two",
        "also",
        "new",
        "get",
        "got",
        "may",
        "might",
        "must",
        "shall",
        "much",
        "many",
        "s",
        "t",
        "don",
        "isn",
        "aren",
        "wasn",
        "weren",
        "hasn",
        "haven",
        "didn",
        "won",
        "wouldn",
    ]
)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the graded text
    index: int

    @cached_property
    def lower(self) -> str:
        return lower(self.text)

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    @cached_property
    def hedges(self) -> tuple[str, ...]:
        """The hedging phrases in it ("some", "may have been"); whether the facts hedge alike is base.Context's."""
        return tuple(m.group(0) for m in lexicon.HEDGE.finditer(self.lower))


@dataclass
class Draft:
    """A draft parsed once: heading, body, sentences (with offsets into the original text), stems."""

    text: str
    channel: Channel
    heading: str | None
    body: str
    body_offset: int
    sentences: list[Sentence] = field(default_factory=list)

    @cached_property
    def lower(self) -> str:
        return lower(self.text)

    @cached_property
    def body_lower(self) -> str:
        return lower(self.body)

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.text)

    @cached_property
    def words(self) -> list[str]:
        """The body's words (the heading is not counted against a channel's length)."""
        return WORD.findall(self.body)

    @cached_property
    def word_count(self) -> int:
        return len(self.words)

    def opening(self, share: float = 0.4, minimum: int = 3) -> list[Sentence]:
        """The first sentences of the body: the larger of `minimum` and `share` of them."""
        body = [s for s in self.sentences if s.start >= self.body_offset] or self.sentences
        count = max(minimum, round(len(body) * share))
        return body[:count]

    def closing(self, count: int = 4) -> list[Sentence]:
        return self.sentences[-count:]

    @cached_property
    def people(self) -> list[Person]:
        """Named people in the draft, found once."""
        return people_in(self.text)

    @cached_property
    def quantities(self) -> list[Quantity]:
        """Every figure, date and time in the whole text, found once."""
        return extract(self.text, self.lower)

    def quantities_in(self, sentence: Sentence) -> list[Quantity]:
        """The sentence's own figures, dates and times: graders ask this of every sentence, several times."""
        return self._quantities_by_sentence[sentence.index]

    @cached_property
    def _quantities_by_sentence(self) -> list[list[Quantity]]:
        return [self.quantities_between(s.start, s.start + len(s.text)) for s in self.sentences]

    def quantities_between(self, start: int, end: int) -> list[Quantity]:
        """Quantities starting in [start, end), found by bisection (quantities are in text order)."""
        starts = self._quantity_starts
        return self.quantities[bisect_left(starts, start) : bisect_left(starts, end)]

    @cached_property
    def _quantity_starts(self) -> list[int]:
        return [q.start for q in self.quantities]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding this character offset, if any."""
        found = self._sentences_at([offset])
        return found[0] if found else None

    def matching(self, pattern: re.Pattern[str]) -> list[Sentence]:
        """Sentences where `pattern` matches: one scan of the whole text, not one per sentence."""
        cache: dict[re.Pattern[str], list[Sentence]] = self.__dict__.setdefault("_matching", {})
        if pattern not in cache:
            cache[pattern] = self._sentences_at(m.start() for m in scan(pattern, self.lower))
        return cache[pattern]

    def matches(self, pattern: re.Pattern[str], sentence: Sentence) -> bool:
        """`sentence in self.matching(pattern)` in constant time (graders ask it of every sentence)."""
        indices: dict[re.Pattern[str], frozenset[int]] = self.__dict__.setdefault("_matching_indices", {})
        if pattern not in indices:
            indices[pattern] = frozenset(s.index for s in self.matching(pattern))
        return sentence.index in indices[pattern]

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def _sentences_at(self, offsets: Iterable[int]) -> list[Sentence]:
        starts = self._starts
        hit: dict[int, Sentence] = {}
        for offset in offsets:
            index = bisect_right(starts, offset) - 1
            if index >= 0:
                sentence = self.sentences[index]
                if offset < sentence.start + len(sentence.text):
                    hit.setdefault(index, sentence)
        return [hit[i] for i in sorted(hit)]

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]


def scan(pattern: re.Pattern[str], lowered: str) -> Iterator[re.Match[str]]:
    """pattern.finditer(lowered), tried only where a match can start (skipped when none can)."""
    return starts.finditer(pattern, lowered)


def lower(text: str) -> str:
    """Lower case that keeps every character at its offset (str.lower can lengthen a few, like "İ")."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def parse(text: str, channel: Channel) -> Draft:
    split = split_heading(text, channel)
    draft = Draft(
        text=text, channel=channel, heading=split.heading, body=split.body, body_offset=split.body_offset
    )
    draft.sentences = split_sentences(text)
    return draft


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; abbreviations like "Dr." and "p.m." do not end one."""
    chars = list(text)
    for match in scan(_ABBREVIATIONS, lower(text)):
        for index in range(match.start(), match.end()):
            if chars[index] == ".":
                chars[index] = "\x00"
    protected = "".join(chars)
    sentences: list[Sentence] = []
    position = 0
    for match in _SENTENCE_END.finditer(protected):
        _append(sentences, text, position, match.start())
        position = match.end()
    _append(sentences, text, position, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + chunk.index(stripped[0])
        sentences.append(Sentence(stripped, offset, len(sentences)))


# Words that mean the same thing in incident writing map to one stem, so a paraphrase still overlaps.
_SYNONYM_GROUPS = {
    "staff": "staff employee employees worker workers colleague colleagues personnel crew",
    "customer": "customer customers client clients user users member members subscriber subscribers",
    "passeng": "passenger passengers traveller travellers traveler travelers flyer flyers",
    "configur": "configuration configurations config settings setting",
    "chang": "change changes changed changing update updates updated replace replaced replacing",
    "system": "system systems software platform",
    "believ": "believe believes think thinks",
    "faulti": "faulty bad broken flawed defective buggy",
    "delet": "delete deleted deleting deletion remove removed wipe wiped erase erased",
    "delay": "delay delays delayed late lateness",
    "underpaid": "underpaid underpay underpaying underpayment underpayments",
    "outag": "outage outages downtime",
    "pay": "pay paid salary salaries wage wages payment payments",
    "fix": "fix fixed correct corrected repair repaired",
    "cancel": "cancel cancelled canceled cancellation cancellations",
    "price": "price prices pricing cost costs",
}
_SYNONYMS = {word: canonical for canonical, words in _SYNONYM_GROUPS.items() for word in words.split()}
NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")


@cache
def stem(word: str) -> str:
    lowered = word.lower().replace("’", "'").strip("'-")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    if lowered in _SYNONYMS:
        return _SYNONYMS[lowered]
    # British -ise spellings stem apart from -ize ones; fold the common verb forms together.
    lowered = re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", lowered) if len(lowered) > 6 else lowered
    return str(_stemmer.stemWord(lowered))


def content_stems(text: str) -> frozenset[str]:
    """Stems of the content words (no stopwords, no one-letter words), plus numbers without commas."""
    tokens = WORD.findall(text)
    parts = [p for w in tokens if "-" in w for p in w.split("-")]  # "partner-locker" also counts as its parts
    words = {stem(w) for w in tokens + parts if len(w) > 2 and w.lower() not in STOPWORDS}
    numbers = {n.replace(",", "").rstrip(".") for n in NUMBER_TOKEN.findall(text)}
    return frozenset(words | numbers)


def overlap(needles: frozenset[str], haystack: frozenset[str]) -> float:
    """Share of `needles` found in `haystack` (0 when there are no needles)."""
    return len(needles & haystack) / len(needles) if needles else 0.0


def best_sentence(sentences: list[Sentence], needles: frozenset[str]) -> tuple[Sentence | None, float]:
    """The sentence covering most of `needles`, and how much it covers."""
    best: tuple[Sentence | None, float] = (None, 0.0)
    for sentence in sentences:
        share = overlap(needles, sentence.stems)
        if share > best[1]:
            best = (sentence, share)
    return best


def quote(sentence: Sentence, limit: int = 160) -> str:
    text = " ".join(sentence.text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
