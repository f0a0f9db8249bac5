"""Who a draft names: signatures, attributions and known first names, and what only looks like a name."""

from __future__ import annotations

from service.rubric.people import known_to, people_in

BODY = "We are sorry for what happened on Tuesday. " * 20  # well over a signature block's length


def names(text: str) -> list[str]:
    return [p.name for p in people_in(text)]


def test_a_name_never_spans_a_line_break() -> None:
    # "China" is on the census list of first names; the next paragraph's first word is not its surname.
    assert names("A new approach to China\n\nLike many others, we face attacks.\n") == []


def test_a_title_case_heading_in_the_body_is_not_a_signature() -> None:
    assert names(f"Our update\n\nWhat’s Not Changing\n\n{BODY}\n") == []
    assert names(f"What Is Changing\n{BODY}") == []


def test_a_signature_closes_the_text_even_with_a_name_off_the_census_list() -> None:
    assert names(f"{BODY}\n\nNgozi Okonjo\nChief Executive, Northwind\n") == ["Ngozi Okonjo"]
    assert names(f"{BODY}\n\n— Tendai Mwale, Northwind\n") == ["Tendai Mwale"]


def test_a_known_first_name_on_a_line_of_its_own_counts_anywhere() -> None:
    assert names(f"Daniel Reyes\n{BODY}") == ["Daniel Reyes"]


def test_the_facts_know_a_person_by_name_or_a_word_starting_with_their_surname() -> None:
    assert known_to("Tom Hall", "Statement by Tom Hall, chief executive")
    assert known_to("Priya Hall", "Questions go to Mr Hall's office")
    assert not known_to("Tom Hall", "Customers shall get a refund")
    assert not known_to("Ann Lee", "Every employee was paid late")
    assert known_to("Brian Krebs", "KrebsOnSecurity published the account")
