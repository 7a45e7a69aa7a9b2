"""The numpy resamplers agree with the OpenCV calls they replaced (OpenCV stays a test dependency)."""

from __future__ import annotations

import tracemalloc

import cv2
import numpy as np
import pytest

from colorizer_gui.core.resample import box_filter, linear_taps, resize_area, resize_cubic


def _noise(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    top = 255 if dtype is np.uint8 else 65535
    return (np.random.default_rng(3).random(shape) * top).astype(dtype)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("shape", [(301, 457), (211, 317, 3)])
@pytest.mark.parametrize("size", [(96, 128), (50, 37), (300, 456), (1, 1)])
def test_area_matches_inter_area_within_rounding(shape: tuple[int, ...], dtype: type, size: tuple[int, int]) -> None:
    pixels = _noise(shape, dtype)
    if size[0] > shape[0]:
        size = (shape[0] - 1, size[1])
    ours = resize_area(pixels, size)
    ref = cv2.resize(pixels, (size[1], size[0]), interpolation=cv2.INTER_AREA)
    assert ours.dtype == pixels.dtype and ours.shape == ref.shape
    assert np.abs(ours.astype(np.int64) - ref).max() <= 1


def test_area_with_an_integer_factor_is_the_block_mean() -> None:
    pixels = _noise((60, 90), np.uint16)
    blocks = pixels.reshape(20, 3, 30, 3).astype(np.float64).mean(axis=(1, 3))
    np.testing.assert_array_equal(resize_area(pixels, (20, 30)), np.rint(blocks).astype(np.uint16))


def test_area_of_a_large_scan_holds_only_a_band_in_float() -> None:
    pixels = _noise((3000, 4000), np.uint16)
    tracemalloc.start()
    try:
        small = resize_area(pixels, (288, 384))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert small.shape == (288, 384)
    assert peak < pixels.size * 4 / 4  # well under a quarter of one full-size float32 plane


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("size", [(200, 300), (97, 413)])
def test_cubic_matches_inter_cubic_within_rounding(dtype: type, size: tuple[int, int]) -> None:
    pixels = _noise((61, 83, 3), dtype)
    ours = resize_cubic(pixels, size)
    ref = cv2.resize(pixels, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    assert ours.dtype == pixels.dtype
    assert np.abs(ours.astype(np.int64) - ref).max() <= 1


def test_linear_taps_match_inter_linear() -> None:
    small = np.random.default_rng(1).random((7, 23, 4)).astype(np.float32)
    left, right, t = linear_taps(23, 517)
    ours = small[:, left] * (1 - t[None, :, None]) + small[:, right] * t[None, :, None]
    ref = cv2.resize(small, (517, 7), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(ours, ref, atol=1e-5)


@pytest.mark.parametrize("radius", [0, 1, 6, 40])
def test_box_filter_matches_reflect_border_box_filter(radius: int) -> None:
    plane = np.random.default_rng(2).random((37, 53))
    ref = cv2.boxFilter(plane, -1, (2 * radius + 1, 2 * radius + 1), normalize=True, borderType=cv2.BORDER_REFLECT)
    np.testing.assert_allclose(box_filter(plane, radius), ref, atol=1e-10)


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        resize_area(np.zeros((4, 4), np.uint8), (0, 2))
    with pytest.raises(ValueError, match="2-D"):
        box_filter(np.zeros((4, 4, 2)), 1)
