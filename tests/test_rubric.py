"""Each grader on its own: a passing draft, a plainly failing one, and failures planted without the obvious
words. Facts: the telecom outage example."""

from __future__ import annotations

import pytest

from service.rubric import grade
from service.rubric.types import Criterion
from tests.conftest import example_facts

FACTS = example_facts("telecom-outage")
STRONG = """Subject: Our outage on 12 March

On 12 March our network went down across the country for about nine hours. Around 1.2 million of you
could not call, text or use data, and some could not reach emergency services. I am sorry.

The cause was a faulty configuration change we pushed to our core network at 04:10. We rolled it back
at 13:05. From 20 March every core change goes through a staged rollout with automatic rollback.

Every affected customer gets a credit of two days of service on the next bill. Our full report will be
on our website by 26 March: northwind.example/outage.

Daniel Reyes
Chief Executive Officer"""


def verdict(text: str, criterion: Criterion, strategy: str = "reactive", channel: str = "email") -> bool:
    return grade(text, FACTS, strategy, channel).criterion(criterion).passed


def test_the_strong_draft_passes_everything() -> None:
    result = grade(STRONG, FACTS, "reactive", "email")
    assert result.passed and result.unsupported == []
    assert [c.criterion for c in result.criteria if not c.passed] == []


@pytest.mark.parametrize(
    ("swap", "criterion"),
    [
        # acknowledgment: vague, minimised, hedged
        (("Subject: Our outage on 12 March\n\nOn 12 March our network went down across the country for about nine hours. "
          "Around 1.2 million of you\ncould not call, text or use data,",
          "Subject: An update\n\nRecently we had an issue with some of our services,"), Criterion.acknowledgment),
        (("our network went down across the country for about nine hours. Around 1.2 million of you\ncould not call, text "
          "or use data",
          "a handful of customers had a brief blip with calls"), Criterion.acknowledgment),
        # ownership: deflection and agentless passive, without the word "blame"
        (("The cause was a faulty configuration change we pushed to our core network at 04:10.",
          "Our equipment supplier's configuration update failed when it reached the core network at 04:10."), Criterion.ownership),
        (("The cause was a faulty configuration change we pushed to our core network at 04:10. We rolled it back",
          "A faulty configuration change was applied to the core network at 04:10. It was rolled back"), Criterion.ownership),
        # sincerity: non-apologies that avoid "sorry for any inconvenience"
        (("I am sorry.", "We understand this may have been frustrating for some."), Criterion.sincerity),
        (("I am sorry.", "We take network reliability extremely seriously."), Criterion.sincerity),
        # accountable voice: an anonymous team, a stranger
        (("Daniel Reyes\nChief Executive Officer", "The Northwind Team"), Criterion.accountable_voice),
        (("Daniel Reyes\nChief Executive Officer", "Karen Whitfield\nHead of Network"), Criterion.accountable_voice),
        # plan: vague intentions only
        (("We rolled it back\nat 13:05. From 20 March every core change goes through a staged rollout with automatic rollback.",
          "We are looking into it and will take steps to make sure it does not happen again."), Criterion.concrete_plan),
        # amends: invented, paraphrased as "something extra on your next bill"
        (("Every affected customer gets a credit of two days of service on the next bill.",
          "Everyone affected will get a month free and a $30 credit on their next bill."), Criterion.amends),
        # ongoing communication: closed
        (("Our full report will be\non our website by 26 March: northwind.example/outage.", "We will be in touch soon."),
         Criterion.ongoing_communication),
    ],
)
def test_planted_flaws_are_caught(swap: tuple[str, str], criterion: Criterion) -> None:
    old, new = swap
    assert old in STRONG
    assert verdict(STRONG, criterion) and not verdict(STRONG.replace(old, new), criterion)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("I am sorry.", "This should never have happened, and we owe every one of you an apology."),
        ("I am sorry.", "We let you down, and I apologise."),
        ("The cause was a faulty configuration change we pushed", "We broke it ourselves: we pushed a bad settings change"),
        ("for about nine hours", "for roughly 9 hours"),
        ("a credit of two days of service", "48 hours of service free"),
        ("at 13:05", "at 1:05 pm"),
    ],
)
def test_paraphrases_of_a_strong_draft_still_pass(old: str, new: str) -> None:
    result = grade(STRONG.replace(old, new), FACTS, "reactive", "email")
    assert [c.criterion for c in result.criteria if not c.passed] == [] and result.unsupported == []


@pytest.mark.parametrize(
    ("addition", "kind"),
    [
        ("We will also refund every customer $25.", "amount"),
        ("Service was restored by 11:30.", "time"),
        ("About 40% of customers were affected.", "percentage"),
        ("Our network partner Telvo caused the fault.", "cause"),
        ("This breach of our network was serious.", "legal"),
        ("Our CTO, Alan Brooks, has resigned.", "person"),
        ("The outage began on 14 March.", "date"),
    ],
)
def test_the_ledger_flags_each_kind_of_invented_claim(addition: str, kind: str) -> None:
    result = grade(STRONG + "\n\n" + addition, FACTS, "reactive", "email")
    assert not result.passed
    assert kind in {c.kind for c in result.unsupported}
    flagged = result.unsupported[0]
    assert (STRONG + "\n\n" + addition)[flagged.start : flagged.end] == flagged.text


def test_harmless_numbers_are_not_claims() -> None:
    text = STRONG + "\n\nSupport is open 24/7. This is one of our first steps, and step 1 of three we will take."
    assert grade(text, FACTS, "reactive", "email").unsupported == []


def test_channel_rules() -> None:
    long_post = "We are sorry. " + "Our network failed for nine hours on 12 March. " * 10
    assert not grade(long_post, FACTS, "reactive", "social_post").criterion(Criterion.channel_fit).passed
    no_subject = STRONG.split("\n", 2)[2]
    assert not grade(no_subject, FACTS, "reactive", "email").criterion(Criterion.channel_fit).passed
    press = grade(STRONG.replace("Subject:", "Headline:"), FACTS, "reactive", "press_statement")
    assert not press.criterion(Criterion.channel_fit).passed  # no quote


def test_proactive_messages_that_apologise_fail_strategy_fit() -> None:
    facts = example_facts("factory-transparency")
    text = ("We're sorry we kept this from you. Our 14 factories are now listed on our website with their audit "
            "results, because customers asked where our products are made. Next update in April.")
    result = grade(text, facts, "proactive", "blog_post")
    assert not result.criterion(Criterion.strategy_fit).passed
    assert not result.criterion(Criterion.ownership).applicable


def test_score_is_the_mean_of_applicable_criteria_and_faithfulness_gates() -> None:
    result = grade(STRONG + "\nEveryone also gets a $50 voucher.", FACTS, "reactive", "email")
    applicable = [c.score for c in result.criteria if c.applicable]
    assert result.score == pytest.approx(sum(applicable) / len(applicable), abs=1e-3)
    assert not result.passed and result.score >= 0.7  # high score, but an invented remedy fails the draft


def test_a_draft_that_copies_the_facts_block_fails_channel_fit() -> None:
    facts = {"organization": "Northwind Mobile", "summary": "A nationwide outage on 12 March."}
    echoed = "<incident_facts>\norganization: Northwind Mobile\nsummary: A nationwide outage on 12 March.\n</incident_facts>"
    verdict = grade(echoed, facts, "reactive", "status_page").criterion("channel_fit")
    assert not verdict.passed and verdict.score == 0.0 and "facts block" in verdict.reason


# --- faithfulness: what is and is not a claim (docs/rubric.md) ---

FEE_FACTS = {
    "organization": "Acme Energy",
    "summary": "On 3 May a billing script charged 4,000 customers a 6 dollar fee twice; it ran from 04:10 to 13:05.",
    "cause": "A billing script we deployed ran twice.",
    "actions_taken": ["Stopped the script at 13:05", "Added a check that stops a second run"],
    "remedy": ["Refund of the $6 fee by 10 May"],
    "timeline": [{"when": "3 May 04:10", "what": "script started"}, {"when": "3 May 13:05", "what": "script stopped"}],
}


@pytest.mark.parametrize(
    "sentence",
    [
        "We charged you USD 6 twice and will refund the six-dollar fee by 10 May.",
        "For nine hours on 3 May the script kept charging.",
        "It ran for 8 hours and 55 minutes before we stopped it.",
        "We made two changes.",
        "We will keep reviewing how we work so that this does not happen again.",
        "We're telling you now because you deserve to hear it from us.",
    ],
)
def test_restatements_arithmetic_and_generic_sentences_are_not_claims(sentence: str) -> None:
    assert grade(sentence, FEE_FACTS, "reactive", "status_page").unsupported == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("This happened because a contractor cut a cable.", "cause"),
        ("We accept full legal liability for the charges.", "legal"),
        ("This was a breach of our duty to you.", "legal"),
        ("99.9% of bills were unaffected.", "percentage"),
        ("Nine in ten customers were not affected.", "percentage"),
        ("We will hire an independent auditor to review billing.", "promise"),
        ("No card details were taken.", "assurance"),
        ("Our prices remain the lowest of any UK supplier.", "comparison"),
        ("Our billing is certified to ISO 27001.", "endorsement"),
        ("We have asked the software vendor for a full written explanation of its testing.", "action"),
        ("The standing charge stays at $2.", "amount"),
    ],
)
def test_specific_claims_the_facts_do_not_carry_are_named_with_their_kind_and_span(sentence: str, kind: str) -> None:
    claims = grade(sentence, FEE_FACTS, "reactive", "status_page").unsupported
    assert [c.kind for c in claims] == [kind], claims
    assert claims[0].text in sentence and sentence[claims[0].start : claims[0].end] == claims[0].text
