"""Rules of the pure stages pinned at their edges, each written to kill a mutant that
`make mutants` found surviving (a change to the rule that no other test noticed)."""

from __future__ import annotations

from rapidfuzz import fuzz

from crosscheck import facts, values
from crosscheck.furniture import parse_date
from crosscheck.numbers import Quantity, digits_for_words, negated, quantities, years_ago
from crosscheck.profile import profile
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


# ---------------------------------------------------------------- values.py and facts.py


def diffs(a: str, b: str) -> list[tuple[str, str, str]]:
    return [(d.kind, d.claim, d.passage) for d in values.differences(profile(a), profile(b))]


def test_a_negated_claim_differs_from_the_plain_statement_as_a_negation() -> None:
    assert diffs("The army did not fire the shells at the town.",
                 "Fired at the town, the shells hit the army.") == [
        ("negation", "not fire", "Fired")]  # the passage's word as written, capital and all


def test_a_word_negated_and_also_stated_plainly_on_one_side_is_no_polarity_of_it() -> None:
    # BASIL: two outlets quote the same words; one goes on "... and if we don't get it".
    plain = "We must make sure we get the best deal possible, the senator said."
    longer = "We must make sure we get the best deal possible, and if we don't get it, walk away."
    assert diffs(plain, longer) == [] and diffs(longer, plain) == []
    # ... but a word only ever negated still differs, whichever side it is on
    assert diffs("The company did not confirm the deal.", "The company confirmed the deal."
                 ) == [("negation", "not confirm", "confirmed")]
    assert diffs("The company confirmed the deal.", "The company did not confirm the deal."
                 ) == [("negation", "confirmed", "not confirm")]
    # a word negated twice and stated once is still stated plainly once too few: negated
    assert diffs("He did not win, and he will not win.", "He will win.") == [
        ("negation", "not win", "win")]


def test_dates_are_compared_at_the_end_of_a_text_and_with_two_words_around() -> None:
    assert diffs("Putin arrived in Pyongyang on June 19", "Putin arrived in Pyongyang on June 18"
                 ) == [("date", "June 19", "June 18")]
    assert diffs("Putin arrived on June 19.", "Putin arrived June 18.") == [
        ("date", "June 19", "June 18")]  # "putin", "arrived": SLOT_WORDS shared words


def test_maxima_are_amounts_up_to_a_value_above_zero() -> None:
    assert values.is_maximum(one("up to 1 person was hurt."))
    assert not values.is_maximum(one("0 people were hurt."))
    assert not values.is_maximum(one("0-5 people were hurt."))
    assert values.compatible(one("up to 5,000 troops came."), one("3,000 troops came."))
    # two maxima are compared as values, strictly within ROUNDING of the last digit's place
    assert not values.compatible(one("up to 10.5 years in prison."),
                                 one("up to 11 years in prison."))


def test_only_amounts_of_the_same_slot_are_agreements() -> None:
    assert values.agreements(profile("The navy sent 3 ships to the port on Monday."),
                             profile("The army sent 3 tanks to the border on Friday.")) == []


SHELLS = profile("North Korea sent 3 million shells to Russia last year.")


def test_amounts_agree_only_on_the_same_thing_compatible_and_in_context() -> None:
    same = profile("Russia received 3 million shells from North Korea.")
    assert facts.amounts_agree(SHELLS, same)
    for other in ("Russia received 4 million shells from North Korea.",
                  "North Korea earned 3 million dollars from Russia.",
                  "Farmers stored 3 million shells of walnuts."):
        assert not facts.amounts_agree(SHELLS, profile(other)), other


def test_sentences_counting_other_things_have_no_sign_but_their_measures() -> None:
    ev = facts.evidence(
        profile("Officials in Seoul said North Korea sent three million shells to Russia."),
        profile("Officials in Seoul said North Korea sent 11,000 containers to Russia."))
    assert ev.kinds == ()
    assert round(ev.overlap, 3) == 0.857 and ev.names == 4 and ev.said == (0.5, 0.25)


def test_a_shared_phrase_needs_two_lower_case_content_words() -> None:
    assert facts.shares_wording(
        profile("Russia and North Korea pledged to provide mutual assistance in the event of "
                "aggression against either."),
        profile("The two leaders signed a pact to provide mutual assistance in the event of "
                "aggression, officials said."))
    assert not facts.shares_wording(
        profile("Putin's visit to North Korea was his first since 2000, officials said."),
        profile("Analysts watched Putin's visit to North Korea closely."))


def test_the_same_word_of_other_things_and_only_the_same_word() -> None:
    grain = profile("The country holds vast quantities of grain.")
    assert facts.of_other_things(grain, profile("The country also has large stocks of weapons."))
    assert not facts.of_other_things(grain, profile("The country has shipments of weapons."))


HARVEST = profile("Farmers in the valley harvested wheat, barley and oats before the storm "
                  "arrived.")
HURRICANE = profile("Wheat, barley and oats were harvested early as a hurricane approached the "
                    "coast.")


def test_the_same_content_weighs_each_side_by_rarity() -> None:
    """Three shared concepts of seven: the same content only when the other words of the
    smaller side are common ones."""
    assert not facts.same_content(HARVEST, HURRICANE)
    for common in (HARVEST.concepts - HURRICANE.concepts, HURRICANE.concepts - HARVEST.concepts):
        def rarity(c: str, common: frozenset[str] = common) -> float:
            return 0.1 if c in common else 1.0
        assert facts.same_content(HARVEST, HURRICANE, rarity)
        assert "content" in facts.evidence(HARVEST, HURRICANE, (), rarity).kinds


def test_five_shared_concepts_are_the_same_content_whatever_their_weight() -> None:
    a = profile("The council approved the budget for schools and roads after a long debate "
                "over taxes and parking fees.")
    b = profile("Money for roads and schools came when the council approved its budget, "
                "critics said angrily, citing inflation and weather.")
    assert len(a.concepts & b.concepts) == facts.SAME_CONTENT
    assert facts.same_content(a, b)


def test_a_year_counted_back_needs_a_shared_concept_too() -> None:
    claim = profile("President Putin had visited Pyongyang only once previously, in 2000.")
    for passage, same in (("It was 24 years ago, in September, that Putin last visited the DPRK.",
                           True),
                          ("It was 24 years ago that Putin was born, his aides recalled.", False)):
        their = profile(passage)
        assert facts.same_year(claim, their, years_ago(passage, "2024-06-19")) is same


def test_the_signs_hold_at_their_thresholds() -> None:
    budget = profile("The council approved the new budget on Monday.")
    same = profile("The council approved the new budget on Monday then also.")
    assert fuzz.token_sort_ratio(budget.unvalued, same.unvalued) == facts.SAME_WORDING
    assert "wording" in facts.evidence(budget, same).kinds
    sent = profile("Officials said 3 million shells were sent to Russia.")
    assert facts.shared_context(SHELLS, sent) == facts.SAME_THING_WORDS
    assert facts.evidence(SHELLS, sent).kinds == ("amount",)
