"""The floor on story quality: `bench/stories.py` (B-cubed of the stories against the BASIL
events, the BBC corpus as distractors) measured on real parts, through `crosscheck import`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.shared  # BASIL and the BBC corpus come from ../shared/bench


def test_stories_match_the_basil_events() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "stories.py"), "--json"],
                         check=True, capture_output=True, text=True, timeout=1200).stdout
    result = json.loads(out)
    assert result["basil_articles"] == 240 and result["events"] == 80
    assert result["precision"] >= 0.90 and result["recall"] >= 0.90  # measured: 0.981 / 0.936
    assert result["largest_story"] < 40  # no story grows by chaining
    assert result["import_pages_per_s"] > 0
