"""Losses: class-rebalanced Huber on ab (fights grey/sepia washes), a colour-cast term, least-squares GAN."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import gaussian_filter


def rebalance_weights(hist: np.ndarray, *, mix: float = 0.5, sigma: float = 1.0) -> torch.Tensor:
    """Zhang et al. 2016 rebalancing: w ~ 1 / ((1 - mix) p_smooth + mix / Q), E_p[w] = 1."""
    smooth = gaussian_filter(hist.astype(np.float64), sigma)
    smooth /= smooth.sum()
    q = np.count_nonzero(hist > 0) or hist.size
    w = 1.0 / ((1.0 - mix) * smooth + mix / q)
    w /= (smooth * w).sum()
    return torch.from_numpy(w.astype(np.float32))


def rebalanced_huber(pred: torch.Tensor, target: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Huber on ab, each pixel weighted by how rare its true colour is."""
    bins = weights.shape[0]
    ia = ((target[:, 0] + 1) * 0.5 * bins).long().clamp(0, bins - 1)
    ib = ((target[:, 1] + 1) * 0.5 * bins).long().clamp(0, bins - 1)
    w = weights.to(pred.device)[ia, ib]
    per_pixel = F.smooth_l1_loss(pred, target, reduction="none", beta=0.05).sum(dim=1)
    return (w * per_pixel).mean()


def cast_l1(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L1 between each photo's mean predicted ab and its true mean ab: the photo's overall colour cast.

    Per-pixel losses let a model paint gray concrete a little gold everywhere at small cost per
    pixel; summed over a photo that cast is what costs PSNR, and this term prices it directly.
    """
    return (pred.mean(dim=(2, 3)) - target.mean(dim=(2, 3))).abs().sum(dim=1).mean()


def lsgan_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (((real - 1) ** 2).mean() + (fake**2).mean())


def lsgan_g(fake: torch.Tensor) -> torch.Tensor:
    return ((fake - 1) ** 2).mean()
