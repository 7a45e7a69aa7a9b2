"""Training photos from ``../shared/data/train``: decoded once, held in memory, sampled with augmentation.

Decoding ~11k WebP files takes a while on two cores, so the decoded uint8 stack
is cached as one ``.npy`` in a git-ignored folder and memory-mapped next time.
"""

from __future__ import annotations

import csv
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from colorizer_gui.core import contract

from .lab import srgb_to_lab

SIDE = 256


def list_training_files(data_root: Path, shards: list[str] | None = None) -> list[Path]:
    """All WebP photos under ``train/shard*`` (or the named shards), sorted for reproducibility."""
    train = data_root / "train"
    dirs = sorted(p for p in train.glob("shard*") if p.is_dir() and (shards is None or p.name in shards))
    files = sorted(f for d in dirs for f in d.glob("*.webp"))
    if not files:
        raise FileNotFoundError(f"no training photos under {train}")
    return files


def split_held_out(files: list[Path], per_mille: int) -> tuple[list[Path], list[Path]]:
    """(training, held out): about ``per_mille`` in 1,000 photos kept out of training for choosing checkpoints.

    The pick hashes each file name, so a photo stays on its side when shards are added or removed.
    """
    if per_mille <= 0:
        return files, []
    held = {f for f in files if int(hashlib.sha1(f.name.encode()).hexdigest()[:8], 16) % 1000 < per_mille}
    return [f for f in files if f not in held], [f for f in files if f in held]


def sampling_weights(files: list[Path], data_root: Path, emphasis: dict[str, float] | None) -> np.ndarray | None:
    """Probability of drawing each photo: 1 each, times ``emphasis[key]`` where its source path holds ``key``.

    The keys match the manifest's ``source_path`` (an ImageNet class id, a Caltech folder) or the file
    name (a source prefix such as ``camvid``), so a run can show more of what val says it lacks.
    """
    if not emphasis:
        return None
    manifest = data_root / "manifest.csv"
    sources: dict[str, str] = {}
    if manifest.exists():
        with manifest.open(encoding="utf-8", newline="") as fh:
            sources = {Path(row["file"]).name: row["source_path"] for row in csv.DictReader(fh)}
    weights = np.ones(len(files), dtype=np.float64)
    for i, f in enumerate(files):
        for key, factor in emphasis.items():
            if key in f.name or key in sources.get(f.name, ""):
                weights[i] *= factor
    return weights / weights.sum()


def _draw(rng: np.random.Generator, count: int, batch: int, p: np.ndarray | None) -> np.ndarray:
    """Photo indices of a batch: uniform (the historical draw, so old runs resume exactly) or weighted."""
    return rng.integers(0, count, size=batch) if p is None else rng.choice(count, size=batch, p=p)


def load_images(files: list[Path], cache_dir: Path | None, *, limit: int | None = None) -> np.ndarray:
    """Decode (or load from cache) ``[N, 256, 256, 3]`` uint8 RGB."""
    files = files[:limit] if limit else files
    key = hashlib.sha1("\n".join(str(f) for f in files).encode()).hexdigest()[:12]
    cache = cache_dir / f"train-{len(files)}-{key}.npy" if cache_dir else None
    if cache is not None and cache.exists():
        return np.load(cache, mmap_mode="r")
    stack = np.empty((len(files), SIDE, SIDE, 3), dtype=np.uint8)

    def decode(i: int) -> None:
        bgr = cv2.imdecode(np.fromfile(files[i], dtype=np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"cannot decode training photo {files[i]}")
        if bgr.shape[:2] != (SIDE, SIDE):
            bgr = cv2.resize(bgr, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        stack[i] = bgr[..., ::-1]

    # OpenCV releases the GIL while decoding, so threads use every core (a GPU machine has 16).
    with ThreadPoolExecutor(max_workers=min(16, os.cpu_count() or 1)) as pool:
        list(pool.map(decode, range(len(files))))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, stack)
        tmp.replace(cache)
    return stack


def sample_batch(
    images: np.ndarray,
    batch: int,
    size: int,
    rng: np.random.Generator,
    *,
    crop_min: float = 0.5,
    p: np.ndarray | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random-resized-crop + flip -> (L in contract units ``[N,1,s,s]``, ab in contract units ``[N,2,s,s]``).

    ``p`` (``sampling_weights``) draws some photos more often than others.
    """
    out = np.empty((batch, size, size, 3), dtype=np.uint8)
    for i, idx in enumerate(_draw(rng, len(images), batch, p)):
        crop, y, x = _crop_box(rng, crop_min)
        patch = np.ascontiguousarray(images[idx, y : y + crop, x : x + crop])
        patch = cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)
        out[i] = patch[:, ::-1] if rng.random() < 0.5 else patch
    return _contract_units(torch.from_numpy(out).permute(0, 3, 1, 2).float() / 255.0)


def _crop_box(rng: np.random.Generator, crop_min: float = 0.5) -> tuple[int, int, int]:
    """(side, y, x) of a random square crop; both samplers draw it, so they crop alike from one seed.

    Crops run from ``crop_min`` of the side to all of it. The default (half) shows objects at 0.5x
    to 1x the scale of a 256 px photo; near 1 the samples look like the whole photos the app shows.
    """
    crop = int(rng.integers(round(SIDE * crop_min), SIDE + 1))
    y, x = (int(v) for v in rng.integers(0, SIDE - crop + 1, size=2))
    return crop, y, x


def _contract_units(rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """sRGB 0..1 ``[N,3,s,s]`` -> (L, ab) as the model sees and predicts them (``core.contract``)."""
    lab = srgb_to_lab(rgb)
    return lab[:, :1] / 50.0 - 1.0, lab[:, 1:] / contract.AB_SCALE


class DeviceSampler:
    """``sample_batch`` done by torch where the photos live: on a GPU all photos sit in its memory.

    At ~1,000 images/s a CPU-side crop-and-resize would starve the GPU; here each
    crop is an antialiased bilinear resize on the device, and Lab is computed there.
    """

    def __init__(self, images: np.ndarray, device: torch.device) -> None:
        self.images = torch.from_numpy(np.ascontiguousarray(images)).to(device)
        self.device = device

    def __call__(
        self,
        batch: int,
        size: int,
        rng: np.random.Generator,
        *,
        crop_min: float = 0.5,
        p: np.ndarray | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        out = torch.empty((batch, 3, size, size), dtype=torch.float32, device=self.device)
        for i, idx in enumerate(_draw(rng, len(self.images), batch, p)):
            crop, y, x = _crop_box(rng, crop_min)
            patch = self.images[idx, y : y + crop, x : x + crop].permute(2, 0, 1)[None].float()
            patch = F.interpolate(patch, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
            out[i] = patch[0].flip(-1) if rng.random() < 0.5 else patch[0]
        return _contract_units((out / 255.0).clamp(0, 1))


def ab_histogram(images: np.ndarray, rng: np.random.Generator, *, samples: int = 400, bins: int = 22) -> np.ndarray:
    """Empirical distribution of ab over a sample of photos (contract units, ``bins x bins``)."""
    idx = rng.choice(len(images), size=min(samples, len(images)), replace=False)
    rgb = torch.from_numpy(np.stack([cv2.resize(images[i], (64, 64), interpolation=cv2.INTER_AREA) for i in idx]))
    ab = srgb_to_lab(rgb.permute(0, 3, 1, 2).float() / 255.0)[:, 1:] / contract.AB_SCALE
    a, b = ab[:, 0].flatten().numpy(), ab[:, 1].flatten().numpy()
    hist, _, _ = np.histogram2d(a, b, bins=bins, range=[[-1, 1], [-1, 1]])
    return (hist / hist.sum()).astype(np.float32)
