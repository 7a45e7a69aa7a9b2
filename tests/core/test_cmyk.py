"""CMYK scans are read through their own ICC profile (8 and 16 bit, TIFF and JPEG), else the ink formula."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image

from colorizer_gui.core import _cmyk
from colorizer_gui.core.imageio import read_image

from ..support.cmyk_profile import cmyk_profile

CYAN, MAGENTA, PAPER, BLACK = (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 0, 0), (0, 0, 0, 1)


def _patches(top: int) -> np.ndarray:
    """Four 8x8 ink patches side by side: cyan, magenta, paper white, black."""
    inks = np.zeros((8, 32, 4), dtype=np.uint8 if top == 255 else np.uint16)
    for i, ink in enumerate((CYAN, MAGENTA, PAPER, BLACK)):
        inks[:, i * 8 : (i + 1) * 8] = np.array(ink) * top
    return inks


def _write_tiff(path: Path, inks: np.ndarray, icc: bytes | None) -> Path:
    extratags = [(34675, "B", len(icc), icc, True)] if icc else []
    tifffile.imwrite(path, inks, photometric="separated", extratags=extratags)
    return path


def _patch_colours(pixels: np.ndarray) -> list[tuple[int, ...]]:
    top = np.iinfo(pixels.dtype).max
    return [tuple(int(v) for v in np.round(pixels[4, i * 8 + 4] / top * 255)) for i in range(4)]


@pytest.mark.parametrize("top", [255, 65535])
def test_a_cmyk_tiff_is_read_through_its_profile(tmp_path: Path, top: int) -> None:
    path = _write_tiff(tmp_path / "scan.tif", _patches(top), cmyk_profile())
    loaded = read_image(path)
    assert loaded.pixels.dtype == (np.uint8 if top == 255 else np.uint16)
    cyan_ink, magenta_ink, paper, black = _patch_colours(loaded.pixels)
    assert cyan_ink[0] > 230 and cyan_ink[1] < 25 and cyan_ink[2] > 230  # the profile says cyan prints magenta
    assert magenta_ink[0] < 80 and magenta_ink[1] > 230 and magenta_ink[2] > 230
    assert min(paper) > 250 and max(black) < 5
    assert loaded.metadata.icc_profile is None  # the pixels are sRGB now
    assert any("through its colour profile" in w for w in loaded.metadata.warnings)


def test_without_a_profile_the_ink_formula_is_used_and_said(tmp_path: Path) -> None:
    loaded = read_image(_write_tiff(tmp_path / "plain.tif", _patches(255), None))
    assert _patch_colours(loaded.pixels) == [(0, 255, 255), (255, 0, 255), (255, 255, 255), (0, 0, 0)]
    assert any("ink formula (it has no colour profile)" in w for w in loaded.metadata.warnings)


def test_a_damaged_profile_falls_back_to_the_formula(tmp_path: Path) -> None:
    broken = cmyk_profile()[:140]  # header intact, tag table cut off
    loaded = read_image(_write_tiff(tmp_path / "broken.tif", _patches(255), broken))
    assert _patch_colours(loaded.pixels)[0] == (0, 255, 255)
    assert any("could not be used" in w for w in loaded.metadata.warnings)


def test_a_16_bit_scan_keeps_16_bit_tones(tmp_path: Path) -> None:
    """A smooth black-ink ramp stays smooth: far more than 256 levels, and monotonic."""
    ramp = np.zeros((4, 4096, 4), dtype=np.uint16)
    ramp[..., 3] = np.linspace(0, 65535, 4096).round().astype(np.uint16)
    loaded = read_image(_write_tiff(tmp_path / "ramp.tif", ramp, cmyk_profile()))
    green = loaded.pixels[0, :, 1].astype(int)
    assert len(np.unique(green)) > 2000
    assert np.all(np.diff(green) <= 0) and green[0] > 65000 and green[-1] < 300


def test_the_16_bit_table_agrees_with_the_8_bit_transform() -> None:
    inks = np.random.default_rng(3).integers(0, 256, (64, 64, 4), dtype=np.uint8)
    direct = _cmyk.to_srgb(inks, cmyk_profile())
    tabled = _cmyk.to_srgb(inks.astype(np.uint16) * 257, cmyk_profile())
    assert direct is not None and tabled is not None
    difference = np.abs(tabled / 257 - direct)
    assert difference.mean() < 0.5 and difference.max() < 8


def test_a_cmyk_jpeg_is_read_through_its_profile(tmp_path: Path) -> None:
    inks = _patches(255)
    path = tmp_path / "print.jpg"
    image = Image.frombuffer("CMYK", (32, 8), inks.tobytes(), "raw", "CMYK", 0, 1)
    image.save(path, "JPEG", quality=100, icc_profile=cmyk_profile())
    cyan_ink = _patch_colours(read_image(path).pixels)[0]
    assert cyan_ink[0] > 220 and cyan_ink[1] < 40 and cyan_ink[2] > 220


def test_only_cmyk_profiles_are_taken() -> None:
    rgb_profile = cmyk_profile()[:16] + b"RGB " + cmyk_profile()[20:]
    assert _cmyk.srgb_transform(rgb_profile) is None and _cmyk.srgb_transform(None) is None
    assert _cmyk.to_srgb(_patches(255), b"not a profile") is None
