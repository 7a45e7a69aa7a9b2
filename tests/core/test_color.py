"""The shared Lab definition against an independent reference (skimage)."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import color as skcolor

from colorizer_gui.core import color


@pytest.fixture(scope="module")
def samples() -> np.ndarray:
    rng = np.random.default_rng(7)
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 9)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    return np.concatenate([grid, rng.random((5000, 3))]).astype(np.float32)


def delta_e76(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sqrt(((a - b) ** 2).sum(axis=-1))


def test_srgb_to_lab_matches_skimage(samples: np.ndarray) -> None:
    ours = color.srgb_to_lab(samples)
    ref = skcolor.rgb2lab(samples.astype(np.float64))
    assert delta_e76(ours, ref).max() < 0.5


def test_lab_to_srgb_matches_skimage(samples: np.ndarray) -> None:
    lab = skcolor.rgb2lab(samples.astype(np.float64))
    ours = color.lab_to_srgb(lab.astype(np.float32))
    back = skcolor.rgb2lab(ours.astype(np.float64))
    assert delta_e76(back, lab).max() < 0.5


def test_lightness_is_luminance_not_a_channel(samples: np.ndarray) -> None:
    assert np.allclose(color.srgb_to_lab_l(samples), color.srgb_to_lab(samples)[..., 0], atol=1e-3)
    sepia = np.array([[0.44, 0.26, 0.08]], dtype=np.float32)
    expected = skcolor.rgb2lab(sepia.astype(np.float64))[0, 0]
    assert color.srgb_to_lab_l(sepia)[0] == pytest.approx(expected, abs=0.05)


def test_gray_round_trip_is_exact_at_8_and_16_bit() -> None:
    for bits, dtype in ((8, np.uint8), (16, np.uint16)):
        top = 255 if bits == 8 else 65535
        values = np.arange(0, top + 1, 1 if bits == 8 else 7, dtype=dtype)
        lightness = color.gray_to_lab_l(color.to_unit_float(values))
        back = color.from_unit_float(color.lab_l_to_gray(lightness), bits)
        assert np.abs(back.astype(np.int64) - values.astype(np.int64)).max() <= (0 if bits == 8 else 2)


def test_the_8_bit_table_path_matches_the_exact_conversion(samples: np.ndarray) -> None:
    """Full-resolution outputs go through ``lab_to_srgb_int``; it must give the exact path's pixels."""
    lab = color.srgb_to_lab(samples).astype(np.float32)  # in gamut
    exact = color.from_unit_float(color.lab_to_srgb(lab), 8).astype(int)
    fast = color.lab_to_srgb_int(lab[:, 0], lab[:, 1], lab[:, 2], 8).astype(int)
    truth = np.clip(np.round(skcolor.lab2rgb(lab.astype(np.float64)) * 255), 0, 255).astype(int)
    # float32 maths puts values near a rounding boundary one level off, on either path and about as often.
    assert np.abs(fast - truth).max() <= 1 and np.abs(fast - exact).max() <= 1
    assert (fast != truth).mean() < (exact != truth).mean() + 0.002
    # Out of gamut both clip the same way.
    rng = np.random.default_rng(3)
    wild = np.stack([rng.uniform(0, 100, 20000), rng.uniform(-90, 90, 20000), rng.uniform(-90, 90, 20000)], -1)
    wild = wild.astype(np.float32)
    exact = color.from_unit_float(color.lab_to_srgb(wild), 8).astype(int)
    fast = color.lab_to_srgb_int(wild[:, 0], wild[:, 1], wild[:, 2], 8).astype(int)
    assert np.abs(fast - exact).max() <= 1 and (fast != exact).mean() < 0.002
    # Zero chroma stays exactly the gray it came from, at every level.
    levels = np.arange(256, dtype=np.uint8)
    lightness = color.gray_to_lab_l(color.to_unit_float(levels))
    zero = np.zeros_like(lightness)
    gray = color.lab_to_srgb_int(lightness, zero, zero, 8)
    np.testing.assert_array_equal(gray, np.repeat(levels[:, None], 3, axis=1))


def test_the_16_bit_table_path_matches_the_exact_conversion(samples: np.ndarray) -> None:
    lab = color.srgb_to_lab(samples).astype(np.float32)
    exact = color.from_unit_float(color.lab_to_srgb(lab), 16).astype(int)
    fast = color.lab_to_srgb_int(lab[:, 0], lab[:, 1], lab[:, 2], 16).astype(int)
    assert np.abs(fast - exact).max() <= 2  # of 65535
    levels = np.arange(0, 65536, 7, dtype=np.uint16)
    lightness = color.gray_to_lab_l(color.to_unit_float(levels))
    zero = np.zeros_like(lightness)
    gray = color.lab_to_srgb_int(lightness, zero, zero, 16).astype(int)
    assert np.abs(gray - levels[:, None].astype(int)).max() <= 2  # as the exact path's gray round trip
    assert (gray == gray[:, :1]).all()  # zero chroma stays neutral
