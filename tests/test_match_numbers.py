"""Number, date and negation normalisers (crosscheck.numbers)."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.numbers import (
    NUMBER,
    dates,
    digits_for_words,
    may_state_numbers,
    negated,
    quantities,
)

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spelled(n: int) -> str:
    """English words for 0 <= n < 1000 (a test oracle, independent of text2num)."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")
    rest = n % 100
    return ONES[n // 100] + " hundred" + (" and " + spelled(rest) if rest else "")


def one(text: str) -> tuple[float, float, float, list[str], str]:
    [q] = quantities(text)
    return q.value, q.low, q.high, sorted(q.unit), q.text


def test_amounts_with_qualifiers_scales_and_units() -> None:
    assert one("more than 11,000 containers of munitions") == (
        11000, 11000, math.inf, ["contain"], "more than 11,000 containers")
    assert one("around three million artillery shells")[:2] == (3e6, 2.7e6)
    assert one("a two-day visit")[0::3] == (2, ["day", "visit"])
    assert one("dozens of ballistic missiles")[1:4] == (24, 1000, ["ballist", "missil"])
    assert one("10-plus years")[1:4] == (10, math.inf, ["year"])
    assert one("24-25 years")[1:3] == (24, 25)
    assert one("$2.5 billion")[0::3] == (2.5e9, ["$"])
    assert one("90% of trade")[3] == ["percent"]
    assert one("for $2.5B.")[0::3] == (2.5e9, ["$"])
    assert one("a 19-year-old student")[0::3] == (19, ["year old"])


def test_years_and_dates_are_not_amounts() -> None:
    text = "deals in 1961, 2000, and 2001; signed on June 19, 2024 and 19 June; 2024-06-19."
    assert quantities(text) == []
    assert [(d.year, d.month, d.day) for d in dates(text)] == [
        (1961, None, None), (2000, None, None), (2001, None, None),
        (2024, 6, 19), (None, 6, 19), (2024, 6, 19)]


def test_negations_name_what_is_negated() -> None:
    assert list(negated("North Korea has not supplied arms and Moscow denied it.")) == [
        ("suppli", "not supplied"), ("confirm", "denied")]
    assert list(negated("He didn't go.")) == [("go", "didn't go")]


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_with_thousands_separators_round_trip(n: int) -> None:
    [q] = quantities(f"{n:,} shells")
    assert q.value == n and q.unit == {"shell"}


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.integers(min_value=0, max_value=999), st.sampled_from(["", " thousand", " million"]))
def test_number_words_round_trip(n: int, scale: str) -> None:
    factor = {"": 1, " thousand": 1000, " million": 10**6}[scale]
    words = spelled(n) + (scale if n else "")
    assert digits_for_words(f"sent {words} shells") == f"sent {n * factor if n else 0} shells"


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.text())
def test_no_crash_and_spans_point_into_the_text(text: str) -> None:
    for v in [*quantities(text), *dates(text)]:
        assert text[v.start:v.end] == v.text
        assert 0 <= v.start < v.end <= len(text)
    for q in quantities(text):
        assert q.low <= q.high
    digits_for_words(text)
    list(negated(text))


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%dth %B %Y"]))
def test_dates_round_trip(day: date, style: str) -> None:
    written = day.strftime(style)
    [found] = dates(f"The treaty was signed on {written} in Pyongyang.")
    assert (found.year, found.month, found.day) == (day.year, day.month, day.day)
    assert found.text == written


PIECES = [*ONES, *TENS[2:], "hundred", "Thousand", "MILLION", "dozens", "a dozen", "scores",
          "fıve", "ſix", "İn", "ten", "TEN", "K", "2", "٣", "5bn", " ", "-", ",", ".", "'",
          "é", "ß", "_", "x", "Zero", "twentyfive", "sevenTy"]


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join) | st.text(max_size=40))
def test_the_cheap_number_test_never_hides_a_number(text: str) -> None:
    # quantities and digits_for_words skip the NUMBER regex when this says no
    if NUMBER.search(text):
        assert may_state_numbers(text)
    assert quantities(text) == [] or may_state_numbers(text)


def test_texts_without_numbers_are_left_as_they_are() -> None:
    assert not may_state_numbers("The minister visited the base on Monday, officials said.")
    assert may_state_numbers("Seventy people came.") and may_state_numbers("The ſcore: ſix.")
    assert digits_for_words("Nobody came.") == "Nobody came."
