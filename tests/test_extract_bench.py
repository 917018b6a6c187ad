"""Extraction quality on the 181 pages of the article-extraction benchmark (beside the repo).

Floors are set just under the measured figures (F1 0.980, precision 0.975, recall 0.985;
`.venv/bin/python bench/extraction.py` re-measures). The pages are scored by the bench's
own score.py.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from conftest import SHARED

from crosscheck.extract import ExtractError, extract_html

BENCH = SHARED / "bench" / "extraction"
F1_FLOOR = 0.975
PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.98


def predict(file: Path) -> str:
    try:
        return extract_html(gzip.decompress(file.read_bytes())).text
    except ExtractError:
        return ""


def test_benchmark_f1_stays_above_its_floor(tmp_path: Path) -> None:
    files = sorted((BENCH / "html").glob("*.html.gz"))
    assert len(files) == 181
    pred = {f.name.split(".")[0]: predict(f) for f in files}
    (tmp_path / "pred.json").write_text(json.dumps(pred), "utf-8")
    out = subprocess.run([sys.executable, str(BENCH / "score.py"), str(tmp_path / "pred.json"),
                          "--json", "--bootstrap", "0"], check=True, capture_output=True, text=True)
    score = json.loads(out.stdout)
    assert score["empty_predictions"] == 0
    assert score["f1"] >= F1_FLOOR
    assert score["precision"] >= PRECISION_FLOOR
    assert score["recall"] >= RECALL_FLOOR
