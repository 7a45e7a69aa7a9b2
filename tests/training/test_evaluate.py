"""The evaluation on real val photos through the engine: gray baseline, hint curve, log record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("skimage", reason="the train extra (scikit-image) is not installed")

from colorizer_gui.core.session import ColorizerSession
from tests.support.tiny_models import make_tiny_model
from training import evaluate


def test_hints_from_the_ground_truth_raise_psnr_and_the_run_is_logged(shared_data: Path, tmp_path: Path) -> None:
    # A model that answers zero chroma: automatic equals the gray baseline, hints alone add colour.
    model = make_tiny_model(tmp_path / "zero.onnx", base_ab=(0.0, 0.0), working_size=256, inference_size=160)
    metrics = evaluate.evaluate_val(ColorizerSession(model, provider="cpu"), shared_data / "val", limit=2, seed=0)
    results = metrics["results"]
    assert isinstance(results, dict) and metrics["images"] == 2
    assert results["0"]["psnr"] == pytest.approx(results["gray"]["psnr"], abs=0.01)
    assert results["0"]["colourfulness_ratio"] < 0.02
    assert results["10"]["psnr"] > results["0"]["psnr"] + 0.3
    assert results["100"]["psnr"] > results["10"]["psnr"]
    assert metrics["inference_size"] == 160  # what the network saw of each 256 px photo
    by_source = metrics["automatic_by_source"]
    assert isinstance(by_source, dict) and sum(row["photos"] for row in by_source.values()) == 2
    assert all(row["gain"] == pytest.approx(0.0, abs=0.01) for row in by_source.values())
    # No chroma to scale: the colourfulness target is out of reach, and no PSNR is read off there.
    matched = metrics["automatic_at_colourfulness"]
    assert isinstance(matched, dict) and matched["psnr"] is None

    log = tmp_path / "log.jsonl"
    log.write_text('{"steps": [0, 5]}\n{"steps": [5, 9]}\n', encoding="utf-8")
    metrics.update(model_version="tiny")
    evaluate.record_in_log(log, metrics)
    first, last = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert "val" not in first
    assert last["steps"] == [5, 9] and last["val"]["psnr_0_hints"] == round(results["0"]["psnr"], 2)
    assert last["val"]["inference_size"] == 160


def test_psnr_is_read_off_at_the_colourfulness_target(shared_data: Path, tmp_path: Path) -> None:
    """A flat colour answer, scaled: colourfulness grows with the scale, and the PSNR at 0.70 lies on the curve."""
    model = make_tiny_model(tmp_path / "flat.onnx", base_ab=(12.0, 20.0), working_size=256, inference_size=160)
    metrics = evaluate.evaluate_val(ColorizerSession(model, provider="cpu"), shared_data / "val", limit=3, seed=0)
    matched = metrics["automatic_at_colourfulness"]
    assert isinstance(matched, dict)
    curve = matched["curve"]
    ratios = [point["colourfulness_ratio"] for point in curve]
    assert ratios == sorted(ratios)  # more chroma, more colourful
    unscaled = next(point for point in curve if point["scale"] == 1.0)
    assert unscaled["psnr"] == pytest.approx(metrics["results"]["0"]["psnr"], abs=1e-6)
    assert matched["psnr"] is not None  # this flat colour reaches 0.70 between scales 1.2 and 1.3
    low = max((p for p in curve if p["colourfulness_ratio"] <= 0.70), key=lambda p: p["colourfulness_ratio"])
    high = min((p for p in curve if p["colourfulness_ratio"] >= 0.70), key=lambda p: p["colourfulness_ratio"])
    assert min(low["psnr"], high["psnr"]) - 1e-9 <= matched["psnr"] <= max(low["psnr"], high["psnr"]) + 1e-9


def test_holdout_evaluation_measures_training_photos_the_run_never_saw(shared_data: Path, tmp_path: Path) -> None:
    model = make_tiny_model(tmp_path / "zero.onnx", base_ab=(0.0, 0.0), working_size=256, inference_size=160)
    out = tmp_path / "holdout.json"
    args = ["--model", str(model), "--data", str(shared_data), "--holdout", "25", "--limit", "2", "--out", str(out)]
    assert evaluate.main(args) == 0
    metrics = json.loads(out.read_text(encoding="utf-8"))
    assert metrics["images"] == 2 and metrics["holdout_per_mille"] == 25
    held = evaluate.held_out_photos(shared_data, 25)
    assert {f.name.split("_")[0] for f in held[:2]} == set(metrics["automatic_by_source"])
    assert not (tmp_path / "historic_contact_sheet.jpg").exists()  # val's sheet and log are left alone
