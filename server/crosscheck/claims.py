"""Stage 2: article text -> sentences, and the ones that state something checkable.

Sentences come from sentencex (a maintained segmenter that knows abbreviations,
initials and decimals); we only map them back to offsets in the text.
"""

from __future__ import annotations

import re

import sentencex

from .numbers import NUMBER
from .types import Sentence

MAX_SENTENCE_CHARS = 2000
WORD = re.compile(r"\w+")
HAS_NUMBER = re.compile(r"\d")
CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")
REPORTED = re.compile(
    r"\b(?:said|says|told|announced|reported|confirmed|denied|claimed|stated|signed|agreed|"
    r"warned|accused|pledged|promised|admitted|estimated|hinted|revealed|insisted|killed|"
    r"arrested|elected|approved|rejected|launched|delivered|supplied|sent)\b", re.IGNORECASE)
CLOSERS = "\"'”’)] "


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, as spans with `text[start:end] == sentence.text`."""
    out: list[Sentence] = []
    for para_start, paragraph in paragraphs(text):
        cursor = 0
        for piece in sentencex.segment("en", paragraph):
            stripped = piece.strip()
            if not stripped:
                continue
            found = paragraph.find(stripped, cursor)
            if found < 0:
                continue
            cursor = found + len(stripped)
            start = para_start + found
            out.append(Sentence(stripped, start, start + len(stripped)))
    return out


def paragraphs(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]


def is_question(sentence: str) -> bool:
    return sentence.rstrip(CLOSERS).endswith("?")


def is_heading(sentence: str) -> bool:
    """A line that does not end like a sentence and reads like a title or furniture."""
    if sentence.rstrip(CLOSERS).endswith((".", "!")):
        return False
    long_words = [w for w in WORD.findall(sentence) if len(w) > 3]
    return len(long_words) < 3 or sum(w[0].isupper() for w in long_words) / len(long_words) > 0.5


def is_checkable(sentence: str) -> bool:
    """A sentence that states something a second source could confirm or contradict:
    a full sentence (not a question, heading, byline or menu line) with a number, a date,
    a name or a reported action in it."""
    words = WORD.findall(sentence)
    if len(words) < 6 or len(sentence) > MAX_SENTENCE_CHARS or is_question(sentence):
        return False
    if not sentence.rstrip(CLOSERS).endswith((".", "!")):
        return False
    return any(p.search(sentence) for p in (HAS_NUMBER, NUMBER, CAPITALISED, REPORTED))


def extract_claims(text: str) -> list[Sentence]:
    return [s for s in split_sentences(text) if is_checkable(s.text)]


def passages(text: str) -> list[Sentence]:
    """The sentences worth storing as passages: statements of a few words, no questions,
    no headings, and none so long that matching against it would be slow."""
    return [s for s in split_sentences(text)
            if len(WORD.findall(s.text)) >= 4 and len(s.text) <= MAX_SENTENCE_CHARS
            and not is_question(s.text) and not is_heading(s.text)]
