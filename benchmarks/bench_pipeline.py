"""End-to-end cost of colorizing one photo at 0.3 to 100 megapixels, 8 and 16 bit, on CPU.

Run on demand (not part of the test suite)::

    .venv/bin/python benchmarks/bench_pipeline.py                 # all sizes, both depths
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 0.3,12 --depths 16 --model models/colorizer.onnx

Each case runs in its own subprocess so its peak RSS (``resource.getrusage``)
belongs to that case alone. The time is split into I/O (read + write),
model inference (``ColorizerSession.last_inference_s``) and colour maths
(everything else in ``predict_chroma`` and ``apply_chroma``: resizing,
lightness, guided upsampling, Lab -> sRGB). Inputs are gray photos (a real
B&W photo from ../shared/data scaled up, with grain, else a synthetic one):
JPEG for 8 bit, zlib TIFF for 16 bit; outputs are written the same way.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SHARED_PHOTO = REPO.parent / "shared" / "data" / "historic" / "bopold_b.jpg"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _resolve_model(explicit: str | None, workdir: Path) -> tuple[Path, str]:
    """The model to time and a word on where it came from."""
    from colorizer_gui.core.errors import ModelError
    from colorizer_gui.core.session import find_model

    try:
        return find_model(Path(explicit) if explicit else None), "--model" if explicit else "find_model()"
    except ModelError as exc:
        if explicit:
            raise SystemExit(f"error: {exc}") from exc
    from tests.support.tiny_models import make_tiny_model

    tiny = make_tiny_model(workdir / "tiny.onnx", working_size=384)
    return tiny, "no model found: built a tiny test model"


def _make_input(megapixels: float, bits: int, folder: Path) -> Path:
    """A gray photo of about ``megapixels`` at 4:3, written the way scans arrive."""
    import cv2
    import tifffile

    width = round(math.sqrt(megapixels * 1e6 * 4 / 3))
    height = round(width * 3 / 4)
    source = cv2.imread(str(SHARED_PHOTO), cv2.IMREAD_GRAYSCALE) if SHARED_PHOTO.is_file() else None
    if source is None:
        yy, xx = np.mgrid[0:256, 0:256]
        source = ((np.sin(xx / 9.0) * np.cos(yy / 13.0) + 1) * 110 + 10).astype(np.uint8)
    base = cv2.resize(source, (width, height), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(0)
    if bits == 8:
        grain = rng.integers(-6, 7, size=(1, width), dtype=np.int16)
        pixels = np.clip(base.astype(np.int16) + grain, 0, 255).astype(np.uint8)
        path = folder / f"input_{megapixels}mp_8.jpg"
        cv2.imwrite(str(path), pixels, [cv2.IMWRITE_JPEG_QUALITY, 92])
    else:
        pixels16 = base.astype(np.uint16) * np.uint16(257)
        pixels16 += rng.integers(0, 257, size=(1, width), dtype=np.uint16)
        path = folder / f"input_{megapixels}mp_16.tif"
        tifffile.imwrite(path, pixels16, compression="zlib")
    return path


def _read(path: Path) -> np.ndarray:
    try:
        from colorizer_gui.core.imageio import read_image
    except ImportError:
        import cv2

        return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    return read_image(path).pixels


def _write(path: Path, rgb: np.ndarray) -> None:
    try:
        from colorizer_gui.core.imageio import write_image
    except ImportError:
        import tifffile

        tifffile.imwrite(path.with_suffix(".tif"), rgb, compression="zlib")
        return
    write_image(path, rgb)


def run_case(model: Path, source: Path, provider: str, working_size: int | None) -> dict[str, Any]:
    """Time one photo through read -> predict -> apply -> write (runs in the child)."""
    from colorizer_gui.core.pipeline import ColorizeOptions, apply_chroma, predict_chroma
    from colorizer_gui.core.session import ColorizerSession

    options = ColorizeOptions(working_size=working_size)

    start = time.perf_counter()
    session = ColorizerSession(model, provider=provider)
    load_s = time.perf_counter() - start
    base_rss = _peak_rss_mb()

    t0 = time.perf_counter()
    pixels = _read(source)
    t1 = time.perf_counter()
    rss_read = _peak_rss_mb()
    chroma = predict_chroma(session, pixels, options=options)
    t2 = time.perf_counter()
    inference_s = session.last_inference_s
    rss_predict = _peak_rss_mb()
    rgb = apply_chroma(pixels, chroma, options=options)
    t3 = time.perf_counter()
    rss_apply = _peak_rss_mb()
    out = source.with_name(source.stem + "_colorized" + source.suffix)
    _write(out, rgb)
    t4 = time.perf_counter()
    out.unlink(missing_ok=True)
    return {
        "megapixels": pixels.shape[0] * pixels.shape[1] / 1e6,
        "shape": list(pixels.shape),
        "dtype": str(pixels.dtype),
        "provider": session.active_provider,
        "load_s": load_s,
        "read_s": t1 - t0,
        "write_s": t4 - t3,
        "inference_s": inference_s,
        "colour_s": (t2 - t1 - inference_s) + (t3 - t2),
        "total_s": t4 - t0,
        "rss_mb": {
            "after_load": base_rss,
            "after_read": rss_read,
            "after_predict": rss_predict,
            "after_apply": rss_apply,
            "peak": _peak_rss_mb(),
        },
    }


def _child(argv: list[str]) -> None:
    model, source, provider, working_size = argv
    size = int(working_size) or None
    print("RESULT " + json.dumps(run_case(Path(model), Path(source), provider, size)), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="ONNX model (default: find_model(), else a tiny test model)")
    parser.add_argument("--sizes", default="0.3,1,12,100", help="megapixels, comma separated")
    parser.add_argument("--depths", default="8,16", help="bit depths, comma separated")
    parser.add_argument("--provider", default="cpu")
    parser.add_argument("--working-size", type=int, default=0, help="override the model's (0: keep it)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    results = []
    with tempfile.TemporaryDirectory(prefix="colorizer-bench-") as tmp:
        workdir = Path(tmp)
        model, origin = _resolve_model(args.model, workdir)
        from colorizer_gui.core.session import ColorizerSession

        info = ColorizerSession(model, provider=args.provider).info
        used = args.working_size or info.working_size
        print(f"model: {model} ({origin}); version {info.version}, working size {used}")
        print(f"  {info.description}")
        if info.version.startswith("tiny"):
            print("  note: a tiny test model, so inference time is not representative of the real generator")
        print(f"cpu cores: {os.cpu_count()}, provider: {args.provider}")
        columns = ("MP", 6), ("bits", 4), ("total s", 8), ("infer s", 8), ("I/O s", 7), ("colour s", 8)
        print(" ".join(f"{name:>{width}}" for name, width in columns), "peak RSS MB")
        for size in (float(s) for s in args.sizes.split(",")):
            for bits in (int(d) for d in args.depths.split(",")):
                # Made in its own process: a child inherits its parent's peak RSS on Linux,
                # so the parent must stay small for each case's getrusage figure to be its own.
                made = subprocess.run(
                    [sys.executable, __file__, "--_make", str(size), str(bits), str(workdir)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                source = Path(made.stdout.strip().splitlines()[-1])
                proc = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--_case",
                        str(model),
                        str(source),
                        args.provider,
                        str(args.working_size),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                source.unlink(missing_ok=True)
                lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
                if proc.returncode != 0 or not lines:
                    print(f"{size:>6} {bits:>4} failed:\n{proc.stderr[-2000:]}")
                    continue
                result = json.loads(lines[-1][len("RESULT ") :]) | {"bits": bits}
                results.append(result)
                io_s = result["read_s"] + result["write_s"]
                print(
                    f"{result['megapixels']:>6.1f} {bits:>4} {result['total_s']:>8.2f} "
                    f"{result['inference_s']:>8.3f} {io_s:>7.2f} {result['colour_s']:>8.2f} "
                    f"{result['rss_mb']['peak']:>11.0f}",
                    flush=True,
                )
    if args.json:
        args.json.write_text(
            json.dumps({"model": str(model), "origin": origin, "results": results}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_case":
        _child(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--_make":
        print(_make_input(float(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])))
    else:
        sys.exit(main())
