"""Export the generator to ONNX (opset 17, dynamic H/W) with the contract's metadata, checked against torch.

``python -m training.export`` (weights: ``models/resume/colorizer_resume_fp16.pt``, out: ``models/colorizer.onnx``)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

from colorizer_gui.core import contract

from .model import Generator, cast_weights
from .onnx_meta import set_metadata

REPO = Path(__file__).resolve().parent.parent
#: Long side at which the network sees a photo. Training shows it 128-256 px crops of 256 px photos
#: at 128 px, so a whole photo looks like training at about 128-256 px and unlike it at 384.
#: Measured on training photos (shard02, every 25th, run 3): automatic 24.12 dB at 256, 24.83 at 160.
INFERENCE_SIZE = 160
DATA_SUMMARY = (
    "11,469 256x256 colour photos from ../shared/data/train (ImageNet sample, Imagenette, Caltech-101, "
    "face crops, CamVid, cats/dogs; research-only terms, see models/MODEL_CARD.md)"
)


def load_generator(weights: Path) -> Generator:
    g = Generator(pretrained=False)
    state = torch.load(weights, map_location="cpu")
    if "g" in state:  # a training checkpoint: its weight average where it keeps one
        state = state.get("g_ema") or state["g"]
    g.load_state_dict(cast_weights(state, torch.float32))
    return g.eval()


def export(g: Generator, out: Path, *, version: str, working_size: int, inference_size: int = INFERENCE_SIZE) -> float:
    """Write ``out`` and return the max abs difference between torch and onnxruntime outputs."""
    out.parent.mkdir(parents=True, exist_ok=True)
    sample = torch.zeros(1, contract.INPUT_CHANNELS, 96, 128)
    sample[:, 0] = torch.linspace(-1, 1, 128)
    tmp = out.with_suffix(".tmp.onnx")
    torch.onnx.export(
        g,
        (sample,),
        str(tmp),
        input_names=[contract.INPUT_NAME],
        output_names=[contract.OUTPUT_NAME],
        dynamic_axes={
            contract.INPUT_NAME: {0: "N", 2: "H", 3: "W"},
            contract.OUTPUT_NAME: {0: "N", 2: "H", 3: "W"},
        },
        opset_version=17,
        dynamo=False,
    )
    model = onnx.load(str(tmp))
    meta = {
        contract.META_KEYS["contract"]: contract.CONTRACT_VERSION,
        contract.META_KEYS["version"]: version,
        contract.META_KEYS["working_size"]: str(working_size),
        contract.META_KEYS["inference_size"]: str(inference_size),
        contract.META_KEYS["stride"]: str(contract.STRIDE),
        contract.META_KEYS["data"]: DATA_SUMMARY,
        contract.META_KEYS[
            "description"
        ]: "U-Net over EfficientNet-Lite0, Lab, L + ab hints + mask -> ab (pix2pix GAN)",
    }
    set_metadata(model, meta, keep_others=False)
    onnx.checker.check_model(model)
    onnx.save(model, str(out))
    tmp.unlink()
    return check_against_torch(g, out)


def retag(path: Path, *, version: str, inference_size: int) -> None:
    """Give an exported model a new version and inference size, weights untouched (written atomically)."""
    model = onnx.load(str(path))
    set_metadata(
        model,
        {contract.META_KEYS["version"]: version, contract.META_KEYS["inference_size"]: str(inference_size)},
    )
    onnx.checker.check_model(model)
    tmp = path.with_suffix(".tmp.onnx")
    onnx.save(model, str(tmp))
    tmp.replace(path)


def check_against_torch(g: Generator, path: Path) -> float:
    """Max abs difference over random inputs at two sizes (with and without hints)."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    for h, w in ((64, 96), (160, 128)):
        x = np.zeros((1, 4, h, w), dtype=np.float32)
        x[0, 0] = rng.uniform(-1, 1, (h, w))
        mask = rng.random((h, w)) < 0.02
        x[0, 3] = mask
        x[0, 1:3] = rng.uniform(-0.5, 0.5, (2, h, w)) * mask
        with torch.no_grad():
            ref = g(torch.from_numpy(x)).numpy()
        got = sess.run([contract.OUTPUT_NAME], {contract.INPUT_NAME: x})[0]
        worst = max(worst, float(np.abs(ref - got).max()))
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--weights", type=Path, default=REPO / "models" / "resume" / "colorizer_resume_fp16.pt")
    ap.add_argument("--out", type=Path, default=REPO / "models" / "colorizer.onnx")
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--working-size", type=int, default=contract.DEFAULT_WORKING_SIZE)
    ap.add_argument("--inference-size", type=int, default=INFERENCE_SIZE)
    ap.add_argument("--retag", action="store_true", help="only set --version and --inference-size on --out")
    args = ap.parse_args(argv)
    if args.retag:
        retag(args.out, version=args.version, inference_size=args.inference_size)
        print(json.dumps({"onnx": str(args.out), "version": args.version, "inference_size": args.inference_size}))
        return 0
    g = load_generator(args.weights)
    diff = export(g, args.out, version=args.version, working_size=args.working_size, inference_size=args.inference_size)
    size_mb = args.out.stat().st_size / 1e6
    print(json.dumps({"onnx": str(args.out), "size_mb": round(size_mb, 2), "max_abs_diff_vs_torch": diff}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
