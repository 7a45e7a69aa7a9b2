"""Fill the git-ignored ``gpu_carry/`` folder with one chunk of the training photos for a GPU call.

A device call carries at most 64 MiB, and the tracked tree (model, resume file)
travels with every call, so the ~164 MiB training set goes over in chunks that
``scripts/gpu_round.sh stage`` unpacks on the warm machine. The small
architecture wheel goes along in every chunk (22 kB); the 18 MB ImageNet weights
wheel is not needed, since training resumes from ``models/resume``.

    python scripts/prepare_gpu_carry.py --count          # how many chunks
    python scripts/prepare_gpu_carry.py --chunk 0        # fill gpu_carry/ with chunk 0
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CARRY = REPO / "gpu_carry"
LIMIT_MIB = 64
WHEEL = "efficientnet-lite-pytorch==0.1.0"


def tracked_bytes() -> int:
    """What travels with every call anyway: the tracked files of the checkout."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
    return sum((REPO / n).stat().st_size for n in names.decode().split("\0") if n and (REPO / n).is_file())


def chunks(data: Path, budget: int) -> list[list[Path]]:
    """Training photos (sorted like ``training.data.list_training_files``) in runs of at most ``budget`` bytes."""
    files = sorted(f for d in sorted((data / "train").glob("shard*")) for f in d.glob("*.webp"))
    out: list[list[Path]] = [[]]
    size = 0
    for f in files:
        n = f.stat().st_size
        if out[-1] and size + n > budget:
            out.append([])
            size = 0
        out[-1].append(f)
        size += n
    return out


def fetch_wheel(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if any(target.glob("efficientnet_lite_pytorch-*.whl")):
        return
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", str(target), WHEEL]
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--chunk", type=int, default=None)
    ap.add_argument("--count", action="store_true", help="print the number of chunks and exit")
    ap.add_argument("--margin-mib", type=float, default=4.0, help="room left for files that change meanwhile")
    args = ap.parse_args(argv)
    budget = int((LIMIT_MIB - args.margin_mib) * 2**20) - tracked_bytes()
    if budget < 4 * 2**20:
        print(f"only {budget / 2**20:.1f} MiB left per call beside the tracked files", file=sys.stderr)
        return 2
    parts = chunks(args.data, budget)
    if args.count or args.chunk is None:
        print(len(parts))
        return 0
    if not 0 <= args.chunk < len(parts):
        print(f"chunk must be 0..{len(parts) - 1}", file=sys.stderr)
        return 2
    shutil.rmtree(CARRY / "train", ignore_errors=True)
    for f in parts[args.chunk]:
        dest = CARRY / "train" / f.parent.name / f.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dest)
    fetch_wheel(CARRY / "wheels")
    size = sum(p.stat().st_size for p in CARRY.rglob("*") if p.is_file())
    print(f"chunk {args.chunk + 1}/{len(parts)}: {len(parts[args.chunk])} photos, gpu_carry/ {size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
