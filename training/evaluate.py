"""Evaluate a shipped ONNX model through the app's own engine, on the CPU, as Zhang et al. 2017 do.

``python -m training.evaluate --model models/colorizer.onnx`` writes ``models/colorizer.metrics.json``
and ``models/historic_contact_sheet.jpg``. Val photos are resized (short side 256, INTER_AREA) and
centre-cropped to 256x256; the gray input is the ground truth's own Lab lightness.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from skimage.metrics import structural_similarity

from colorizer_gui.core import color
from colorizer_gui.core.hints import HintPoint, Hints
from colorizer_gui.core.pipeline import ColorizeOptions, apply_chroma, inference_size, predict_chroma
from colorizer_gui.core.session import ColorizerSession

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
HINT_COUNTS = (0, 1, 2, 5, 10, 20, 50, 100)
#: Hint counts at which the bare model (no engine-side propagation) is also measured.
BARE_HINT_COUNTS = (0, 10, 100)
EVAL_SIDE = 256
PATCH = 3
#: The issue's colourfulness target, and the colour strengths (global chroma scales) swept to read PSNR off at it.
COLOURFULNESS_TARGET = 0.70
CHROMA_SCALES = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.6)


def read_bgr(path: Path) -> np.ndarray:
    """A photo as OpenCV decodes it (BGR uint8); a file it cannot decode is an error, not None."""
    bgr = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"{path} is not an image OpenCV can decode")
    return bgr


def load_val_crop(path: Path) -> np.ndarray:
    """Short side to 256 with INTER_AREA, centre crop 256x256, RGB uint8."""
    bgr = read_bgr(path)
    h, w = bgr.shape[:2]
    s = EVAL_SIDE / min(h, w)
    bgr = cv2.resize(bgr, (max(EVAL_SIDE, round(w * s)), max(EVAL_SIDE, round(h * s))), interpolation=cv2.INTER_AREA)
    h, w = bgr.shape[:2]
    y, x = (h - EVAL_SIDE) // 2, (w - EVAL_SIDE) // 2
    return np.ascontiguousarray(bgr[y : y + EVAL_SIDE, x : x + EVAL_SIDE, ::-1])


def gray_of(rgb: np.ndarray) -> np.ndarray:
    """The photo as a gray sRGB image with its true luminance (what an old print would hold)."""
    lightness = color.srgb_to_lab_l(color.to_unit_float(rgb))
    return color.from_unit_float(color.lab_l_to_gray(lightness), 8)


def sample_hints(rgb: np.ndarray, count: int, rng: np.random.Generator) -> Hints:
    """``count`` random 3x3 patches revealed from the ground truth (mean colour per patch)."""
    h, w = rgb.shape[:2]
    points = []
    for _ in range(count):
        y, x = int(rng.integers(0, h - PATCH + 1)), int(rng.integers(0, w - PATCH + 1))
        r, g, b = (round(float(v)) for v in rgb[y : y + PATCH, x : x + PATCH].reshape(-1, 3).mean(axis=0))
        points.append(HintPoint(x=x + PATCH / 2, y=y + PATCH / 2, radius=PATCH / 2, rgb=(r, g, b)))
    return Hints(image_size=(w, h), points=tuple(points))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float(10 * np.log10(255.0**2 / max(mse, 1e-10)))


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Suesstrunk 2003 colourfulness metric."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def _scores(out: np.ndarray, gt: np.ndarray) -> list[float]:
    return [psnr(out, gt), structural_similarity(out, gt, channel_axis=2), colourfulness(out)]


def _table(rows: dict[str, list[list[float]]], gt_c: float) -> dict[str, dict[str, float]]:
    return {
        k: {
            "psnr": float(np.mean([r[0] for r in v])),
            "ssim": float(np.mean([r[1] for r in v])),
            "colourfulness_ratio": float(np.mean([r[2] for r in v]) / gt_c),
        }
        for k, v in rows.items()
    }


def evaluate_val(session: ColorizerSession, val_dir: Path, *, limit: int | None, seed: int) -> dict[str, object]:
    """The engine as shipped (hint propagation on) on every val photo; the bare model on every 4th."""
    files = sorted(val_dir.glob("*.jpg"))
    return evaluate_photos(session, files[:limit] if limit else files, seed=seed)


def held_out_photos(data_root: Path, per_mille: int) -> list[Path]:
    """The training photos a run with ``holdout_per_mille`` never trained on (``data.split_held_out``)."""
    from .data import list_training_files, split_held_out  # data imports torch: only when asked

    return split_held_out(list_training_files(data_root), per_mille)[1]


def evaluate_photos(session: ColorizerSession, files: list[Path], *, seed: int) -> dict[str, object]:
    """The val measurements on any photos (val, or training photos held out of a run)."""
    engine = ColorizeOptions(working_size=EVAL_SIDE)
    bare = ColorizeOptions(working_size=EVAL_SIDE, propagate_hints=False)
    rows: dict[str, list[list[float]]] = {"gray": [], **{str(n): [] for n in HINT_COUNTS}}
    model_only: dict[str, list[list[float]]] = {"gray": [], **{str(n): [] for n in BARE_HINT_COUNTS}}
    gt_colour: list[float] = []
    scaled: dict[float, list[tuple[float, float]]] = {k: [] for k in CHROMA_SCALES}
    for i, f in enumerate(files):
        gt = load_val_crop(f)
        gray = gray_of(gt)
        gt_colour.append(colourfulness(gt))
        rows["gray"].append(_scores(np.repeat(gray[..., None], 3, axis=2), gt))
        if i % 4 == 0:
            model_only["gray"].append(rows["gray"][-1])
        # The shipped engine spreads hints over the automatic prediction, so the model runs once per photo.
        automatic = predict_chroma(session, gray, options=engine)
        for k in CHROMA_SCALES:  # the engine's colour strength, as the app's slider applies it
            strong = predict_chroma(session, gray, options=replace(engine, strength=k), automatic=automatic)
            out = apply_chroma(gray, strong, options=engine)
            scaled[k].append((psnr(out, gt), colourfulness(out)))
        for n in HINT_COUNTS:
            hints = sample_hints(gt, n, np.random.default_rng(seed + 1000 * i + n)) if n else None
            chroma = predict_chroma(session, gray, hints=hints, options=engine, automatic=automatic)
            out = apply_chroma(gray, chroma, options=engine)
            rows[str(n)].append(_scores(out, gt))
            if n in BARE_HINT_COUNTS and i % 4 == 0:
                out = apply_chroma(gray, predict_chroma(session, gray, hints=hints, options=bare), options=bare)
                model_only[str(n)].append(_scores(out, gt))
    gt_c = float(np.mean(gt_colour))
    return {
        "images": len(files),
        "side": EVAL_SIDE,
        "inference_size": inference_size(session, engine),  # what the network saw
        "hint_patch": PATCH,
        "gt_colourfulness": gt_c,
        "results": _table(rows, gt_c),
        "model_only_every_4th": _table(model_only, gt_c),
        "automatic_by_source": _by_source(files, rows),
        "automatic_at_colourfulness": _at_colourfulness(scaled, gt_c),
    }


def _at_colourfulness(scaled: dict[float, list[tuple[float, float]]], gt_c: float) -> dict[str, object]:
    """Automatic PSNR read off at the colourfulness target, by scaling the predicted chroma globally.

    PSNR alone rewards dull colour: duller weights, or a smaller chroma scale, raise it while the photos
    go gray. Two models compared at the same colourfulness show which one knows more about colour.
    """
    curve = [
        {
            "scale": k,
            "psnr": float(np.mean([p for p, _ in rows])),
            "colourfulness_ratio": float(np.mean([c for _, c in rows]) / gt_c),
        }
        for k, rows in scaled.items()
    ]
    by_ratio = sorted(curve, key=lambda point: point["colourfulness_ratio"])
    ratios = [point["colourfulness_ratio"] for point in by_ratio]
    inside = ratios[0] <= COLOURFULNESS_TARGET <= ratios[-1]
    at_target = np.interp(COLOURFULNESS_TARGET, ratios, [point["psnr"] for point in by_ratio]) if inside else None
    return {
        "target": COLOURFULNESS_TARGET,
        "psnr": None if at_target is None else float(at_target),
        "curve": curve,
    }


def _by_source(files: list[Path], rows: dict[str, list[list[float]]]) -> dict[str, dict[str, float]]:
    """Automatic against gray PSNR per val set (the file-name prefix): where the model helps, where it hurts."""
    sources = [f.name.split("_")[0] for f in files]
    table: dict[str, dict[str, float]] = {}
    for source in sorted(set(sources)):
        picked = [i for i, s in enumerate(sources) if s == source]
        gray = float(np.mean([rows["gray"][i][0] for i in picked]))
        automatic = float(np.mean([rows["0"][i][0] for i in picked]))
        table[source] = {"photos": len(picked), "gray_psnr": gray, "psnr": automatic, "gain": automatic - gray}
    return table


def contact_sheet(session: ColorizerSession, historic: Path, out: Path, *, thumb: int = 200) -> int:
    """Input | output pairs of every historic photo, in a grid of 4 pairs per row."""
    pairs = []
    for f in sorted(historic.glob("*.jpg")):
        rgb = read_bgr(f)[..., ::-1]
        gray = gray_of(rgb)
        result = apply_chroma(gray, predict_chroma(session, gray))
        h, w = rgb.shape[:2]
        size = (round(w * thumb / h), thumb)
        pairs.append(
            np.concatenate(
                [
                    cv2.resize(rgb, size, interpolation=cv2.INTER_AREA),
                    cv2.resize(result, size, interpolation=cv2.INTER_AREA),
                ],
                axis=1,
            )
        )
    # Tiles fit 3:2 photos; a wider one (a group panorama) is shrunk to fit rather than widening every tile.
    width = 3 * thumb + 8
    tiles = []
    for pair in pairs:
        if pair.shape[1] > width - 8:
            pair = cv2.resize(
                pair, (width - 8, round(pair.shape[0] * (width - 8) / pair.shape[1])), interpolation=cv2.INTER_AREA
            )
        tile = np.full((thumb + 8, width, 3), 255, np.uint8)
        tile[: pair.shape[0], : pair.shape[1]] = pair
        tiles.append(tile)
    per_row = 4
    while len(tiles) % per_row:
        tiles.append(np.full_like(tiles[0], 255))
    sheet = np.concatenate([np.concatenate(tiles[i : i + per_row], axis=1) for i in range(0, len(tiles), per_row)])
    ok, buf = cv2.imencode(".jpg", sheet[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    out.write_bytes(buf.tobytes())
    return len(list(historic.glob("*.jpg")))


def record_in_log(log: Path, metrics: dict[str, object]) -> None:
    """Add the val summary to the training log's last run (the one that made the evaluated weights)."""
    lines = log.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    results = metrics["results"]
    assert isinstance(results, dict)
    entry["val"] = {
        "model_version": metrics["model_version"],
        "inference_size": metrics["inference_size"],
        "gray_psnr": round(results["gray"]["psnr"], 2),
        **{f"psnr_{n}_hints": round(results[str(n)]["psnr"], 2) for n in (0, 10, 100)},
        "colourfulness_ratio": round(results["0"]["colourfulness_ratio"], 3),
    }
    matched = metrics.get("automatic_at_colourfulness")
    if isinstance(matched, dict) and matched.get("psnr") is not None:
        entry["val"]["psnr_0_at_colourfulness_0.70"] = round(matched["psnr"], 2)
    lines[-1] = json.dumps(entry)
    tmp = log.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(log)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=REPO / "models" / "colorizer.onnx")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=None, help="metrics JSON (default: beside the model)")
    ap.add_argument("--sheet", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log", type=Path, default=None, help="training log whose last run gets the val summary")
    ap.add_argument(
        "--holdout",
        type=int,
        default=None,
        metavar="P",
        help="measure on the training photos held out per 1,000 (a run's holdout_per_mille) instead of val; "
        "writes only --out (default: beside the model, .holdout.json)",
    )
    args = ap.parse_args(argv)
    session = ColorizerSession(args.model, provider="cpu")
    start = time.time()
    if args.holdout is not None:
        files = held_out_photos(args.data, args.holdout)
        metrics = evaluate_photos(session, files[: args.limit] if args.limit else files, seed=args.seed)
        metrics.update(model_version=session.info.version, holdout_per_mille=args.holdout)
        out = args.out or args.model.with_suffix(".holdout.json")
        out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(metrics["results"], indent=1))
        return 0
    metrics = evaluate_val(session, args.data / "val", limit=args.limit, seed=args.seed)
    metrics["model_version"] = session.info.version
    metrics["seconds"] = round(time.time() - start, 1)
    sheet = args.sheet or args.model.with_name("historic_contact_sheet.jpg")
    metrics["historic_photos"] = contact_sheet(session, args.data / "historic", sheet)
    out = args.out or args.model.with_suffix(".metrics.json")
    out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    if args.log is not None:
        record_in_log(args.log, metrics)
    print(json.dumps(metrics["results"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
