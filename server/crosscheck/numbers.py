"""Values a sentence states, normalised so two sentences can be compared.

- quantities: "more than 11,000 containers" -> 11000 containers, at least 11000;
  "three million shells" -> 3,000,000 shells; "a two-day visit" -> 2 day visit;
  "dozens of missiles" -> at least 24 missiles. Each quantity is an interval
  [low, high] (qualifiers widen it) plus the stemmed words of what is counted.
- dates: "June 19, 2024", "19 June", "2024-06-19", "September 2017", "in 2000"; with the
  text's publication date, "24 years ago" (years_ago).
- negations: "has not supplied" (negated "supply"), "denied" (negated "confirm").

Every found value keeps its span: `text[start:end] == value.text`.
Number words are read by text2num; stems come from the Snowball English stemmer.
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from text_to_num import text2num

INF = math.inf
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "tn": 1e12, "bn": 1e9, "b": 1e9, "m": 1e6, "k": 1e3}
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORD = "|".join(sorted([*ONES, *TENS, "hundred", "thousand", "million", "billion",
                               "trillion"], key=len, reverse=True))
WORDS = rf"(?:{NUMBER_WORD})(?:(?:[ -]|\s+and\s+)(?:{NUMBER_WORD}))*"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
VAGUE = {  # plural number words: an open interval
    "dozens": (24.0, 1e3), "scores": (40.0, 1e3), "hundreds": (200.0, 1e4),
    "thousands": (2e3, 1e6), "millions": (2e6, 1e9), "billions": (2e9, 1e12),
    "a dozen": (12.0, 12.0), "a hundred": (100.0, 100.0), "a thousand": (1e3, 1e3),
    "a million": (1e6, 1e6), "a billion": (1e9, 1e9),
}
NUMBER = re.compile(
    rf"(?P<digits>(?<![\w.,])(?:{DIGITS}))(?:\s*(?P<scale>hundred|thousand|million|billion|trillion)"
    rf"\b|(?P<suffix>tn|bn|b|m|k)\b)?"
    rf"|\b(?P<vague>{'|'.join(sorted(VAGUE, key=len, reverse=True))})\b"
    rf"|\b(?P<words>{WORDS})\b",
    re.IGNORECASE,
)
NUMBER_TOKENS = frozenset([  # a word each NUMBER match without digits holds
    *ONES, *TENS, "hundred", "thousand", "million", "billion", "trillion",
    *(v.split()[-1] for v in VAGUE)])
CASELESS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "K": "k"})  # what re.IGNORECASE
# also takes for i, s and k
TOKEN = re.compile(r"\w+")
BOUNDS = {  # qualifier -> (low factor, high factor) around the stated value
    **dict.fromkeys(["more than", "over", "above", "at least", "upwards of", "in excess of",
                     "as many as", "as much as"], (1.0, INF)),
    **dict.fromkeys(["less than", "fewer than", "under", "below", "up to", "at most"], (0.0, 1.0)),
    **dict.fromkeys(["around", "about", "approximately", "roughly", "some", "close to",
                     "an estimated", "estimated", "an approximate", "nearly", "almost",
                     "just over", "just under"], (0.9, 1.1)),
}
QUALIFIER = re.compile(
    r"\b(?:" + "|".join(q.replace(" ", r"\s+") for q in sorted(BOUNDS, key=len, reverse=True))
    + r")\s+$",
    re.IGNORECASE,
)
CURRENCIES = "$£€¥"
CONTEXT_WORDS = 6
WORDS_AROUND = re.compile(r"[A-Za-z][A-Za-z'’]+")
AGE = re.compile(r"\s*(?:-\s*)?old\b", re.IGNORECASE)  # one way to split the spaces: linear
AGO = re.compile(r"\s+ago\b", re.IGNORECASE)
YEAR = re.compile(r"\d{4}")
CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:[ap]\.m\.|[ap]m\b)|\b\d{1,2}:\d\d\b", re.IGNORECASE)
SCORE = re.compile(r"\b(\d+)\s*[-–]\s*(\d+)\b")  # "won 13-3", "the 2008-09 season"
NUMERAL = re.compile(r"\d[\d,]*(?:\.(\d+))?")
RANGE = re.compile(rf"\s*(?:-|to)\s*({DIGITS})\b")
PLUS = re.compile(r"(?:\+|-?\s*plus\b)")
PERCENT = re.compile(r"\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
UNIT = re.compile(r"(?:\s*-\s*|\s+)(?:of\s+)?([A-Za-z][A-Za-z'’]*)(?:\s+([A-Za-z][A-Za-z'’]*))?")
STOPWORDS = frozenset("""
a about above after again against ago all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just me
more most my no nor not now of off on once only or other our out over own same she should so
some such than that the their them then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your said says
say according since per s
""".split())

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
MONTH = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DATE = re.compile(
    r"\b(?:(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    rf"|{MONTH.format('m1')}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH.format('m2')}(?!\.?\s*\d{{1,2}}\b)"
    rf"(?:,?\s+(?P<y2>\d{{4}}))?"  # not "the 19 Sept. 11 hijackers"
    rf"|{MONTH.format('m3')}\s+(?P<y3>\d{{4}})"
    r"|(?<![x×]\s)(?<![x×])(?P<y4>(?:18|19|20)\d\d)(?![\d%]|[.,]\d|\s*(?:-|to|[x×])\s*\d))\b",
    re.IGNORECASE,
)
DIGIT = re.compile(r"\d")
NEGATION = re.compile(
    r"\b(?:not|never|no|n't|cannot)\s+(?:(?:be|been|being|have|yet|ever|even|so|also)\s+)*"
    r"([A-Za-z]+)|\b(\w+)n't\s+([A-Za-z]+)",  # \b: one start per word, never quadratic
    re.IGNORECASE,
)
DENIALS = {"deni": "confirm", "deny": "confirm", "reject": "accept", "refus": "agre",
           "dismiss": "confirm", "disput": "confirm", "fail": "succeed"}

_stemmer = snowballstemmer.stemmer("english")
_stem_lock = threading.Lock()  # a stemmer keeps its word in itself: one thread at a time


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    with _stem_lock:
        return _stemmer.stemWord(word.lower().replace("’", "'").removesuffix("'s"))


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, qualifier and counted words included
    value: float
    low: float
    high: float
    unit: frozenset[str]  # stems of the counted words; empty when nothing is counted
    head: str  # the last of them: "shell" in "three million artillery shells"
    context: frozenset[str]  # stems of the content words around it
    start: int
    end: int
    step: float = 1.0  # the place of its last significant digit: 1e5 for "5.9 million"

    def counts_same_thing_as(self, other: Quantity) -> bool:
        """"3 million artillery shells" and "millions of shells", not "3 Afghan soldiers" and
        "two Afghan policemen"."""
        if not self.unit or not other.unit:
            return False
        return self.head == other.head or self.unit <= other.unit or other.unit <= self.unit


@dataclass(frozen=True)
class Date:
    text: str
    year: int | None
    month: int | None
    day: int | None
    start: int
    end: int


def number_value(match: re.Match[str]) -> float | None:
    """The value of one NUMBER match (None for vague plurals or unreadable words)."""
    if match["digits"]:
        scale = (match["scale"] or match["suffix"] or "").lower()
        return float(match["digits"].replace(",", "")) * SCALES.get(scale, 1.0)
    if match["words"]:
        try:
            return float(text2num(re.sub(r"\s+", " ", match["words"].lower()), "en"))
        except ValueError:
            return None
    low, high = VAGUE[re.sub(r"\s+", " ", match["vague"].lower())]
    return low if low == high else None


def canonical(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e18 else f"{value:g}"


def digits_for_words(text: str) -> str:
    """The text with every number written in plain digits ("three million" -> "3000000")."""
    def sub(m: re.Match[str]) -> str:
        value = number_value(m)
        plain = m["digits"] and m.group() == m["digits"] and "," not in m["digits"]
        return m.group() if value is None or plain else canonical(value)
    return NUMBER.sub(sub, text) if may_state_numbers(text) else text


def may_state_numbers(text: str) -> bool:
    """False when NUMBER cannot match: no digit and no number word (two thirds of news
    sentences; a token test is far cheaper than the regex)."""
    if DIGIT.search(text):
        return True
    if not text.isascii():
        text = text.translate(CASELESS)
    return not NUMBER_TOKENS.isdisjoint(TOKEN.findall(text.lower()))


def dates(text: str) -> list[Date]:
    out: list[Date] = []
    if not DIGIT.search(text):  # every DATE form has digits; most sentences none
        return out
    for m in DATE.finditer(text):
        year = m["iy"] or m["y1"] or m["y2"] or m["y3"] or m["y4"]
        month = m["im"] or m["m1"] or m["m2"] or m["m3"]
        day = m["id"] or m["d1"] or m["d2"]
        month_no = int(month) if month and month.isdigit() else MONTHS.get((month or "").lower())
        if day and not 1 <= int(day) <= 31 or m["im"] and not 1 <= int(m["im"]) <= 12:
            continue
        out.append(Date(m.group(), int(year) if year else None, month_no,
                        int(day) if day else None, m.start(), m.end()))
    return out


@lru_cache(maxsize=8192)  # a passage meets many claims
def years_ago(text: str, published: str | None) -> tuple[Date, ...]:
    """"24 years ago" in a text published in 2024 -> the year 2000 (none without a date)."""
    year = YEAR.match(published or "")
    if not year or not AGO.search(text):
        return ()
    return tuple(
        Date(q.text + m.group(), int(year.group()) - int(q.value), None, None, q.start, m.end())
        for q in quantities(text) if q.head == "year" and q.value.is_integer()
        and q.low == q.high and (m := AGO.match(text, q.end)))


def quantities(text: str, found: Sequence[Date] | None = None) -> list[Quantity]:
    """Every amount stated in `text` that is not part of a date (`found`: its dates, if
    known)."""
    out: list[Quantity] = []
    if not may_state_numbers(text):
        return out
    found = dates(text) if found is None else found
    spans = sorted([(d.start, d.end) for d in found] + not_amounts(text))
    starts = [start for start, _ in spans]
    for m in NUMBER.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < spans[i][1] or out and m.start() < out[-1].end:
            continue
        q = quantity(text, m)
        if q is not None:
            out.append(q)
    return out


def not_amounts(text: str) -> list[tuple[int, int]]:
    """Spans of numbers that are no amounts: times of day ("8:30 p.m."), scores and seasons
    written as a falling pair ("13-3", "2008-09")."""
    spans = [m.span() for m in CLOCK.finditer(text)]
    spans += [m.span() for m in SCORE.finditer(text) if int(m[2]) < int(m[1])]
    return spans


def step_of(m: re.Match[str], value: float) -> float:
    """The place of the last significant digit written: "5.9 million" 1e5, "3,200" 100,
    "24" 1, "three million" 1e6. Trailing zeros of numbers under 1,000 count as significant."""
    numeral = NUMERAL.search(m.group())
    if numeral is None:  # words: "twenty-five" is exact, "three million" counts millions
        scales = [SCALES[w] for w in m.group().lower().split() if w in SCALES]
        return scales[-1] if scales else 1.0
    written = float(numeral.group().replace(",", ""))
    scale = value / written if written else 1.0
    if numeral[1]:
        return scale * 10.0 ** -len(numeral[1])
    digits = numeral.group().replace(",", "")
    zeros = len(digits) - len(digits.rstrip("0")) if written >= 1000 else 0
    return scale * 10.0 ** min(zeros, len(digits) - 1)


def quantity(text: str, m: re.Match[str]) -> Quantity | None:
    value = number_value(m)
    vague = VAGUE.get(re.sub(r"\s+", " ", (m["vague"] or "").lower()))
    if value is None and vague is None:
        return None
    low, high = vague if value is None and vague else (value, value)
    value = low if value is None else value
    start, end = m.start(), m.end()
    rng = RANGE.match(text, end) if m["digits"] else None
    if rng:
        high, end = float(rng[1].replace(",", "")) * (high / value if value else 1), rng.end()
    if plus := PLUS.match(text, end):
        high, end = INF, plus.end()
    currency = text[start - 1] if start and text[start - 1] in CURRENCIES else ""
    start -= len(currency)
    qual = QUALIFIER.search(text, max(0, start - 24), start)  # "almost $6 million"
    if qual:
        f_low, f_high = BOUNDS[re.sub(r"\s+", " ", qual.group().strip().lower())]
        low, high, start = value * f_low, value * f_high if f_high != 1.0 else high, qual.start()
    words, end = counted(text, end, vague is not None)
    if not words and currency:
        words = [currency]
    unit = frozenset(words)
    return Quantity(text[start:end], value, low, high, unit, words[-1] if words else "",
                    context(text, start, end) - unit, start, end, step_of(m, value))


def context(text: str, start: int, end: int) -> frozenset[str]:
    """Stems of the content words among the CONTEXT_WORDS words either side of a span."""
    before = WORDS_AROUND.findall(text, max(0, start - 12 * CONTEXT_WORDS), start)
    after = WORDS_AROUND.findall(text, end, end + 12 * CONTEXT_WORDS)
    near = before[-CONTEXT_WORDS:] + after[:CONTEXT_WORDS]
    return frozenset(stem(w) for w in near if w.lower() not in STOPWORDS)


def counted(text: str, end: int, vague: bool) -> tuple[list[str], int]:
    """Stems of the one or two words after a number naming what it counts."""
    if pct := PERCENT.match(text, end):
        return ["percent"], pct.end()
    m = UNIT.match(text, end)
    if not m or (not vague and m.group().lstrip(" -").lower().startswith("of ")):
        return [], end
    if age := AGE.match(text, m.end(1)):
        return [stem(m[1]) + " old"], age.end()
    words: list[str] = []
    for i in (1, 2):
        word = m[i]
        if not word or word.lower() in STOPWORDS | MONTHS.keys() or NUMBER.fullmatch(word):
            break
        words.append(stem(word))
        end = m.end(i)
    return words, end


def negated(text: str) -> Iterator[tuple[str, str]]:
    """(stem of what is negated, the words as written) for each negation."""
    text = text.replace("’", "'")  # "doesn’t" as "doesn't"; one character for one: spans keep
    for m in NEGATION.finditer(text):
        word = m[1] or m[3]
        if word.lower() not in STOPWORDS:
            yield stem(word), m.group()
    for word in re.finditer(r"\b(deni|deny|reject|refus|dismiss|disput|fail)\w*", text, re.I):
        yield DENIALS[word[1].lower()], word.group()
