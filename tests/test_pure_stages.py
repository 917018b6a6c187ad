"""Rules of the pure stages pinned at their edges, each written to kill a mutant that
`make mutants` found surviving (a change to the rule that no other test noticed)."""

from __future__ import annotations

from crosscheck.furniture import parse_date
from crosscheck.numbers import Quantity, digits_for_words, negated, quantities
from crosscheck.security import Policy, origin_allowed


def one(text: str) -> Quantity:
    [found] = quantities(text)
    return found


def test_amounts_count_the_same_thing_when_one_names_a_part_of_the_other() -> None:
    shells = one("North Korea sent 3 million artillery shells.")
    assert shells.counts_same_thing_as(one("It sent millions of shells."))
    soldiers, afghans = one("Officials met 24 Afghan soldiers."), one("Officials met 24 Afghan.")
    assert afghans.head != soldiers.head  # only the counted words' subset says so
    assert soldiers.counts_same_thing_as(afghans) and afghans.counts_same_thing_as(soldiers)


def test_an_amount_of_nothing_named_counts_nothing_in_common() -> None:
    bare = one("He was 24.")
    assert bare.unit == frozenset()
    soldiers = one("Officials met 24 Afghan soldiers.")
    assert not bare.counts_same_thing_as(soldiers) and not soldiers.counts_same_thing_as(bare)


def test_numbers_in_digits_keep_their_form_unless_a_scale_or_comma_changes_it() -> None:
    assert digits_for_words("A 2.50 rate and 007.") == "A 2.50 rate and 007."
    assert digits_for_words("3 million shells") == "3000000 shells"
    assert digits_for_words("It cost 3,500.5 euros.") == "It cost 3500.5 euros."
    assert digits_for_words("1,000,000,000,000,000,000 grains") == "1e+18 grains"
    assert digits_for_words("dozens of missiles") == "dozens of missiles"  # no one value


def test_of_after_a_number_is_not_what_it_counts() -> None:
    assert [q.unit for q in quantities("He met 2 of Putin's aides.")] == [frozenset()]


def test_negations_skip_stopwords_and_read_denials_in_any_case() -> None:
    assert list(negated("It was not the army.")) == []
    assert list(negated("Moscow Denied it.")) == [("confirm", "Denied")]


def test_a_date_line_with_an_abbreviated_month_is_read() -> None:
    assert parse_date("Jan. 5, 2024") == "2024-01-05"


def test_a_pinned_extension_is_the_only_one_trusted() -> None:
    pinned = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    policy = Policy(port=8765, extension_origins=(pinned,))
    assert origin_allowed(policy, pinned)
    assert not origin_allowed(policy, "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba")


def test_an_amount_keeps_the_content_words_within_six_either_side() -> None:
    text = ("alpha bravo charlie delta echo foxtrot golf hotel 24 ships india juliet kilo lima "
            "mike november oscar papa.")
    found = one(text)
    assert found.unit == {"ship", "india"}  # up to two words name what is counted
    assert found.context == {"charli", "delta", "echo", "foxtrot", "golf", "hotel",
                             "juliet", "kilo", "lima", "mike", "novemb", "oscar"}


def test_words_around_an_amount_are_looked_for_within_72_characters() -> None:
    text = ("internationally recognised extraordinarily complicated negotiations concluded "
            "24 ships were sent.")
    assert one(text).context == {"ation", "complic", "conclud", "extraordinarili", "negoti",
                                 "recognis", "sent"}  # "ation": the window cuts a word


def test_the_context_starts_at_the_text_and_leaves_out_stopwords() -> None:
    assert one("Xi sent 24 ships to the port.").context == {"xi", "sent", "port"}
    assert one("the army sent 24 ships to the port.").context == {"armi", "sent", "port"}


def test_amounts_read_with_their_qualifiers_ranges_and_currencies() -> None:
    assert one("dozens of missiles").value == 24
    wide = one("more  than 11,000 containers")  # two spaces inside the qualifier
    assert (wide.low, wide.high) == (11000, float("inf"))
    upto = one("up to 24-25 containers")
    assert (upto.low, upto.high, upto.text) == (0, 25, "up to 24-25 containers")
    paid = one("It paid $5 billion.")
    assert (paid.text, paid.unit, paid.head) == ("$5 billion", {"$"}, "$")
    assert one("3 million shells").head == "shell" and one("He was 24.").head == ""
