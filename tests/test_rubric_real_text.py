"""What real published statements taught the graders (evals/statements-dev, labelled): facts written from the
coverage are long, and a sentence about the event's background is not a statement of what it did to people."""

from __future__ import annotations

from service.rubric import grade
from service.rubric.types import Criterion

# Facts as a reporter would write them: what happened first, then the background and the aftermath.
FACTS = {
    "organization": "Northline Rail",
    "summary": (
        "On 4 March a Northline Rail train derailed near Carrow, injuring 22 passengers. The line opened in 1998 "
        "and carries 40,000 people a day on new tilting trains bought in 2019. The company's chairman visited the "
        "site and the regulator opened an inquiry."
    ),
    "affected": "22 passengers injured, four of them seriously; thousands of commuters delayed for three days.",
    "cause": "A faulty set of points that had not been inspected on schedule.",
}


def passes(criterion: Criterion, text: str) -> bool:
    return grade(text, FACTS, "reactive", "press_statement").criterion(criterion).passed


def impact(text: str) -> bool:
    return passes(Criterion.impact_empathy, text)


def test_background_from_a_long_summary_is_not_what_happened_to_people() -> None:
    background = (
        "Headline: Statement from Northline Rail\n\nOur line has carried passengers since 1998, and our tilting "
        "trains, bought in 2019, are among the newest in the country. Our chairman visited the site today. We "
        "will cooperate fully with the regulator's inquiry."
    )
    assert not impact(background)


def test_the_harm_in_the_facts_own_terms_still_passes() -> None:
    harm = (
        "Headline: Statement from Northline Rail\n\nOn 4 March our train derailed near Carrow. 22 passengers were "
        "injured, four of them seriously, and thousands of commuters were delayed for three days. I am sorry."
    )
    assert impact(harm)


def sincere(text: str) -> bool:
    return passes(Criterion.sincerity, text)


def test_an_apology_for_whatever_harm_may_have_been_caused_is_a_non_apology() -> None:
    direct = "On 4 March our train derailed near Carrow and 22 passengers were hurt. We are sorry we let them down."
    assert sincere(direct)
    for hedged in (
        "We apologise for any upset our service on 4 March might have caused.",
        "We are sorry for any distress or worry the derailment near Carrow may have caused to passengers.",
        "Northline Rail regrets for any harm that this may have created.",
    ):
        assert not sincere(f"On 4 March our train derailed near Carrow. {hedged}")


def test_our_top_priority_is_a_stock_line_whichever_way_round() -> None:
    assert not sincere(
        "On 4 March our train derailed near Carrow and 22 passengers were hurt. We are sorry. Our top priority is "
        "to make things right for everyone on board."
    )


def acknowledges(text: str) -> bool:
    return passes(Criterion.acknowledgment, text)


def test_the_opening_names_what_happened_not_the_background_around_it() -> None:
    background = (
        "Headline: Northline Rail statement\n\nNorthline Rail's line opened in 1998 and carries 40,000 people a day "
        "on new tilting trains bought in 2019. Our chairman visited the site, and the regulator has opened an "
        "inquiry into the events of 4 March. We will share more soon."
    )
    assert not acknowledges(background)
    assert acknowledges(
        "Headline: Northline Rail statement\n\nOn 4 March one of our trains derailed near Carrow, and 22 "
        "passengers were injured. We will share more soon."
    )


def test_a_reactive_message_that_opens_by_praising_itself_leads_with_something_else() -> None:
    bragging = (
        "Headline: Northline Rail statement\n\nNorthline Rail has been voted the most popular operator in the "
        "region for five years running. On 4 March one of our trains derailed near Carrow and 22 passengers were "
        "injured. We are sorry."
    )
    assert not passes(Criterion.strategy_fit, bragging)
    incident_first = (
        "Headline: Northline Rail statement\n\nOn 4 March one of our trains derailed near Carrow and 22 passengers "
        "were injured. We are sorry. Our crews, who are the best in the industry, were on site within minutes."
    )
    assert passes(Criterion.strategy_fit, incident_first)


def test_a_promise_to_keep_people_informed_needs_a_real_when_or_where() -> None:
    # "happens" and "everywhere" contain "app" and "here": neither says where the next update will be.
    vague = "On 4 March a train derailed near Carrow. We will keep you informed so this never happens again, everywhere."
    assert not passes(Criterion.ongoing_communication, vague)
    assert passes(Criterion.ongoing_communication, "On 4 March a train derailed near Carrow. We will post updates here.")


def unsupported(text: str) -> list[str]:
    return [c.text for c in grade(text, FACTS, "reactive", "press_statement").unsupported]


def test_a_phone_number_version_or_heading_label_is_not_a_figure() -> None:
    """Digits that name something (a phone line, a software version, "Finding 1:") claim nothing; a figure the
    facts do not give, written beside them, is still an unsupported claim."""
    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured. We are sorry."
    for naming in (
        "If you have questions, call our free line on 1-877-847-8408.",
        "Call us on 0800 123 4567 or, from abroad, +44 20 7946 0958.",
        "Call (555) 010-7788 at any hour.",
        "The signalling software, version 4.2.11, has been checked.",
        "We have written up what we found.\nFinding 2: the points had not been inspected on schedule.",
    ):
        assert unsupported(f"{opening} {naming}") == [], naming
    assert unsupported(f"{opening} Call us on 0800 123 4567. We have refunded 913 tickets.") == ["913"]


def test_a_phone_number_is_not_the_count_of_people_affected() -> None:
    """A line number near the facts' count ("877" for about 1,000 residents) does not say who was affected."""
    facts = {**FACTS, "affected": "About 1,000 residents of Carrow, evacuated for a night."}
    contact = (
        "Dear neighbour,\nWe wanted to give you a status update and see if you had any concerns.\n"
        "If you have any questions, please call our community line at 1-877-847-8408."
    )
    result = grade(contact, facts, "reactive", "email")
    assert not result.criterion(Criterion.impact_empathy).passed
    told = contact.replace("If you have", "About 1,000 of you were evacuated for a night. If you have")
    assert grade(told, facts, "reactive", "email").criterion(Criterion.impact_empathy).passed


def test_sorry_to_have_missed_you_is_a_courtesy_not_an_apology() -> None:
    courteous = (
        "We are sorry to have missed you. On 4 March our train derailed near Carrow and 22 passengers were injured."
    )
    assert not sincere(courteous)
    assert sincere(courteous.replace("We are sorry to have missed you.", "We are sorry.") + " We let them down.")


def test_more_than_or_fewer_than_bounds_a_figure_from_one_side() -> None:
    """"About 1,300" restates 1,340; "over 1,200" is true of it; "over 1,500" and "fewer than 1,200" say
    something the facts do not."""
    facts = {**FACTS, "affected": "1,340 passengers delayed overnight; 85% of trains ran on time that week."}

    def claims(text: str) -> list[str]:
        return [c.text for c in grade(text, facts, "reactive", "press_statement").unsupported]

    opening = "On 4 March our train derailed near Carrow."
    for consistent in ("About 1,300 passengers", "Over 1,200 passengers", "Fewer than 1,500 passengers"):
        assert claims(f"{opening} {consistent} were delayed overnight.") == [], consistent
    for beyond in ("Over 1,500 passengers", "Fewer than 1,200 passengers"):
        assert claims(f"{opening} {beyond} were delayed overnight.") != [], beyond
    assert claims(f"{opening} More than 80% of trains ran on time that week.") == []
    assert claims(f"{opening} Over 96% of trains ran on time that week.") == ["96%"]


def test_a_magnitude_in_words_needs_a_figure_in_the_facts_within_it() -> None:
    """"Thousands of" is a figure: supported by the facts' 1,340 or their own "thousands of", not by nothing."""
    facts = {
        "organization": "Northline Rail",
        "summary": "On 4 March a Northline Rail train derailed near Carrow.",
        "affected": "1,340 passengers delayed overnight.",
    }

    def claims(text: str) -> list[str]:
        return [c.text for c in grade(text, facts, "reactive", "press_statement").unsupported]

    opening = "On 4 March our train derailed near Carrow."
    assert claims(f"{opening} Thousands of passengers were delayed overnight.") == []
    assert claims(f"{opening} Hundreds of passengers were delayed overnight.") == []
    assert claims(f"{opening} Millions of passengers were delayed overnight.") == ["Millions of"]
    assert claims(f"{opening} We have had hundreds of thousands of emails about it.") == ["hundreds of thousands of"]
    assert claims(f"{opening} Dozens of staff worked through the night.") == ["Dozens of"]
    # Facts with no figure at all: their own "thousands of commuters" supports the same words.
    unnumbered = {"organization": "Northline Rail", "summary": "A train derailed near Carrow; thousands of commuters were delayed."}
    said = "A train derailed near Carrow. Thousands of commuters were delayed, and millions of you read about it."
    assert [c.text for c in grade(said, unnumbered, "reactive", "press_statement").unsupported] == ["millions of"]


def test_a_record_or_a_rank_is_a_comparison_the_facts_must_make() -> None:
    """"The most successful launch in our history", "the best phone ever", "the industry leader in reliability"
    claim a standing over others; the facts' own record ("the largest recall in the company's history") is not."""
    def kinds(text: str, facts: dict[str, str] = FACTS) -> list[str]:
        return [c.kind.value for c in grade(text, facts, "reactive", "press_statement").unsupported]

    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured. We are sorry."
    for boast in (
        "Our new trains were the most successful launch in Northline's history.",
        "These are the safest trains ever built in this country.",
        "Northline remains the industry leader in reliability.",
        "We are the operator of choice for commuters across the region.",
    ):
        assert kinds(f"{opening} {boast}") == ["comparison"], boast
    recalled = {**FACTS, "summary": FACTS["summary"] + " It is the largest recall in the company's history."}
    assert kinds(f"{opening} This is the largest recall in the company's history.", recalled) == []
    assert kinds(f"{opening} Our staff have worked through the night since.") == []


def test_a_schedule_for_what_is_published_says_when_the_next_update_comes() -> None:
    def ongoing(text: str) -> bool:
        return grade(text, FACTS, "proactive", "social_post").criterion(Criterion.ongoing_communication).passed

    figures = "Here is where your fare goes: 41p staff, 22p track, 9p profit."
    assert ongoing(f"{figures} New figures every January.")
    assert ongoing(f"{figures} We'll refresh the numbers every January.")
    assert not ongoing(f"{figures} Our ticket offices close every Sunday.")


def test_a_figure_falling_down_to_a_value_is_not_a_cause() -> None:
    """"Down to" gives a cause ("down to a misread signal"), not when a value falls ("down to 99.978%"); and a
    decimal point does not end the clause."""
    def causes(text: str) -> list[str]:
        return [c.text for c in grade(text, FACTS, "reactive", "press_statement").unsupported if c.kind.value == "cause"]

    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured. We are sorry."
    assert causes(f"{opening} It has taken our punctuality record down to a more humbling 91.4% this year.") == []
    assert causes(f"{opening} The derailment was down to a misread signal at Carrow junction.") != []


def test_apologising_is_not_owning_the_wrong_though_the_facts_say_we_apologised() -> None:
    """Facts written from coverage say what the company said ("Northline apologised"); "we apologise for any
    offence" does not thereby own anything, while "we failed to inspect the points" does."""
    covered = {**FACTS, "summary": FACTS["summary"] + " Northline apologised and said it regretted the delays."}

    def owns(text: str) -> bool:
        return grade(text, covered, "reactive", "press_statement").criterion(Criterion.ownership).passed

    opening = "On 4 March a train derailed near Carrow and 22 passengers were injured."
    assert not owns(f"{opening} We apologise for any distress this may have caused and regret the delays.")
    assert owns(f"{opening} We failed to inspect the points on schedule. We apologise.")


def test_a_duty_from_here_on_is_not_owning_what_happened() -> None:
    def owns(text: str) -> bool:
        return passes(Criterion.ownership, text)

    opening = "On 4 March a train derailed near Carrow and 22 passengers were injured."
    for duty in (
        "We know it is our responsibility to keep you informed.",
        "As chief executive I am responsible for ensuring every passenger travels safely.",
    ):
        assert not owns(f"{opening} {duty}"), duty
    assert owns(f"{opening} The points were not inspected on schedule, and that is our responsibility.")


def test_saying_we_made_a_mistake_is_contrition() -> None:
    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured."
    for owned in ("We want to acknowledge that we made a mistake.", "It is the biggest mistake I've made in my career."):
        assert sincere(f"{opening} {owned}"), owned
    assert not sincere(f"{opening} Mistakes happen in any large railway.")


def test_sorry_for_what_people_made_of_it_and_taking_this_matter_seriously_are_not_sincere() -> None:
    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured."
    assert sincere(f"{opening} We are sorry we let them down.")
    for hollow in (
        "We sincerely apologise to anyone that thought our first statement was dismissive.",
        "We are sorry we let them down. We take this matter very seriously.",
    ):
        assert not sincere(f"{opening} {hollow}"), hollow


def test_calling_our_own_failure_unacceptable_is_contrition() -> None:
    opening = "On 4 March our train derailed near Carrow and 22 passengers were injured."
    for owned in ("Our service on 4 March was unacceptable.", "Simply put, we failed on our promise to run safe trains."):
        assert sincere(f"{opening} {owned}"), owned
    assert not sincere(f"{opening} The abuse our staff received afterwards was unacceptable.")
