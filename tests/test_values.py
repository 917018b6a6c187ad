"""values: which values two sentences share and which cannot both be true; the reading bugs
seen on real news (scores, seasons, times, resolutions, rounding, maxima) held by properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck import values
from crosscheck.numbers import dates, quantities
from crosscheck.profile import profile
from crosscheck.types import Difference


def diffs(a: str, b: str) -> list[tuple[str, str, str]]:
    return [(d.kind, d.claim, d.passage) for d in values.differences(profile(a), profile(b))]


@settings(deadline=None)
@given(st.text(max_size=200))
def test_a_sentence_never_differs_from_itself(text: str) -> None:
    assert values.differences(profile(text), profile(text)) == []


@settings(deadline=None)
@given(st.integers(0, 200), st.integers(0, 200), st.sampled_from(["won", "lost", "the"]))
def test_scores_and_seasons_are_no_ranges(a: int, b: int, verb: str) -> None:
    text = f"The team {verb} {a}-{b} in the {2000 + a % 20}-{b % 100:02d} season, officials said."
    for q in quantities(text):
        assert q.low <= q.high
    assert diffs(text, text) == []


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["a.m.", "p.m.", "pm"]))
def test_times_of_day_are_no_amounts(hour: int, minute: int, half: str) -> None:
    assert quantities(f"The vote closed at {hour}:{minute:02d} {half} on Friday.") == []


def test_a_screen_resolution_is_no_year() -> None:
    assert dates("The laptop has a 1920 x 1200 resolution display.") == []


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.integers(100, 999))
def test_a_figure_rounded_to_its_first_digits_agrees(value: int) -> None:
    exact = f"The agency said it had spent ${value / 100:.2f} million on the program."
    rounded = f"The agency said it had spent almost ${round(value / 100)} million on the program."
    assert diffs(exact, rounded) == []


def test_rounding_has_limits_and_small_counts_are_exact() -> None:
    frame = "Officials in Pyongyang said {} were sent to Russia last year."
    assert diffs(frame.format("three million shells"), frame.format("3,500,000 shells"))
    assert diffs(frame.format("25 trucks"), frame.format("24 trucks"))
    assert diffs(frame.format("20 trucks"), frame.format("24 trucks"))
    assert not diffs(frame.format("3,200 shells"), frame.format("3,248 shells"))


def test_two_maxima_are_compared_as_values() -> None:
    frame = "The judge said the banker faces up to {} years in prison for the fraud."
    assert diffs(frame.format(119), frame.format(21)) == [
        ("number", "up to 119 years", "up to 21 years")]


def test_amounts_of_different_slots_do_not_differ() -> None:
    assert diffs("Trump demanded $5.7 billion for the wall on the southern border.",
                 "The package that Congress passed includes just $1.4 billion for fencing.") == []
    assert diffs("Four states have legalized recreational marijuana since 2012.",
                 "The two states filed a lawsuit in the Supreme Court on Thursday.") == []


def test_a_year_range_written_two_ways_agrees() -> None:
    assert diffs("According to WHO, there were 3,248 cases reported worldwide between 2010 and "
                 "2015, with 584 deaths.",
                 "From 2010 to 2015 there were 3248 cases reported worldwide, including 584 "
                 "deaths.") == []


def test_dates_of_different_things_do_not_differ() -> None:
    assert diffs("Russia interfered in the 2016 election, the report found.",
                 "Mueller's team brought the July 2018 indictment of twelve officers.") == []


def test_agreements_name_the_values_both_state() -> None:
    a = profile("According to WHO, there were 3,248 cases reported worldwide, with 584 deaths.")
    b = profile("There were 3248 cases reported worldwide, including 584 deaths, WHO said.")
    assert values.agreements(a, b) == ["3,248 cases reported", "584 deaths"]


def test_the_same_date_slot_differs() -> None:
    assert values.differences(profile("Putin arrived in Pyongyang on June 19, officials said."),
                              profile("Putin arrived in Pyongyang on June 18, officials said.")
                              ) == [Difference("date", "June 19", "June 18")]
