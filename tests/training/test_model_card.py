"""The model card is generated from the metrics and the log: its figures must be the measured ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from training import model_card

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_the_card_reports_the_measured_figures_and_where_the_model_hurts(tmp_path: Path) -> None:
    shutil.copy(MODELS / "training_log.jsonl", tmp_path / "training_log.jsonl")
    metrics = json.loads((MODELS / "colorizer.metrics.json").read_text(encoding="utf-8"))
    metrics["automatic_by_source"] = {
        "kodak24": {"photos": 24, "gray_psnr": 22.0, "psnr": 22.5, "gain": 0.5},
        "urban100": {"photos": 62, "gray_psnr": 22.2, "psnr": 21.7, "gain": -0.5},
    }
    (tmp_path / "colorizer.metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    card = model_card.render(tmp_path)
    res = metrics["results"]
    gain = res["0"]["psnr"] - res["gray"]["psnr"]
    assert f"| automatic | {res['0']['psnr']:.2f} | {gain:+.2f} |" in card
    assert "| Urban100 (buildings) | 62 | 22.20 | 21.70 | -0.50 |" in card
    assert "below the gray photo on Urban100 (buildings) -0.50 dB" in card
    assert "Kodak +0.50 dB" not in card  # only the sets where it hurts are named as a failure
    assert "## Number formats" not in card  # no variants file in this folder
