"""Sentences and checkable claims: a real segmenter, furniture and questions left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.claims import extract_claims, passages, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_abbreviations_initials_and_decimals_do_not_end_a_sentence() -> None:
    text = ("Mr. Putin met Kim Jong Un in Pyongyang. The U.S. said 3.5 million shells were sent. "
            "J. R. Smith of the U.N. agreed.")
    assert texts(text) == [
        "Mr. Putin met Kim Jong Un in Pyongyang.",
        "The U.S. said 3.5 million shells were sent.",
        "J. R. Smith of the U.N. agreed.",
    ]


def test_quotes_stay_with_their_sentence() -> None:
    text = '"We will help each other," Putin said. "Never mind." A signature can be revoked.'
    assert texts(text)[0] == '"We will help each other," Putin said.'


def test_lines_are_never_joined() -> None:
    assert texts("Putin arrived in Pyongyang\nKim met him at the airport") == [
        "Putin arrived in Pyongyang", "Kim met him at the airport"]


def test_claims_keep_statements_with_numbers_or_names() -> None:
    text = (
        "Putin's Historic Visit to North Korea: Strengthening Military Ties\n"
        "A report by Ahmad Abdallah, English adaptation by Nadine Sassine\n"
        "North Korea: a critical military supplier?\n"
        "share\n"
        "On June 19, Russian President Vladimir Putin arrived in North Korea for the first "
        "time in 25 years. What else may North Korea be hoping to get from Russia? "
        "It was a long and tiring day for everyone involved.\n"
    )
    assert [c.text for c in extract_claims(text)] == [
        "On June 19, Russian President Vladimir Putin arrived in North Korea for the first "
        "time in 25 years."]


def test_passages_leave_out_questions_and_headings() -> None:
    text = ("North Korea: a critical military supplier?\n"
            "Putin's Historic Visit to North Korea: Strengthening Military Ties\n"
            "Putin's N. Korea defence deal shows desire for greater role in Asian affairs\n"
            "The North Koreans also hold vast quantities of such weapons.")
    assert [p.text for p in passages(text)] == [
        "Putin's N. Korea defence deal shows desire for greater role in Asian affairs",
        "The North Koreans also hold vast quantities of such weapons."]


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.text())
def test_spans_always_point_into_the_text(text: str) -> None:
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
        assert s.text.strip() == s.text and s.text
    for s in extract_claims(text) + passages(text):
        assert text[s.start:s.end] == s.text


def test_reported_actions_and_number_words_are_checkable() -> None:
    text = ("the defense minister has also hinted that joint exercises are planned. "
            "three generations of rulers have hoarded arsenals beyond reason. "
            "it was a long and tiring day for everyone involved.")
    assert [c.text for c in extract_claims(text)] == [
        "the defense minister has also hinted that joint exercises are planned.",
        "three generations of rulers have hoarded arsenals beyond reason."]
