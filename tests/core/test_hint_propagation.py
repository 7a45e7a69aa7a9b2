"""Hints spread over their region, stop at lightness edges, and leave unhinted photos alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from colorizer_gui.core import contract
from colorizer_gui.core.hint_propagation import propagate_hints
from colorizer_gui.core.hints import HintPoint, Hints
from colorizer_gui.core.pipeline import ColorizeOptions, apply_chroma, predict_chroma


def two_region_lightness() -> np.ndarray:
    """Left half L=30, right half L=80: one strong edge down the middle."""
    lightness = np.full((64, 96), 30.0, dtype=np.float32)
    lightness[:, 48:] = 80.0
    return lightness


def test_a_hint_recolours_its_region_but_not_across_an_edge() -> None:
    lightness = two_region_lightness()
    ab = np.zeros((2, 64, 96), dtype=np.float32)
    hint_ab = np.zeros_like(ab)
    mask = np.zeros((64, 96), dtype=np.float32)
    hint_ab[:, 30:33, 20:23] = np.array([40.0, -20.0], dtype=np.float32)[:, None, None]
    mask[30:33, 20:23] = 1.0
    out = propagate_hints(ab, lightness, hint_ab, mask)
    assert out[0, 31, 21] > 0.85 * 40  # at the hint: nearly the hint colour
    assert out[0, 31, 40] > 0.5 * 40  # same region, 19 px away: still mostly the hint colour
    assert out[1, 31, 40] < -0.5 * 20
    assert abs(out[0, 31, 52]) < 1.0  # across the edge, 4 px further: untouched
    assert abs(out[0, 5, 90]) < 0.5


def test_a_hint_stays_on_what_the_model_sees_as_one_object() -> None:
    """Equal lightness everywhere, but the model predicts green on the left and blue on the right."""
    lightness = np.full((64, 96), 50.0, dtype=np.float32)
    ab = np.zeros((2, 64, 96), dtype=np.float32)
    ab[0, :, :48], ab[1, :, 48:] = -30.0, -30.0
    hint_ab, mask = np.zeros_like(ab), np.zeros((64, 96), dtype=np.float32)
    hint_ab[:, 30:33, 40:43] = np.array([-10.0, 30.0], dtype=np.float32)[:, None, None]
    mask[30:33, 40:43] = 1.0
    out = propagate_hints(ab, lightness, hint_ab, mask)
    assert out[1, 31, 20] > 15.0  # the user's yellow-green spreads over the left object
    assert abs(out[1, 31, 60] - ab[1, 31, 60]) < 2.0  # and not onto the right one, 18 px from the hint
    blind = propagate_hints(ab, lightness, hint_ab, mask, chroma_sigma=None)
    assert blind[1, 31, 60] - ab[1, 31, 60] > 20.0  # without the chroma term it would leak


def test_a_broad_stroke_does_not_outweigh_a_small_point_by_its_size() -> None:
    """One flat field: a wide brush stroke along the left edge, a small point near the right edge.

    Beside the point, the point's colour wins; counted by pixels, the stroke (40x more of them) would.
    """
    lightness = np.full((64, 128), 60.0, dtype=np.float32)
    ab = np.zeros((2, 64, 128), dtype=np.float32)
    hint_ab, mask = np.zeros_like(ab), np.zeros((64, 128), dtype=np.float32)
    ids = np.zeros((64, 128), dtype=np.int32)
    blue, brown = np.array([0.0, -40.0], np.float32), np.array([20.0, 30.0], np.float32)
    hint_ab[:, :, 4:20], mask[:, 4:20], ids[:, 4:20] = blue[:, None, None], 1.0, 1  # 1,024 pixels
    hint_ab[:, 31:36, 110:115], mask[31:36, 110:115], ids[31:36, 110:115] = brown[:, None, None], 1.0, 2  # 25
    out = propagate_hints(ab, lightness, hint_ab, mask, ids=ids, hint_count=2)

    def point_share(b: float) -> float:
        """How far from the stroke's b towards the point's b a pixel went (0 stroke .. 1 point)."""
        return float((b - blue[1]) / (brown[1] - blue[1]))

    beside = out[:, 33, 104]  # 6 px from the point, 84 px from the stroke
    assert point_share(beside[1]) > 0.8 and beside[0] > 0.7 * brown[0]
    assert point_share(out[1, 33, 30]) < 0.2  # and beside the stroke, the stroke's colour
    as_one = propagate_hints(ab, lightness, hint_ab, mask, hint_count=2)  # no ids: one hint of two colours
    assert point_share(as_one[1, 33, 104]) < 0.2  # counted by pixels, the stroke would have won


def test_no_hints_changes_nothing() -> None:
    ab = np.random.default_rng(0).normal(size=(2, 16, 16)).astype(np.float32)
    out = propagate_hints(ab, np.zeros((16, 16), np.float32), np.zeros_like(ab), np.zeros((16, 16), np.float32))
    assert np.array_equal(out, ab)


@dataclass(frozen=True)
class _Info:
    working_size: int = 96
    stride: int = contract.STRIDE
    inference_size: int = 96


class _GrayModel:
    """A session that always predicts neutral gray, whatever the hints (a model deaf to hints)."""

    info = _Info()

    def predict_ab(self, model_input: np.ndarray) -> np.ndarray:
        return np.zeros((2, *model_input.shape[2:]), dtype=np.float32)


def test_pipeline_spreads_a_click_through_the_region_at_full_resolution() -> None:
    gray = np.full((128, 192), 90, dtype=np.uint8)
    gray[:, 96:] = 200
    hints = Hints(image_size=(192, 128), points=(HintPoint(x=40, y=64, radius=4, rgb=(40, 90, 200)),))
    on = apply_chroma(gray, predict_chroma(_GrayModel(), gray, hints=hints))  # type: ignore[arg-type]
    off_opts = ColorizeOptions(propagate_hints=False)
    off = apply_chroma(gray, predict_chroma(_GrayModel(), gray, hints=hints, options=off_opts))  # type: ignore[arg-type]
    blue = on[64, 70].astype(int)
    assert blue[2] > blue[0] + 20  # 30 px from the click, same region: clearly blue
    assert np.abs(on[64, 150].astype(int) - 200).max() <= 2  # other region stays gray
    assert np.abs(off[64, 70].astype(int) - 90).max() <= 1  # without propagation the deaf model stays gray
