"""The suggestion function is pure: check its colours in Lab, no Qt involved."""

from __future__ import annotations

import math

import numpy as np
import pytest

from colorizer_gui.core import color
from colorizer_gui.gui.suggestions import COMMON_COLORS, sample_prediction, suggest_colors


def _lab(rgb: tuple[int, int, int]) -> np.ndarray:
    return color.srgb_to_lab(np.array([rgb], dtype=np.float32) / 255.0)[0]


def test_model_colour_comes_first_at_the_spot_lightness() -> None:
    suggestions = suggest_colors(60.0, (25.0, 35.0))
    first = _lab(suggestions[0].rgb)
    assert suggestions[0].label == "model"
    assert first[0] == pytest.approx(60.0, abs=1.0)
    assert first[1] == pytest.approx(25.0, abs=2.0)
    assert first[2] == pytest.approx(35.0, abs=2.0)


def test_every_suggestion_keeps_the_lightness_and_they_differ() -> None:
    suggestions = suggest_colors(55.0, (10.0, -20.0), count=8)
    assert len(suggestions) == 8
    labs = [_lab(s.rgb) for s in suggestions]
    for lab in labs:
        assert lab[0] == pytest.approx(55.0, abs=2.5)  # gamut clipping may move L a little
    for i, a in enumerate(labs):
        for b in labs[i + 1 :]:
            assert math.hypot(a[1] - b[1], a[2] - b[2]) > 4.0


def test_hue_rotations_turn_around_the_prediction() -> None:
    a0, b0 = 30.0, 10.0
    suggestions = {s.label: s for s in suggest_colors(65.0, (a0, b0))}
    rotated = suggestions["hue +180°"].ab
    assert rotated[0] == pytest.approx(-a0, abs=1e-6)
    assert rotated[1] == pytest.approx(-b0, abs=1e-6)
    plus60 = suggestions["hue +60°"].ab
    assert math.degrees(math.atan2(plus60[1], plus60[0]) - math.atan2(b0, a0)) == pytest.approx(60.0)


def test_a_gray_prediction_still_gets_colourful_alternatives() -> None:
    suggestions = suggest_colors(50.0, (0.0, 0.0))
    assert suggestions[0].ab == (0.0, 0.0)
    chromas = [math.hypot(*s.ab) for s in suggestions[1:]]
    assert chromas and min(chromas) >= 20.0
    assert {name for name, _ in COMMON_COLORS} & {s.label for s in suggestions}


def test_sample_prediction_maps_image_points_to_the_working_grid() -> None:
    ab = np.zeros((2, 10, 20), dtype=np.float32)
    ab[0, :, 10:] = 40.0  # right half of the working grid is reddish
    lightness = np.full((10, 20), 70.0, dtype=np.float32)
    light, (a, _) = sample_prediction(ab, lightness, (200, 100), 190.0, 50.0)
    assert light == pytest.approx(70.0)
    assert a == pytest.approx(40.0)
    _, (a_left, _) = sample_prediction(ab, lightness, (200, 100), 10.0, 50.0)
    assert a_left == pytest.approx(0.0)
