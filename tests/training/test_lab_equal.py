"""Training's torch Lab conversion must equal the app's numpy one (one definition, two backends)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the train extra (torch) is not installed")

from colorizer_gui.core import color  # noqa: E402
from training import lab  # noqa: E402


def test_srgb_to_lab_equal() -> None:
    rng = np.random.default_rng(3)
    rgb = rng.random((2, 3, 17, 19)).astype(np.float32)
    ours = lab.srgb_to_lab(torch.from_numpy(rgb)).numpy()
    app = color.srgb_to_lab(np.moveaxis(rgb, 1, -1))
    assert np.abs(np.moveaxis(ours, 1, -1) - app).max() < 1e-3


def test_lab_to_srgb_equal() -> None:
    rng = np.random.default_rng(4)
    rgb = rng.random((1, 3, 8, 8)).astype(np.float32)
    lab_np = color.srgb_to_lab(np.moveaxis(rgb, 1, -1))
    ours = lab.lab_to_srgb(torch.from_numpy(np.moveaxis(lab_np, -1, 1).copy())).numpy()
    assert np.abs(np.moveaxis(ours, 1, -1) - color.lab_to_srgb(lab_np)).max() < 1e-4
    assert np.abs(ours - rgb).max() < 1e-3
