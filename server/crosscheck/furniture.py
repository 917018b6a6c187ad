"""Page furniture in plain text: what a saved page shows around the article.

A capture of a page's visible text (the seed corpus, pasted text) carries the
page's menus, share and font-size controls, "more stories" teaser lists,
copyright and comment-form lines. `article_lines` keeps the article's lines:

1. lines that are furniture by their wording are dropped (`is_furniture`);
2. a teaser heading ("More stories", "Other Topics of Interest", "Keywords")
   drops what follows it until the article's prose resumes, which is when prose
   follows a sentence (a teaser is a headline and at most one sentence of dek);
3. lines that are not sentences and occur twice (page titles, site names,
   repeated teaser headlines) go;
4. the body runs from its first sentence to its last: the menus, title and
   date above and the footer below are dropped, short lines inside
   (subheadings) are kept. Runs of sentences split by many other lines are
   weighed: one with under a fifth of the text of the largest is a sidebar
   or a comment thread, not the article, when it lies at either end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

RUN_GAP = 8  # this many lines without a sentence end a run of article text
MAIN_RUN_SHARE = 0.2  # runs with less text than this share of the largest are sidebars
LONG_PROSE_WORDS = 45  # longer than any teaser's dek: article text
COUNTED_CHARS = 1000  # words are counted this far into a line, past every threshold
SENTENCE_END = re.compile(r"[.!?…:;。！？：；][\"'”’»)\]」』）]*$")
STATEMENT_END = re.compile(r"[.!…。！][\"'”’»)\]」』）]*$")
# Scripts written without spaces: two characters count as a word.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\uf900-\ufaff]")
LETTER = re.compile(r"[^\W\d_]")

# A whole line that is a control, a counter or a notice, never article text.
FURNITURE = re.compile(
    r"""^(?:
      share(?:\s+(?:this|on\s+\w+|via\s+\w+))?|print|copy\s+link|e-?mail|listen|translate|
      change\s+font\s+size|font\s+size|[a-z]?[+-]|search|menu|loading|close|subscribe|log\s*in|
      sign\s+(?:in|up)|views?:?\s*[\d,.]+k?|\d+\s+(?:views|comments|shares?)|high\s+views|
      time\s+to\s+read|\d+\s+mins?(?:\s+read)?|mins?|comments?|comentarios|
      (?:publicar|post|leave|add)\s+(?:un|a)\s+(?:comentario|comment|reply)|
      twitter|facebook|youtube|instagram|telegram|whatsapp|linkedin|pinterest|reddit|vk|
      apple\s+store|play\s+market|google\s+play|app\s+store|night_theme|dark\s+mode|
      advertisement|advert|sponsored|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|
      like\s+loading|image\s+\d+\s+of\s+\d+|tags|voltar|retour|zurück
    )\W*$""",
    re.I | re.X,
)
# The start of a short line that asks the reader to do something else.
CALL_TO_ACTION = re.compile(
    r"""^(?:
      share(?:\s+(?:this|on|via|the\s+story|the\s+article)\b|\s*:)|like\s+this\s*:|
      advert(?:isement)?\b|tags?\s*:|filed\s+(?:under|in)\b|related(?:\s+\w+)?\s*:|
      (?:read|see)\s+(?:more|also)\b|
      also\s+read\b|also\s+on\s+[\w-]+\.\w{2,}|more\s*:|click\s+here|don.t\s+miss|
      you\s+(?:may|might)\s+also\s+like|leggi\s+anche|this\s+slideshow\s+requires|
      follow\s+us|sign\s+up\s+(?:for|to|now)|subscribe\s+(?:to|now|for)|tell\s+us\s+what|
      print\s+(?:this|article|page)|e-?mail\s+(?:this|us|the\s+author)|
      join\s+the\s+(?:conversation|discussion)\b
    )""",
    re.I | re.X,
)
# A line that states the page's terms, credits or calls to action (matched on the lowered
# line: three times as fast as ignoring case).
NOTICE = re.compile(
    r"©|\bcopyright\b|all rights reserved|any use of materials|hyperlink to|"
    r"views expressed in this|to suggest a correction|press ctrl|liked the story|"
    r"share it on|follow us on|sign up for|subscribe to our|click here|"
    r"what are you looking for"
)
# A line, up to PROMPT_WORDS long, that asks the reader to follow the outlet or a writer, to
# sign up for a newsletter or to accept cookies, or that counts shares: page clutter even
# when it is a full sentence. Each phrase is one no article sentence uses in passing.
PROMPT_WORDS = 40
SOCIAL = (r"(?:twitter|x|facebook|instagram|threads|tiktok|linkedin|bluesky|mastodon|youtube|"
          r"google\+)")
PROMPT = re.compile(
    rf"""(?:
      \bfollow\s+(?:us|me|him|her|them|[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}})\s+
        (?:on\s+{SOCIAL}\b|at\s+@|@\w)|
      \b(?:like|find|join)\s+us\s+on\s+{SOCIAL}\b|
      \b(?:sign\s+up|subscribe|register)\b.{{0,60}}\bnewsletters?\b|
      \bnewsletters?\b.{{0,80}}\b(?:inbox|sign\s+up|subscribe)\b|
      \b(?:delivered|sent|straight|right|directly)\s+(?:\w+\s+)?to\s+your\s+inbox\b|
      \b(?:meet|in|into|hit)\s+your\s+inbox\b|\benter\s+your\s+e-?mail\b|
      \b(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies\b|
      \b(?:use\s+of|accept(?:\s+all)?|allow(?:\s+all)?)\s+cookies\b|
      \bcookie\s+(?:policy|settings|preferences|consent)\b|
      ^[\d,.]+\s*[km]?\s+(?:shares?|comments?|views|likes|reactions)\b|
      ^(?:shares?|comments?|views|likes)\s*:?\s*[\d,.]+\s*[km]?$
    )""",
    re.I | re.X,
)
# Every PROMPT phrase holds one of these words: a line with none is not searched (most lines;
# the search takes 50 microseconds a line).
PROMPT_HINTS = ("follow", "like", "find", "join", "newsletter", "inbox", "mail", "cookie",
                "share", "comment", "view", "reaction")
# A heading after which teasers for other stories follow.
TEASER = re.compile(
    r"""^(?:
      (?:more|other|related|latest|popular|recommended|similar|further)\s+
        (?:stories|articles|news|reads?|posts|topics|from\b.*|on\b.*|in\b.*)|
      plus\s+d.histoires.*|other\s+topics\s+of\s+interest|related|recommended(?:\s+for\s+you)?|
      (?:read|see)\s+(?:more|also)|also\s+read|most\s+read|
      you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)|
      keywords?|tags?|topics|next|previous|next\s+story|previous\s+story|up\s+next|
      trending(?:\s+now)?|don.t\s+miss|what\s+to\s+read\s+next|leggi\s+anche|lire\s+aussi|
      mehr\s+zum\s+thema|lee\s+también|читайте\s+также
    )\s*(?::|\.\.\.|…)?\s*$""",
    re.I | re.X,
)
DATE_FORMATS = ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y-%m-%d", "%B %d %Y")
DATE_LINE = re.compile(
    r"^(?:date\s+)?(\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}|[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*[|,·-]?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?(?:\s+\w+)?\s*$",
    re.I,
)


def is_prose(line: str) -> bool:
    """A line of running text: a sentence, or long enough to be one. Shouting is not prose."""
    words = word_count(line)
    if line.isupper() or not LETTER.search(line):
        return False
    return words >= 12 or (words >= 4 and ends(line, SENTENCE_END))


def word_count(line: str) -> int:
    """Words in the line's start, which is all the thresholds here need to see."""
    head = line[:COUNTED_CHARS]
    return len(head.split()) + len(UNSPACED.findall(head)) // 2


def ends(line: str, pattern: re.Pattern[str]) -> bool:
    return bool(pattern.search(line[-8:]))


def is_sentence(line: str) -> bool:
    """Prose that ends like a statement (a headline, even one asking a question, does not)."""
    return is_prose(line) and ends(line, STATEMENT_END)


def is_furniture(line: str) -> bool:
    words = word_count(line)
    return bool(FURNITURE.match(line) or (words <= 12 and CALL_TO_ACTION.match(line))
                or (words <= 25 and NOTICE.search(line.lower())) or is_prompt(line))


def is_prompt(line: str) -> bool:
    """A request to follow, subscribe or accept cookies, or a share count (see PROMPT)."""
    if word_count(line) > PROMPT_WORDS:
        return False
    lowered = line.lower()
    return any(hint in lowered for hint in PROMPT_HINTS) and bool(PROMPT.search(line))


def is_teaser_heading(line: str) -> bool:
    return bool(TEASER.match(line))


def article_lines(lines: list[str], title: str | None = None) -> list[str]:
    """The article's lines of a page capture, furniture dropped (see the module doc)."""
    lines = [ln for ln in lines if not is_furniture(ln) and not same(ln, title)]
    seen = Counter(ln.casefold() for ln in lines if not is_sentence(ln))
    lines = drop_teasers([ln for ln in lines if is_sentence(ln) or seen[ln.casefold()] == 1])
    runs = sentence_runs(lines) or sentence_runs(lines, is_prose)
    if not runs:
        return []
    weights = [sum(len(ln) for ln in lines[a:b + 1]) for a, b in runs]
    body = [run for run, w in zip(runs, weights, strict=True) if w >= MAIN_RUN_SHARE * max(weights)]
    return lines[body[0][0]:body[-1][1] + 1]


def sentence_runs(lines: list[str], counts: Callable[[str], bool] = is_sentence,
                  ) -> list[tuple[int, int]]:
    """(first, last) index of each run of sentences, runs split by RUN_GAP other lines."""
    runs: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if not counts(line):
            continue
        if runs and i - runs[-1][1] <= RUN_GAP:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def same(line: str, title: str | None) -> bool:
    return bool(title) and line.casefold() == (title or "").strip().casefold()


def drop_teasers(lines: list[str]) -> list[str]:
    """Drop each teaser heading and what follows it until prose follows a sentence."""
    kept: list[str] = []
    teasers = after_sentence = False
    for line in lines:
        if is_teaser_heading(line):
            teasers, after_sentence = True, False
            continue
        if teasers and is_prose(line) and (after_sentence or word_count(line) >= LONG_PROSE_WORDS):
            teasers = False
        after_sentence = is_sentence(line)
        if not teasers:
            kept.append(line)
    return kept


def dateline(lines: list[str]) -> str | None:
    """The publication date, when a line above the body is nothing but a date."""
    for line in lines:
        if word_count(line) >= LONG_PROSE_WORDS / 2:
            return None
        found = DATE_LINE.match(line.strip())
        if found:
            return parse_date(found.group(1))
    return None


def parse_date(value: str) -> str | None:
    value = value.replace(".", "")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None
