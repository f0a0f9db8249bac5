"""Claims that are not figures or names: causes, commitments and actions, remedies, assurances, comparisons and
endorsements. Each is a claim only when it is specific: a general sentence about how we work ("we will keep
reviewing our processes") promises nothing anyone can hold us to, while "we will hire an independent auditor",
"because a contractor cut a cable", "no card details were taken" or "recommended by vets" do, and must trace
to the facts (docs/rubric.md, faithfulness).

Every detector returns the clause that carries the claim, with its span, so a reviewer sees exactly what to
check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from service.rubric import lexicon
from service.rubric.base import Context
from service.rubric.figures import restates_remedy
from service.rubric.text import Sentence, content_stems, stem
from service.rubric.types import ClaimKind, UnsupportedClaim

# Words any commitment, action or reason may use without saying anything specific.
GENERIC = content_stems(
    "will would going promise commit committed guarantee ensure make made sure continue continuing keep kept "
    "customers customer everyone anyone people affected receive get got see able happen happened happening again "
    "future forward next steps step take taking taken first one more work working worked team teams way ways "
    "process processes procedure procedures practice practices approach improve improving improvement "
    "improvements better best learn learning lessons lesson review reviewing reviewed look looking closely "
    "everything thing things measure measures action actions change changes changing right fix fixed problem "
    "problems issue issues question questions help helping support supporting together hard possible always "
    "doing done time times soon now today still also need needs needed want wanted hope know knew understand "
    "service services experience experiences trust matter matters important sorry apologise apologize "
    "open honest clear clearly transparent update updates updated share shared post posted tell told "
    "contact touch reach back home part whole every full fully properly quickly carefully "
    "say says said admit admits admitted confirm confirms confirmed announce announces announced"
)
# Why we tell people something (not a cause of what happened): "because you deserve to hear it from us".
MOTIVES = content_stems(
    "deserve deserves hear heard know knowing want wants matter matters important right honest openness "
    "transparent trust care cares asked ask asking told expect expected wait waiting rely relies owe fair fairness"
)
# Words a cause may use without naming one: "a system error", "an unexpected technical issue" is an excuse
# (explanation fails it), not an invented cause.
CAUSE_GENERIC = content_stems(
    "system systems error errors technical fault faults failure failures unexpected serious glitch incident "
    "outage mistake mistakes situation circumstances event events reason reasons combination factors several"
)
_MIN_SPECIFIC = 2  # specific terms a clause needs before it is a claim at all
_MIN_UNKNOWN_SHARE = 0.5  # ...and the share of them the facts must not know
_CAUSE_UNKNOWN = 0.5  # the share of a cause clause the facts must not know
# A promise or an action is held to more: people restate the facts' plan in their own words.
_PROMISE_TERMS = 3
_PROMISE_UNKNOWN = 0.7

_CAUSE_LINK = re.compile(
    r"\b(?:because(?: of)?|due to|caused by|(?:was|were|is|are) the result of|as a result of|triggered by|"
    r"stemm(?:ed|ing) from|traced (?:back )?to|owing to|resulted from|came from|down to|"
    r"(?:began|started|happened|occurred|arose) (?:when|after))\s+"
)
_CAUSE_VERB = re.compile(
    r"\b(?:caused|led to|triggered|knocked out|took down|brought down|crashed|corrupted|broke|wiped|disrupted|"
    r"overloaded|meant that|forced us to)\b"
)
_CLAUSE_END = re.compile(r"[,;:!?()\n]|\.(?!\d)|\s[-–—]\s|\b(?:and|but|so|which|while|when|who)\b")  # "99.9" goes on
_ACTION = re.compile(
    r"\b(?:we|i)(?:['’]ve| have| had)? (?:already |now |also |since |just |immediately |today )?"
    r"(?P<verb>asked|hired|appointed|commissioned|engaged|brought in|partnered|donated|pledged|invested|"
    r"banned|dismissed|fired|filed)\b"
)
_ASSURANCE = re.compile(
    r"\b(?:no|none of the|not a single)\b[^.;]{0,40}\b(?:data|information|details|records|passwords?|card|"
    r"accounts?|money|funds|payments?|one|customers?|patients?)\b[^.;]{0,40}\b(?:was|were|has been|have been|is|are)"
    r"\s+(?:\w+ )?(?:accessed|affected|taken|stolen|lost|misused|exposed|compromised|at risk|harmed|injured)\b|"
    r"\b(?:has|have) not been (?:accessed|misused|affected|compromised|shared|sold)\b|"
    r"\bno evidence (?:that|of)\b|\bthere (?:is|was) no (?:risk|danger|threat)\b|\bpose[sd]? no (?:risk|threat|danger)\b"
)
_COMPARISON = re.compile(
    r"\b(?:lowest|cheapest|highest|best|fastest|safest|largest|biggest|only|first|most \w+|least \w+|fewest|"
    r"cheaper|lower|higher|better|faster)\b[^.;]{0,60}\b(?:of any|than (?:any|all|other|most|our competitors|"
    r"the (?:industry|market|average|competition))|in the (?:industry|market|country|sector|world|uk|us|region)|"
    r"on the market|of (?:its|our|their) competitors|anywhere|around the world|"
    r"in (?:\w+['’]s |our |its |their |the company['’]s )?(?:\w+ )?history)\b|"
    r"\b(?:best|largest|biggest|safest|fastest|most \w+)(?: \w+){0,2} ever\b|"
    r"\b\w+ (?:in|out of) (?:every )?\w+ (?:of )?(?:its|our|their) competitors\b|"
    # A rank claimed outright: "the industry leader in reliability", "the platform of choice".
    r"\b(?:the|a) (?:industry|market|world|global) leader\b(?: in \w+)?|\bthe [\w-]+ (?:\w+ )?of choice\b"
)
_ENDORSEMENT = re.compile(
    r"\b(?:recommended|approved|endorsed|certified|accredited|praised|backed) by\b[^.;,]{0,40}|"
    r"\b(?:won (?:an?|the) [\w ]{0,30}award|voted [^.;,]{0,50}|rated (?:the )?\w+ [^.;,]{0,40})|"
    r"\b(?:iso|soc)[ -]?\d{4,5}(?:[ -]\d)?\b|\baes-?256\b|\bpci[- ]dss\b|\bgdpr[- ]compliant\b"
)


def claims(ctx: Context) -> list[UnsupportedClaim]:
    """Every specific claim of these kinds that the facts do not support."""
    return [
        *_remedies(ctx),
        *_commitments(ctx),
        *_actions(ctx),
        *_causes(ctx),
        *_matched(ctx, _ASSURANCE, ClaimKind.assurance, "a reassurance the facts do not give"),
        *_matched(ctx, _COMPARISON, ClaimKind.comparison, "a comparison the facts do not make"),
        *_matched(ctx, _ENDORSEMENT, ClaimKind.endorsement, "an endorsement, award or certification not in the facts"),
    ]


def unknown_terms(text: str, ctx: Context, generic: frozenset[str] = GENERIC) -> tuple[frozenset[str], frozenset[str]]:
    """The specific content terms of a clause, and those of them the facts never use."""
    specific = content_stems(text) - ctx.facts.org_stems - generic
    return specific, specific - ctx.facts.stems


def invented(
    text: str,
    ctx: Context,
    generic: frozenset[str] = GENERIC,
    *,
    min_terms: int = _MIN_SPECIFIC,
    unknown_share: float = _MIN_UNKNOWN_SHARE,
) -> bool:
    """Specific (enough terms beyond the generic), and mostly not in the facts."""
    specific, unknown = unknown_terms(text, ctx, generic)
    return len(specific) >= min_terms and bool(unknown) and len(unknown) >= unknown_share * len(specific)


# --- remedies, commitments, actions ---


def _remedies(ctx: Context) -> list[UnsupportedClaim]:
    """A refund, credit, discount or other compensation the facts do not approve (found once: the commitments
    check skips the sentences it claims)."""
    return ctx.once(_find_remedies)


def _find_remedies(ctx: Context) -> list[UnsupportedClaim]:
    found = []
    for sentence in ctx.draft.matching(lexicon.REMEDY_WORDS):
        if restates_remedy(sentence, ctx):
            continue
        for match in lexicon.REMEDY_WORDS.finditer(sentence.lower):
            word = match.group(0)
            if stem(word.split()[-1]) in ctx.facts.stems or word in ctx.facts.lower:
                continue
            if _OFFER.search(sentence.lower) and not negated_before(sentence.lower, match.start(), window=40):
                found.append(_sentence_claim(sentence, ClaimKind.promise, f"remedy '{word}' is not approved in the facts"))
                break
    return found


_OFFER = re.compile(
    r"\b(?:will|'ll|receive|get|gets|getting|offer\w*|giv\w+|provid\w+|pay(?:ing|s)?|see|add\w*|enjoy|"
    r"entitled|eligible|includ\w+|on us|is yours|are yours)\b"
)


def _commitments(ctx: Context) -> list[UnsupportedClaim]:
    """A specific promise ("we will hire an independent auditor by June") the facts never make; "we'll keep you
    posted" and the like promise nothing specific (a date in them is checked as a figure)."""
    remedied = {c.start for c in _remedies(ctx)}
    return [
        _sentence_claim(sentence, ClaimKind.promise, "commitment not found in the facts")
        for sentence in ctx.draft.matching(lexicon.PROMISE)
        if sentence.start not in remedied
        and not lexicon.GENERIC_PROMISE.search(sentence.lower)
        and invented(sentence.text, ctx, min_terms=_PROMISE_TERMS, unknown_share=_PROMISE_UNKNOWN)
    ]


def _actions(ctx: Context) -> list[UnsupportedClaim]:
    """Something we say we have done ("we have asked the vendor for a full explanation") the facts never
    mention."""
    found = []
    for sentence in ctx.draft.matching(_ACTION):
        match = _ACTION.search(sentence.lower)
        assert match is not None
        if negated_before(sentence.lower, match.start()):
            continue
        clause = _clause(sentence.text, match.start())
        if invented(clause, ctx, min_terms=_PROMISE_TERMS, unknown_share=_PROMISE_UNKNOWN):
            found.append(_span_claim(sentence, match.start(), clause, ClaimKind.action, "an action the facts do not report"))
    return found


# --- causes ---


def _causes(ctx: Context) -> list[UnsupportedClaim]:
    """A reason for what happened (or for a decision) that the facts do not give: the clause after "because",
    "due to", "caused by"..., or the subject of "X caused ...", "X knocked out ...". A named kind of cause the
    facts never mention (a vendor, a storm, an attack, a power failure) in a sentence about why is a claim
    on its own."""
    found: list[UnsupportedClaim] = []
    generic = GENERIC | MOTIVES | CAUSE_GENERIC
    for sentence in ctx.draft.sentences:
        clause = next(
            (
                (start, text)
                for start, text in _cause_clauses(sentence)
                if _unknown_causes(text, ctx) or invented(text, ctx, generic, unknown_share=_CAUSE_UNKNOWN)
            ),
            None,
        )
        named = _unknown_causes(sentence.text, ctx) if ctx.draft.matches(lexicon.CAUSAL, sentence) else []
        if clause is not None:
            start, text = clause
            named = _unknown_causes(text, ctx)
            reason = f"cause '{named[0]}' is not in the facts" if named else "a cause the facts do not give"
            found.append(_span_claim(sentence, start, text, ClaimKind.cause, reason))
        elif named:
            found.append(_sentence_claim(sentence, ClaimKind.cause, f"cause '{named[0]}' is not in the facts"))
    return found


def _unknown_causes(text: str, ctx: Context) -> list[str]:
    """Kinds of cause (vendor, storm, attack, power failure...) named in `text` that the facts never mention."""
    return [m.group(0) for m in lexicon.CAUSE_NOUNS.finditer(text.lower()) if not _known_cause(m.group(0), text, ctx)]


# A reason given for saying or deciding something, not a cause of what happened: "because you deserve to hear
# it from us", "because we think you would rather...", "because it matters".
_NOT_A_CAUSE = re.compile(
    r"^(?:you|your|we|i|it|this|that|these|those|there|they|he|she)\b|\b(?:think|believe|feel|rather|matters?|"
    r"deserve|want|would|should|can['’]t|cannot|must|need to)\b"
)
_TO_A_FIGURE = re.compile(r"(?:an? |the )?(?:[a-z]+ ){0,3}[$£€]?\d")
# "the wasted journeys this caused": the subject is a pronoun, the noun before it what was caused.
_ENDS_IN_PRONOUN = re.compile(r"\b(?:this|that|it|which|they|we)$")
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|be|being)\s+$")
_CLAUSE_START = re.compile(r"[,;:]|\b(?:and|but|so|that|which|who|when|while|after|before|because|as)\b")


def _cause_clauses(sentence: Sentence) -> Iterator[tuple[int, str]]:
    """Where the sentence names a cause: the clause after a causal link, or the subject of a causing verb."""
    lowered = sentence.lower
    for match in _CAUSE_LINK.finditer(lowered):
        clause = _clause(sentence.text, match.end())
        if match.group(0).startswith("down to") and _TO_A_FIGURE.match(clause.lower()):
            continue  # "took our uptime down to 99.97%": a value falling, not a cause
        if not negated_before(lowered, match.start(), window=12) and not _NOT_A_CAUSE.search(clause.lower()):
            yield match.end(), clause
    for match in _CAUSE_VERB.finditer(lowered):
        before = lowered[: match.start()]
        if _PASSIVE_BEFORE.search(before):
            continue  # "were caused by X": X follows, and the link above reads it
        offset = max((m.end() for m in _CLAUSE_START.finditer(before)), default=0)
        subject = sentence.text[offset : match.start()].strip()
        if subject and len(subject.split()) <= 8 and not _NOT_A_CAUSE.search(subject.lower()) and not _ENDS_IN_PRONOUN.search(subject.lower()):
            yield offset, subject


def _known_cause(noun: str, clause: str, ctx: Context) -> bool:
    """The facts name this kind of cause, or the noun qualifies something they name ("third-party processor")."""
    if content_stems(noun) & ctx.facts.stems:
        return True
    following = re.findall(r"[a-z]+", clause.lower()[clause.lower().find(noun) + len(noun) :])[:2]
    return noun.startswith("third") and any(stem(w) in ctx.facts.stems for w in following)


# --- assurances, comparisons, endorsements ---


def _matched(ctx: Context, pattern: re.Pattern[str], kind: ClaimKind, reason: str) -> list[UnsupportedClaim]:
    """A phrase of this kind whose specific terms the facts do not carry."""
    found = []
    for sentence in ctx.draft.matching(pattern):
        for match in pattern.finditer(sentence.lower):
            phrase = sentence.text[match.start() : match.end()]
            specific, unknown = unknown_terms(phrase, ctx, GENERIC - _KEEP_IN_CLAIMS)
            if unknown or not specific:
                found.append(_span_claim(sentence, match.start(), phrase, kind, reason))
                break
    return found


# Words that are generic in a promise but carry the claim in an assurance or comparison ("no data was lost").
_KEEP_IN_CLAIMS = content_stems("customers customer people affected service services")


# --- spans ---


def negated_before(lowered: str, start: int, window: int = 25) -> bool:
    """ "no unauthorised access", "we have not asked": the draft denies it rather than claims it."""
    return bool(_NEGATED.search(lowered[max(0, start - window) : start]))


_NEGATED = re.compile(
    r"\b(?:no|not|never|without|cannot|can['’]t|unable|don['’]t|do not|won['’]t|will not|isn['’]t|aren['’]t|"
    r"haven['’]t|hasn['’]t|didn['’]t|nor|rather than|instead of)\b[\w\s]{0,30}$"
)


def _clause(text: str, start: int) -> str:
    """From `start` to the end of its clause."""
    end = _CLAUSE_END.search(text.lower(), start)
    return text[start : end.start() if end else len(text)].strip()


def _span_claim(sentence: Sentence, offset: int, clause: str, kind: ClaimKind, reason: str) -> UnsupportedClaim:
    start = sentence.start + sentence.text.find(clause, max(0, offset - len(clause))) if clause else sentence.start
    start = max(start, sentence.start)
    return UnsupportedClaim(kind=kind, text=clause or sentence.text, start=start, end=start + len(clause or sentence.text), reason=reason)


def _sentence_claim(sentence: Sentence, kind: ClaimKind, reason: str) -> UnsupportedClaim:
    end = sentence.start + len(sentence.text)
    return UnsupportedClaim(kind=kind, text=sentence.text, start=sentence.start, end=end, reason=reason)
