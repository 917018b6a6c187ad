"""relate: relations, scores and the differing values a reader is shown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process

from crosscheck.match import SCORER, SHOW_AT, normalize, relate
from crosscheck.types import Passage, Sentence


def judge(claim: str, *passages: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    found = relate(Sentence(claim, 0, len(claim)),
                   [Passage(i, p, i) for i, p in enumerate(passages)], limit=10)
    return [(m.relation, [(d.kind, d.claim, d.passage) for d in m.differences]) for m in found]


def test_normalize_plain_quotes_dashes_case_and_number_words() -> None:
    assert normalize("“Three million” shells — 11,000 Containers") == (
        "3000000 shells 11000 containers")


def test_scorer_works_with_cdist_over_normalised_text() -> None:
    texts = [normalize("Putin visited Pyongyang."), normalize("Inflation rose in March.")]
    scores = process.cdist([normalize("Putin visited Pyongyang")], texts, scorer=SCORER)
    assert scores[0][0] > scores[0][1]


def test_a_number_of_the_same_thing_that_differs_conflicts() -> None:
    assert judge("North Korea has sent 11,000 containers of munitions to Russia.",
                 "North Korea has sent 9,000 containers of munitions to Russia.") == [
        ("conflicts", [("number", "11,000 containers", "9,000 containers")])]


def test_compatible_amounts_corroborate() -> None:
    for claim, passage in [
        ("North Korea has sent more than 11,000 containers of munitions to Russia.",
         "North Korea has sent 11,500 containers of munitions to Russia."),
        ("Pyongyang delivered around 3 million artillery shells to Russia last year.",
         "Pyongyang delivered 3.1 million artillery shells to Russia last year."),
        ("Russia received three million shells from North Korea.",
         "North Korea sent 3,000,000 shells to Russia."),
    ]:
        assert judge(claim, passage) == [("corroborates", [])]


def test_different_things_counted_do_not_conflict() -> None:
    [(relation, diffs)] = judge(
        "North Korea sent three million shells to Russia last year.",
        "North Korea sent 11,000 containers of munitions to Russia last year.")
    assert relation != "conflicts" and diffs == []


def test_negation_and_denial_conflict() -> None:
    assert judge("North Korea has supplied ballistic missiles to Russia.",
                 "North Korea has not supplied ballistic missiles to Russia.") == [
        ("conflicts", [("negation", "supplied", "not supplied")])]
    assert judge("The Kremlin confirmed that the two leaders signed the treaty.",
                 "The Kremlin denied that the two leaders signed the treaty.") == [
        ("conflicts", [("negation", "confirmed", "denied")])]


def test_dates_conflict_only_when_the_same_fact_differs() -> None:
    assert judge("The summit took place on June 19, 2024 in Pyongyang.",
                 "The summit took place on June 18, 2024 in Pyongyang.") == [
        ("conflicts", [("date", "June 19, 2024", "June 18, 2024")])]
    assert judge("The treaty was signed on 19 June 2024 in Pyongyang.",
                 "The treaty was signed on June 19, 2024 in Pyongyang.") == [("corroborates", [])]


def test_unrelated_passages_are_left_out_and_conflicts_come_first() -> None:
    found = relate(Sentence("Putin last visited North Korea 24 years ago.", 0, 44), [
        Passage(1, "The football club signed 30 new players on Monday.", 1),
        Passage(2, "Putin last visited North Korea twenty-four years ago.", 2),
        Passage(3, "Putin last visited North Korea twenty-five years ago.", 3),
    ])
    assert [(m.relation, m.passage.id) for m in found] == [("conflicts", 3), ("corroborates", 2)]
    assert all(0 <= m.score <= 1 for m in found)


def test_same_wording_about_other_things_is_not_the_same_fact() -> None:
    [(relation, _)] = judge("Three Afghan soldiers went missing from the base, officials said.",
                            "Two Afghan policemen went missing from the base, officials said.")
    assert relation == "related"


def test_ages_and_durations_are_different_things() -> None:
    assert judge("The 19-year-old driver had waited two years for the licence.",
                 "The 19-year-old driver had waited three years for the licence.") == [
        ("conflicts", [("number", "two years", "three years")])]


def test_negations_on_both_sides_are_not_read_word_by_word() -> None:
    assert judge("She said she would never be happy in the new town.",
                 "She said she could not ever see herself being happy in the new town.") == [
        ("corroborates", [])]


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.text(max_size=300), st.lists(st.text(max_size=300), max_size=5))
def test_any_text_gives_scores_in_range_and_values_from_the_texts(
        claim: str, texts: list[str]) -> None:
    found = relate(Sentence(claim, 0, len(claim)),
                   [Passage(i, t, i) for i, t in enumerate(texts)], limit=10)
    for m in found:
        assert 0 <= m.score <= 1
        assert (m.score >= SHOW_AT) == (m.relation != "related")
        assert (m.confidence is None) == (m.relation == "related")
        assert (m.relation == "conflicts") == bool(m.differences)
        assert bool(m.reason) == (m.relation != "related")
        for d in m.differences:
            assert d.claim in claim and d.passage in m.passage.text


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.sampled_from(["24 years", "twenty-four years", "more than 11,000 containers",
                        "three million shells", "June 19, 2024", "has not supplied arms"]),
       st.sampled_from(["25 years", "twenty-five years", "9,000 containers",
                        "3,500,000 shells", "June 18, 2024", "has supplied arms"]))
def test_a_differing_value_in_the_same_sentence_is_always_named(mine: str, theirs: str) -> None:
    frame = "Officials in Pyongyang confirmed on Tuesday the figure of {} for the record."
    claim, passage = frame.format(mine), frame.format(theirs)
    [(relation, diffs)] = judge(claim, passage)
    same_kind = any(w in mine and w in theirs for w in ("years", "containers", "shells",
                                                        "June", "supplied"))
    assert (relation == "conflicts") == same_kind
    if same_kind:
        assert diffs[0][1] in claim and diffs[0][2] in passage


def test_dates_are_compared_on_what_both_state() -> None:
    assert judge("The summit took place on June 19 in Pyongyang, officials said.",
                 "The summit took place on June 18, 2024 in Pyongyang, officials said.") == [
        ("conflicts", [("date", "June 19", "June 18, 2024")])]
    assert judge("The summit took place in June 2024 in Pyongyang, officials said.",
                 "The summit took place on June 19, 2024 in Pyongyang, officials said.") == [
        ("corroborates", [])]
