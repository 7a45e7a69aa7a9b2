"""Batch throughput vs. pure model inference on the same photos (goal: batch >= 0.9 x inference).

The batch overlaps decoding, inference and encoding, so on a machine with
cores to spare it should run nearly as fast as the model alone. This builds
N one-megapixel gray JPEGs from the val photos in a temp folder, times
``session.predict_ab`` alone over their prepared inputs, then times
``run_batch`` over the folder (read, infer, apply chroma at full size, write).

    .venv/bin/python benchmarks/bench_batch.py [--count 200] [--model PATH] [--jobs 2]

Uses models/colorizer.onnx when it exists (or --model), else a tiny test model,
whose near-zero inference cost makes the ratio meaningless (it says so).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from colorizer_gui.core import color, contract, pipeline  # noqa: E402
from colorizer_gui.core.batch import BatchOptions, run_batch  # noqa: E402
from colorizer_gui.core.imageio import read_image, write_image  # noqa: E402
from colorizer_gui.core.session import ColorizerSession  # noqa: E402


def make_photos(val: Path, folder: Path, count: int, megapixels: float) -> list[Path]:
    """Gray JPEGs of about ``megapixels`` each, cycling through the val photos."""
    sources = sorted(val.glob("*.jpg"))
    if not sources:
        raise SystemExit(f"no val photos in {val}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        rgb = read_image(sources[i % len(sources)]).pixels
        h, w = rgb.shape[:2]
        scale = math.sqrt(megapixels * 1e6 / (h * w))
        size = (round(w * scale), round(h * scale))
        gray = cv2.cvtColor(cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC), cv2.COLOR_RGB2GRAY)
        path = folder / f"photo_{i:04d}.jpg"
        write_image(path, gray)
        paths.append(path)
    return paths


def model_input(session: ColorizerSession, path: Path) -> np.ndarray:
    """The model input for one photo (as the pipeline builds it: inference size, mirror padding), untimed."""
    pixels = read_image(path).pixels
    h, w = pixels.shape[:2]
    geom = contract.working_geometry(h, w, pipeline.inference_size(session), session.info.stride)
    (ch, cw), (ph, pw) = geom.content, geom.padded
    small = cv2.resize(pixels, (cw, ch), interpolation=cv2.INTER_AREA)
    lightness = color.gray_to_lab_l(color.to_unit_float(small)).astype(np.float32)
    padded = cv2.copyMakeBorder(lightness, 0, ph - ch, 0, pw - cw, cv2.BORDER_REFLECT_101)
    return contract.encode_input(padded)


def _add_delay(session: ColorizerSession, seconds: float) -> None:
    """Make inference cost ``seconds`` more without using CPU, like a model on an accelerator."""
    run = session.predict_ab

    def slow(x: np.ndarray) -> np.ndarray:
        time.sleep(seconds)
        return run(x)

    session.predict_ab = slow  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--megapixels", type=float, default=1.0)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--provider", default="auto")
    parser.add_argument("--threads", type=int, help="onnxruntime intra-op threads (default: all cores)")
    parser.add_argument(
        "--model-delay-ms",
        type=float,
        default=0.0,
        help="add a GIL-free sleep to every inference: measures the pipeline's overlap without CPU contention",
    )
    parser.add_argument("--format", default="jpeg", choices=["jpeg", "png", "tiff", "webp"])
    args = parser.parse_args(argv)

    shared = Path(os.environ.get("COLORIZER_SHARED_DATA", REPO.parent / "shared" / "data"))
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp_name:
        tmp = Path(tmp_name)
        model = args.model or (REPO / "models" / "colorizer.onnx")
        note = ""
        if not model.is_file():
            from tests.support.tiny_models import make_tiny_model

            model = make_tiny_model(tmp / "tiny.onnx")
            note = "TINY TEST MODEL (no models/colorizer.onnx): inference is ~free, the ratio means little"
        t0 = time.perf_counter()
        photos = make_photos(shared / "val", tmp / "in", args.count, args.megapixels)
        print(f"made {len(photos)} photos of ~{args.megapixels:g} MP in {time.perf_counter() - t0:.1f} s")
        session = ColorizerSession(model, provider=args.provider, threads=args.threads)
        print(
            f"model {session.info.version} ({model.name}) on {session.active_provider}, "
            f"working size {session.info.working_size} (network at {pipeline.inference_size(session)}), "
            f"cpu cores {os.cpu_count()}, "
            f"onnxruntime threads {args.threads or 'all'}"
        )
        if not note and model.stat().st_size < 1 << 20:
            note = f"model file is only {model.stat().st_size} bytes (a test stand-in): the ratio means little"
        if args.model_delay_ms > 0:
            _add_delay(session, args.model_delay_ms / 1000.0)
            note = f"{note}; " if note else ""
            note += f"every inference sleeps {args.model_delay_ms:g} ms extra (simulated model cost)"
        if note:
            print(note)

        inputs = [model_input(session, p) for p in photos]
        session.predict_ab(inputs[0])  # warm-up
        t0 = time.perf_counter()
        for x in inputs:
            session.predict_ab(x)
        infer_s = time.perf_counter() - t0
        del inputs

        options = BatchOptions(output_dir=tmp / "out", jobs=args.jobs, output_format=args.format)
        t0 = time.perf_counter()
        report = run_batch(session, [tmp / "in"], options)
        batch_s = time.perf_counter() - t0
        if report.failed:
            print(f"warning: {report.failed} files failed: {report.results[0].reason}")

    infer_ips = len(photos) / infer_s
    batch_ips = report.ok / batch_s
    print(f"inference only : {infer_ips:7.2f} images/s  ({infer_s:.1f} s)")
    print(f"batch (jobs={args.jobs}) : {batch_ips:7.2f} images/s  ({batch_s:.1f} s, {report.ok} ok)")
    print(f"ratio          : {batch_ips / infer_ips:.2f}  (goal >= 0.90)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
