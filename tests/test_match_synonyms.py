"""Near-synonyms (crosscheck.synonyms) and what matching makes of them: the same content in
other words is a sign of the same fact, the same topic is not."""

from __future__ import annotations

from collections import Counter

from crosscheck import facts, values
from crosscheck.facts import same_content
from crosscheck.match import profile, relate
from crosscheck.numbers import stem, years_ago
from crosscheck.synonyms import GROUPS, PHRASES, concept, concepts, rewrite_phrases
from crosscheck.types import Difference, Passage, Sentence


def judge(claim: str, passage: str, published: str | None = None) -> list[tuple[str, list]]:
    found = relate(Sentence(claim, 0, len(claim)), [Passage(1, passage, 1, published=published)])
    return [(m.relation, [(d.kind, d.claim, d.passage) for d in m.differences]) for m in found]


def test_every_word_belongs_to_one_group_and_phrases_to_known_words() -> None:
    groups = Counter(s for words in GROUPS.values() for s in {stem(w) for w in words.split()})
    assert [s for s, n in groups.items() if n > 1] == []
    for phrase, word in PHRASES.items():
        assert all(concept(stem(w)) != stem(w) for w in word.split()) or phrase == word


def test_near_synonyms_share_a_concept_and_other_words_keep_their_stem() -> None:
    assert concept(stem("assistance")) == concept(stem("aid")) == concept(stem("help"))
    assert concept(stem("pact")) == concept(stem("agreement")) == concept(stem("treaty"))
    assert concept(stem("shells")) == concept(stem("rounds")) == concept(stem("munitions"))
    assert concept(stem("bakery")) == stem("bakery")
    assert rewrite_phrases("help each other, until recently") == "help each-other, until-recently"
    assert concepts(["three", "new", "the", "mutual", "aid"]) == {"mutual", "help"}


def test_the_same_fact_in_other_words_is_the_same_content() -> None:
    for claim, passage in [
        ("The two countries signed a pact pledging to help each other if either nation was "
         "attacked.",
         "The treaty promises mutual assistance in the event of aggression against either "
         "country."),
        ("The army holds a substantial stockpile of weapons and ammunition.",
         "The soldiers also hold vast quantities of such weapons."),
        ("The company is one of the largest producers of steel in the world.",
         "For a start, the group has a huge steel industry with large-scale production "
         "capabilities."),
    ]:
        ev = facts.evidence(profile(claim), profile(passage))
        assert "content" in ev.kinds, (claim, passage)
        assert values.differences(profile(claim), profile(passage)) == []


def test_amounts_of_near_synonyms_are_amounts_of_the_same_thing() -> None:
    claim = "Rebels have received {} of ammunition from abroad, officials said."
    passage = ("Officials said the rebels were sent around three million artillery shells from "
               "abroad.")
    vague, exact = profile(claim.format("millions of rounds")), profile(claim.format(
        "two million rounds"))
    assert "amount" in facts.evidence(vague, profile(passage)).kinds
    assert values.differences(vague, profile(passage)) == []
    assert values.differences(exact, profile(passage)) == [
        Difference("number", "two million rounds", "around three million artillery shells")]


def test_names_and_a_shared_topic_are_not_the_same_content() -> None:
    a = profile("Therefore, North Korea is under heavy UN Security Council sanctions over its "
                "weapons program and, most recently, the space program.")
    b = profile("Until recently Russia had been four-square behind UN Security Council sanctions "
                "against North Korea over its nuclear weapons programme.")
    assert not same_content(a, b)
    assert not same_content(profile("Putin met Kim Jong Un in Pyongyang on Wednesday."),
                            profile("Putin and Kim Jong Un watched a parade in Pyongyang."))


def test_concepts_every_passage_holds_weigh_less() -> None:
    a = profile("The army holds a substantial stockpile of weapons and ammunition.")
    b = profile("The soldiers also hold vast quantities of such weapons.")
    assert same_content(a, b)
    topic = {"weapon", "large", "stock"}  # as if every candidate passage spoke of them
    assert not same_content(a, b, lambda c: 0.1 if c in topic else 1.0)


def test_years_ago_is_read_with_the_publication_date() -> None:
    [d] = years_ago("It was not only 24 years ago that he came.", "2024-06")
    assert (d.text, d.year, d.month, d.day) == ("24 years ago", 2000, None, None)
    assert [d.year for d in years_ago("twenty-four years ago", "2024-06-19")] == [2000]
    assert years_ago("24 years ago", None) == years_ago("about 24 years ago", "2024") == ()
    assert years_ago("in 24 years", "2024") == ()


def test_a_year_and_the_same_year_counted_back_corroborate() -> None:
    claim = "President Putin had visited Pyongyang only once previously, in 2000."
    passage = "It was 24 years ago, in September, that Putin last visited the DPRK."
    assert judge(claim, passage, "2024-06") == [("corroborates", [])]
    assert judge(claim, passage, "2023-06")[0][0] == "related"
    assert judge(claim, passage)[0][0] == "related"


def test_the_same_amount_word_of_other_things_is_not_the_same_content() -> None:
    claim = "The minister said the country holds vast quantities of {}."
    passage = "The country also has large stocks of weapons, the minister said."
    assert judge(claim.format("grain"), passage)[0][0] == "related"
    assert judge(claim.format("such weapons"), passage) == [("corroborates", [])]
