"""Simulated user hints, as in Zhang et al. 2017, plus short brush strokes for the GUI's brush.

A sample gets no hints with probability ``p_none`` (automatic mode); otherwise a
geometric number of square patches (1x1 to 9x9) whose colour is the ground
truth's mean ab over the patch, and sometimes a short stroke.
"""

from __future__ import annotations

import numpy as np
import torch


def simulate_hints(
    ab: torch.Tensor,
    rng: np.random.Generator,
    *,
    p_none: float = 0.3,
    p_geometric: float = 0.125,
    max_points: int = 100,
    p_stroke: float = 0.2,
) -> torch.Tensor:
    """Ground-truth ab ``[N, 2, H, W]`` (contract units, -1..1) -> hints ``[N, 3, H, W]`` (a, b, mask)."""
    n, _, h, w = ab.shape
    hints = torch.zeros((n, 3, h, w), dtype=ab.dtype, device=ab.device)
    for i in range(n):
        if rng.random() < p_none:
            continue
        count = min(int(rng.geometric(p_geometric)), max_points)
        for _ in range(count):
            size = int(rng.integers(1, 10))
            # Zhang et al. draw positions from a Gaussian around the centre; users click on objects.
            cy = int(np.clip(rng.normal(h / 2, h / 4), 0, h - size))
            cx = int(np.clip(rng.normal(w / 2, w / 4), 0, w - size))
            patch = ab[i, :, cy : cy + size, cx : cx + size]
            hints[i, 0:2, cy : cy + size, cx : cx + size] = patch.mean(dim=(1, 2), keepdim=True)
            hints[i, 2, cy : cy + size, cx : cx + size] = 1.0
        if rng.random() < p_stroke:
            _add_stroke(hints[i], ab[i], rng)
    return hints


def _add_stroke(hints: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> None:
    """A short straight stroke of a few pixels' width, coloured with the ground truth's mean ab."""
    _, h, w = ab.shape
    width = int(rng.integers(1, 5))
    length = int(rng.integers(4, max(5, h // 6)))
    y0, x0 = int(rng.integers(0, h)), int(rng.integers(0, w))
    angle = rng.uniform(0, np.pi)
    ts = np.linspace(0, 1, length)
    ys = np.clip((y0 + ts * length * np.sin(angle)).astype(int), 0, h - 1)
    xs = np.clip((x0 + ts * length * np.cos(angle)).astype(int), 0, w - 1)
    mask = torch.zeros((h, w), dtype=torch.bool, device=ab.device)
    for y, x in zip(ys, xs, strict=True):
        mask[max(0, y - width // 2) : y + width // 2 + 1, max(0, x - width // 2) : x + width // 2 + 1] = True
    mean_ab = ab[:, mask].mean(dim=1)
    hints[0:2, mask] = mean_ab[:, None]
    hints[2, mask] = 1.0
