"""Torch mirror of ``colorizer_gui.core.color``: same constants, same formulas, batched NCHW.

Kept equal to the engine's numpy version by ``tests/training/test_lab_equal.py``.
"""

from __future__ import annotations

import torch

from colorizer_gui.core import color


def _matrix(values: object, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(values, dtype=like.dtype, device=like.device)


def srgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """sRGB in 0..1, ``[N, 3, H, W]`` -> Lab ``[N, 3, H, W]`` (L 0..100)."""
    linear = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055).clamp_min(0) ** 2.4)
    m = _matrix(color.RGB_TO_XYZ / color.D65_WHITE[:, None], rgb)
    xyz = torch.einsum("ij,njhw->nihw", m, linear)
    f = torch.where(
        xyz > color.LAB_EPSILON,
        xyz.clamp_min(1e-12) ** (1.0 / 3.0),
        (color.LAB_KAPPA * xyz + 16.0) / 116.0,
    )
    lightness = 116.0 * f[:, 1:2] - 16.0
    a = 500.0 * (f[:, 0:1] - f[:, 1:2])
    b = 200.0 * (f[:, 1:2] - f[:, 2:3])
    return torch.cat([lightness, a, b], dim=1)


def lab_to_srgb(lab: torch.Tensor) -> torch.Tensor:
    """Lab ``[N, 3, H, W]`` -> sRGB in 0..1 (clipped)."""
    fy = (lab[:, 0:1] + 16.0) / 116.0
    fx = fy + lab[:, 1:2] / 500.0
    fz = fy - lab[:, 2:3] / 200.0
    f = torch.cat([fx, fy, fz], dim=1)
    xyz = torch.where(f**3 > color.LAB_EPSILON, f**3, (116.0 * f - 16.0) / color.LAB_KAPPA)
    white = _matrix(color.D65_WHITE, lab).view(1, 3, 1, 1)
    linear = torch.einsum("ij,njhw->nihw", _matrix(color.XYZ_TO_RGB, lab), xyz * white).clamp(0, 1)
    return torch.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear.clamp_min(1e-12) ** (1.0 / 2.4) - 0.055)
