"""Sentences and checkable claims: a real segmenter, furniture and questions left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.claims import (
    MAX_SENTENCE_CHARS,
    extract_claims,
    is_checkable,
    is_heading,
    is_question,
    passages,
    split_sentences,
)


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


# Boundaries of the rules above, each exactly at its limit (found by `make mutants`).


def test_a_repeated_sentence_gets_the_span_of_each_occurrence() -> None:
    text = "Putin met Kim. Putin met Kim. Putin met Kim."
    assert [(s.start, s.end) for s in split_sentences(text)] == [(0, 14), (15, 29), (30, 44)]


def test_closing_quotes_do_not_hide_how_a_sentence_ends() -> None:
    assert is_question('The minister asked: "Will Russia send 3 million shells?"')
    assert is_checkable('Putin said: "We will visit Pyongyang in 2024."')
    assert not is_heading('Putin Meets Kim In "Pyongyang."')


def test_a_sentence_ends_with_a_full_stop_or_an_exclamation_mark() -> None:
    assert not is_heading("Putin Meets Kim In Pyongyang.")
    assert not is_heading("Putin Meets Kim In Pyongyang!")
    assert is_heading("Putin Meets Kim In Pyongyang")
    assert is_checkable("Putin will visit Pyongyang in 2024!")


def test_a_heading_is_told_by_its_words_of_four_letters_or_more() -> None:
    assert is_heading("the big war and its end")  # no word over three letters
    assert not is_heading("arms deal with them")  # four words of four letters
    assert not is_heading("arms deal here")  # three long words, none capitalised
    assert not is_heading("Putin Visits north korea")  # half of them capitalised
    assert is_heading("Putin Visits North korea")  # more than half


def test_a_claim_has_six_words_or_more() -> None:
    assert is_checkable("Putin visited Pyongyang in June 2024.")
    assert not is_checkable("Putin visited Pyongyang in 2024.")
    assert not is_checkable("Did Putin visit Pyongyang in June 2024?")


def test_a_passage_has_four_words_or_more() -> None:
    assert texts_of(passages("Putin arrived in Pyongyang.")) == ["Putin arrived in Pyongyang."]
    assert passages("Putin arrived there.") == []


def test_sentences_up_to_the_length_limit_are_kept() -> None:
    words = "Putin said on Monday that 24 people came to the talks"
    longest = (words + " and" * MAX_SENTENCE_CHARS)[: MAX_SENTENCE_CHARS - 1] + "."
    assert len(longest) == MAX_SENTENCE_CHARS
    assert is_checkable(longest) and texts_of(passages(longest)) == [longest]
    longer = longest[:-1] + "s."
    assert not is_checkable(longer) and passages(longer) == []


def texts_of(sentences: list) -> list[str]:
    return [s.text for s in sentences]
