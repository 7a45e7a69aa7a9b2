"""Try the smaller number formats on the CPU: fp16 weights and int8 dynamic quantization, against fp32.

``python -m training.variants --model models/colorizer.onnx`` writes ``models/colorizer.variants.json``:
file size, CPU latency at the model's inference size and automatic PSNR on every 4th val photo through the
app's engine, for each format. A variant ships only where it is faster and its PSNR holds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

from colorizer_gui.core import contract
from colorizer_gui.core.pipeline import ColorizeOptions, apply_chroma, predict_chroma
from colorizer_gui.core.session import ColorizerSession

from .evaluate import DEFAULT_DATA, EVAL_SIDE, gray_of, load_val_crop, psnr
from .onnx_meta import metadata, set_metadata

REPO = Path(__file__).resolve().parent.parent


def _copy_metadata(source: onnx.ModelProto, path: Path) -> None:
    """Converters drop or keep metadata unevenly; the engine needs the contract keys."""
    model = onnx.load(str(path))
    set_metadata(model, metadata(source), keep_others=False)
    onnx.save(model, str(path))


def make_fp16(source: Path, out: Path) -> Path:
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = onnx.load(str(source))
    onnx.save(convert_float_to_float16(model, keep_io_types=True), str(out))
    _copy_metadata(model, out)
    return out


def make_int8(source: Path, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(out), weight_type=QuantType.QUInt8)
    _copy_metadata(onnx.load(str(source)), out)
    return out


def latency_ms(path: Path, *, size: int | None = None, runs: int = 10) -> float:
    """Median time of one model run on a size x size input (default: the model's inference size)."""
    session = ColorizerSession(path, provider="cpu")
    size = size or session.info.inference_size
    x = contract.encode_input(np.linspace(0, 100, size * size, dtype=np.float32).reshape(size, size))
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        session.predict_ab(x)
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def automatic_psnr(path: Path, val_dir: Path, *, every: int = 4) -> float:
    session = ColorizerSession(path, provider="cpu")
    options = ColorizeOptions(working_size=EVAL_SIDE)
    scores = []
    for f in sorted(val_dir.glob("*.jpg"))[::every]:
        gt = load_val_crop(f)
        gray = gray_of(gt)
        scores.append(psnr(apply_chroma(gray, predict_chroma(session, gray, options=options), options=options), gt))
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=REPO / "models" / "colorizer.onnx")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=None, help="JSON (default: colorizer.variants.json beside the model)")
    ap.add_argument("--every", type=int, default=4, help="use every n-th val photo")
    args = ap.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {
            "fp32": args.model,
            "fp16": make_fp16(args.model, Path(tmp) / "fp16.onnx"),
            "int8": make_int8(args.model, Path(tmp) / "int8.onnx"),
        }
        for name, path in paths.items():
            results[name] = {
                "size_mb": round(path.stat().st_size / 1e6, 2),
                "latency_ms": round(latency_ms(path), 1),
                "automatic_psnr": round(automatic_psnr(path, args.data / "val", every=args.every), 3),
            }
            print(name, json.dumps(results[name]), flush=True)
    out = args.out or args.model.with_name("colorizer.variants.json")
    size = ColorizerSession(args.model, provider="cpu").info.inference_size
    report = {"inference_size": size, "val_every": args.every, "variants": results}
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
