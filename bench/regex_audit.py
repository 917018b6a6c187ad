r"""Audit every module-level regex of the package for super-linear (catastrophic) matching.

Each pattern scans (finditer) repetitive strings built from units that tend to trigger
backtracking, at two sizes four times apart. Linear matching takes about 4x as long on the
larger; quadratic about 16x. Prints the patterns whose time grows by more than GROWTH and
that take noticeable time, or that are slow already on the small input (then the larger is
not tried: a cubic pattern would take minutes). A regex holds the GIL while it matches,
so one slow match stalls the whole server, deadline included.

A pattern that starts with \s* shows as quadratic over a run of spaces here, since finditer
tries it at every space; numbers.RANGE, PERCENT, UNIT and AGE are only used anchored
(`.match(text, pos)`), on text whose spaces extraction has collapsed, so they stay linear.

    .venv/bin/python bench/regex_audit.py
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import crosscheck

UNITS = ["a", "1", " ", "1,", "1.", "a ", "not ", "isn", "over ", "- ", "1 million ", "May ",
         "1 May ", "\n", "'", "A", "Aa ", "share ", "x-", ".\"", "<div>", "Mr. "]
SMALL = 1000  # characters
GROWTH = 8.0  # time ratio for 4x the input: 4 is linear, 16 quadratic
NOTICEABLE = 0.05  # seconds on the larger input


def patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for info in pkgutil.iter_modules(crosscheck.__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"crosscheck.{info.name}")
        found += [(f"{info.name}.{name}", value) for name, value in vars(module).items()
                  if isinstance(value, re.Pattern)]
    return found


def scan_time(pattern: re.Pattern, text: str) -> float:
    subject: str | bytes = text.encode() if isinstance(pattern.pattern, bytes) else text
    start = time.perf_counter()
    for _ in pattern.finditer(subject):  # type: ignore[arg-type]
        pass
    return time.perf_counter() - start


def main() -> None:
    found = patterns()
    slow = 0
    for name, pattern in found:
        for unit in UNITS:
            text = unit * (SMALL // len(unit))
            small = scan_time(pattern, text)
            large = scan_time(pattern, text * 4) if small < NOTICEABLE else float("inf")
            if large > NOTICEABLE and large / max(small, 1e-6) > GROWTH:
                slow += 1
                print(f"{name:28} {unit!r:14} {len(text):>5} chars {small:7.3f} s  "
                      f"x4: {large:7.3f} s")
    print(f"{len(found)} patterns x {len(UNITS)} inputs: {slow} super-linear")


if __name__ == "__main__":
    main()
