"""The pipeline on real pixels: lightness kept, chroma where the model put it, any size and depth.

The tiny model answers ``base_ab`` everywhere except under hints, where it
answers the hint colour, so every expected value below is known exactly.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest

from colorizer_gui.core import color
from colorizer_gui.core.hints import HintPoint, Hints
from colorizer_gui.core.pipeline import (
    ChromaPrediction,
    ColorizeOptions,
    apply_chroma,
    colorize,
    luminance,
    predict_chroma,
    preview_rgb,
)
from colorizer_gui.core.session import ColorizerSession
from tests.support.tiny_models import make_tiny_model

BASE = (20.0, 30.0)
#: 8-bit gray levels at which Lab (L, 20, 30) is inside the sRGB gamut (50..201), with margin.
IN_GAMUT = (60, 190)


@pytest.fixture()
def tiny_session(tmp_path: Path) -> ColorizerSession:
    return ColorizerSession(make_tiny_model(tmp_path / "base.onnx", base_ab=BASE), provider="cpu")


@pytest.fixture()
def zero_session(tmp_path: Path) -> ColorizerSession:
    return ColorizerSession(make_tiny_model(tmp_path / "zero.onnx", base_ab=(0.0, 0.0)), provider="cpu")


def _lab(rgb: np.ndarray) -> np.ndarray:
    return color.srgb_to_lab(color.to_unit_float(rgb))


def _in_gamut(lightness: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    """Where Lab (L, a, b) survives sRGB without clipping, so it can be compared exactly."""
    lab = np.stack([lightness, np.full_like(lightness, ab[0]), np.full_like(lightness, ab[1])], axis=-1)
    back = color.srgb_to_lab(color.lab_to_srgb(lab))
    return np.abs(back - lab).max(axis=-1) < 0.05


def _photo_gray(shared_data: Path) -> np.ndarray:
    bgr = cv2.imread(str(shared_data / "historic" / "bopscratch_a.jpg"), cv2.IMREAD_COLOR)
    assert bgr is not None
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def _photo_rgb(shared_data: Path) -> np.ndarray:
    bgr = cv2.imread(str(shared_data / "val" / "cbsd68_101085.jpg"), cv2.IMREAD_COLOR)
    assert bgr is not None
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


# --------------------------------------------------------------------------- gray in, gray out


@pytest.mark.parametrize("edge_aware", [True, False])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_zero_chroma_gives_back_the_input_gray_values(
    zero_session: ColorizerSession, dtype: type[np.generic], edge_aware: bool
) -> None:
    top = np.iinfo(dtype).max
    gray = np.random.default_rng(1).integers(0, top + 1, size=(37, 53)).astype(dtype)
    gray[0, :2] = (0, top)
    out = colorize(zero_session, gray, options=ColorizeOptions(edge_aware=edge_aware, strip_rows=8))
    assert out.dtype == dtype and out.shape == (37, 53, 3)
    for channel in range(3):
        np.testing.assert_array_equal(out[..., channel], gray)


def test_zero_chroma_on_every_16_bit_level(zero_session: ColorizerSession) -> None:
    gray = np.arange(65536, dtype=np.uint16).reshape(128, 512)
    out = colorize(zero_session, gray)
    np.testing.assert_array_equal(out, np.repeat(gray[..., None], 3, axis=2))


# --------------------------------------------------------------------------- real photos


@pytest.mark.parametrize("bits", [8, 16])
def test_real_photo_keeps_its_lightness_and_gets_the_model_chroma(
    tiny_session: ColorizerSession, shared_data: Path, bits: int
) -> None:
    gray8 = _photo_gray(shared_data)
    gray = gray8 if bits == 8 else gray8.astype(np.uint16) * 257
    out = colorize(tiny_session, gray)
    assert out.shape == (*gray.shape, 3) and out.dtype == gray.dtype
    lab = _lab(out)
    source_l = luminance(gray)
    comparable = _in_gamut(source_l, BASE)
    assert comparable.mean() > 0.5, "the photo should be mostly inside the gamut for this colour"
    tolerance = 0.35 if bits == 8 else 0.01
    assert np.abs(lab[..., 0] - source_l)[comparable].max() < tolerance
    chroma_tolerance = 1.5 if bits == 8 else 0.05
    assert np.abs(lab[..., 1] - BASE[0])[comparable].max() < chroma_tolerance
    assert np.abs(lab[..., 2] - BASE[1])[comparable].max() < chroma_tolerance


def test_colour_input_is_colorized_from_its_true_luminance(tiny_session: ColorizerSession, shared_data: Path) -> None:
    rgb = _photo_rgb(shared_data)
    true_l = color.srgb_to_lab_l(color.to_unit_float(rgb))
    np.testing.assert_allclose(luminance(rgb), true_l, atol=1e-4)
    out = colorize(tiny_session, rgb)
    comparable = _in_gamut(true_l, BASE)
    assert comparable.mean() > 0.3
    assert np.abs(_lab(out)[..., 0] - true_l)[comparable].max() < 0.35
    # Colorizing from one channel would be far off on a colour photo.
    red_l = color.gray_to_lab_l(color.to_unit_float(rgb[..., 0]))
    assert np.abs(red_l - true_l)[comparable].mean() > 2.0


def test_sepia_input_keeps_its_luminance_not_one_channel(tiny_session: ColorizerSession, shared_data: Path) -> None:
    gray = color.to_unit_float(_photo_gray(shared_data))
    sepia = np.stack([gray * 1.0, gray * 0.85, gray * 0.62], axis=-1)
    sepia16 = color.from_unit_float(sepia, 16)
    true_l = color.srgb_to_lab_l(color.to_unit_float(sepia16))
    out = colorize(tiny_session, sepia16)
    assert out.dtype == np.uint16
    comparable = _in_gamut(true_l, BASE)
    assert comparable.mean() > 0.3
    assert np.abs(_lab(out)[..., 0] - true_l)[comparable].max() < 0.01
    assert np.abs(_lab(out)[..., 1] - BASE[0])[comparable].max() < 0.05


def test_gray_stored_as_rgb_matches_the_gray_file(zero_session: ColorizerSession, shared_data: Path) -> None:
    gray = _photo_gray(shared_data).astype(np.uint16) * 257
    as_rgb = np.repeat(gray[..., None], 3, axis=2)
    np.testing.assert_array_equal(luminance(as_rgb), luminance(gray))
    np.testing.assert_array_equal(colorize(zero_session, as_rgb), as_rgb)


@pytest.mark.parametrize("strip_rows", [1, 7, 100])
def test_strips_leave_no_seams(tiny_session: ColorizerSession, shared_data: Path, strip_rows: int) -> None:
    gray = _photo_gray(shared_data)
    height, width = gray.shape
    hints = Hints(image_size=(width, height), points=(HintPoint(width / 2, height / 3, 40, (30, 90, 200)),))
    chroma = predict_chroma(tiny_session, gray, hints=hints)
    whole = apply_chroma(gray, chroma, options=ColorizeOptions(strip_rows=height))
    strips = apply_chroma(gray, chroma, options=ColorizeOptions(strip_rows=strip_rows))
    np.testing.assert_array_equal(strips, whole)


# --------------------------------------------------------------------------- hints


def _gray_at_lightness_of(rgb: tuple[int, int, int]) -> int:
    lightness = color.srgb_to_lab_l(np.array([rgb], dtype=np.float32) / 255.0)
    return round(float(color.lab_l_to_gray(lightness)[0]) * 255)


@pytest.mark.parametrize("edge_aware", [True, False])
def test_hint_colour_under_a_hint_point_and_base_elsewhere(tiny_session: ColorizerSession, edge_aware: bool) -> None:
    """The hints reach the model (which copies them) at the right place and size; spreading is off here."""
    hint_rgb = (60, 120, 190)
    gray = np.full((200, 300), _gray_at_lightness_of(hint_rgb), dtype=np.uint8)
    hints = Hints(image_size=(300, 200), points=(HintPoint(x=100, y=80, radius=40, rgb=hint_rgb),))
    options = ColorizeOptions(edge_aware=edge_aware, propagate_hints=False)
    out = colorize(tiny_session, gray, hints=hints, options=options)
    lab = _lab(out)
    hint_ab = _lab(np.array([[hint_rgb]], dtype=np.uint8))[0, 0, 1:]
    np.testing.assert_allclose(lab[80, 100, 1:], hint_ab, atol=1.5)
    np.testing.assert_allclose(lab[75:86, 95:106, 1:].reshape(-1, 2).mean(axis=0), hint_ab, atol=1.0)
    for y, x in ((10, 280), (190, 10), (190, 290), (80, 250)):
        np.testing.assert_allclose(lab[y, x, 1:], BASE, atol=1.5)


def test_hints_for_a_smaller_copy_are_scaled_to_the_image(tiny_session: ColorizerSession) -> None:
    gray = np.full((400, 600), 120, dtype=np.uint8)
    full = Hints(image_size=(600, 400), points=(HintPoint(x=150, y=300, radius=60, rgb=(200, 60, 40)),))
    half = Hints(image_size=(300, 200), points=(HintPoint(x=75, y=150, radius=30, rgb=(200, 60, 40)),))
    a = predict_chroma(tiny_session, gray, hints=full)
    b = predict_chroma(tiny_session, gray, hints=half)
    difference = np.abs(a.ab - b.ab).max(axis=0)
    assert (difference > 0.05).sum() <= 4  # at most a rounding pixel at the disk's rim
    assert difference.max() < 4  # and that pixel is within ~10 % of the hint's colour either way
    out = apply_chroma(gray, b)
    assert np.abs(_lab(out)[300, 150, 1:] - BASE).max() > 10  # the hint changed the colour there


def _photo_with_a_hint(shared_data: Path) -> tuple[np.ndarray, Hints]:
    """A real gray photo and one red point hint a third of the way across it."""
    gray = _photo_gray(shared_data)
    height, width = gray.shape
    return gray, Hints(image_size=(width, height), points=(HintPoint(width / 3, height / 2, 20, (200, 60, 40)),))


def _record_runs(monkeypatch: pytest.MonkeyPatch, session: ColorizerSession) -> list[tuple[int, ...]]:
    """The input shape of every network run on ``session`` from here on."""
    shapes: list[tuple[int, ...]] = []
    real = session.predict_ab
    monkeypatch.setattr(session, "predict_ab", lambda x: shapes.append(x.shape) or real(x))
    return shapes


def test_a_reused_automatic_prediction_gives_the_same_result_without_running_the_model(
    tiny_session: ColorizerSession, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hint edits in the GUI and every hint count in the evaluation reuse the one automatic prediction."""
    gray, hints = _photo_with_a_hint(shared_data)
    fresh = predict_chroma(tiny_session, gray, hints=hints)
    automatic = predict_chroma(tiny_session, gray)
    runs = _record_runs(monkeypatch, tiny_session)
    reused = predict_chroma(tiny_session, gray, hints=hints, automatic=automatic)
    assert runs == []
    np.testing.assert_array_equal(reused.ab, fresh.ab)
    np.testing.assert_array_equal(reused.lightness, fresh.lightness)
    assert np.abs(reused.ab - automatic.ab).max() > 20  # the hint did change the colours
    # With spreading off the model must see the hints, so the automatic answer is not used.
    bare = predict_chroma(
        tiny_session, gray, hints=hints, options=ColorizeOptions(propagate_hints=False), automatic=automatic
    )
    assert len(runs) == 1
    assert np.abs(bare.ab - automatic.ab).max() > 20


def test_an_automatic_prediction_of_another_size_is_refused(tiny_session: ColorizerSession) -> None:
    gray = np.full((200, 300), 120, dtype=np.uint8)
    hints = Hints(image_size=(300, 200), points=(HintPoint(x=150, y=100, radius=20, rgb=(200, 60, 40)),))
    smaller = predict_chroma(tiny_session, gray, options=ColorizeOptions(working_size=32))
    with pytest.raises(ValueError, match="working size"):
        predict_chroma(tiny_session, gray, hints=hints, automatic=smaller)
    other_photo = predict_chroma(tiny_session, np.full((100, 300), 120, dtype=np.uint8))
    with pytest.raises(ValueError, match="the image is"):
        predict_chroma(tiny_session, gray, hints=hints, automatic=other_photo)


def test_one_network_run_serves_every_working_size_with_the_same_inference_size(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI's quick (192) and full (384) previews share the network's one answer at 160."""
    session = ColorizerSession(
        make_tiny_model(tmp_path / "m.onnx", working_size=384, inference_size=160), provider="cpu"
    )
    gray, hints = _photo_with_a_hint(shared_data)
    quick = ColorizeOptions(working_size=192)
    fresh = predict_chroma(session, gray, options=quick)
    full = predict_chroma(session, gray)
    runs = _record_runs(monkeypatch, session)
    carried = predict_chroma(session, gray, options=quick, automatic=full)
    hinted = predict_chroma(session, gray, hints=hints, options=quick, automatic=full)
    assert runs == []
    assert carried.ab.shape == fresh.ab.shape and max(carried.ab.shape[1:]) == 192
    # Its own run would have seen a 160 copy resampled from the 192 copy instead of the 384 one.
    assert np.abs(carried.ab - fresh.ab).mean() < 0.5  # Lab units: resampling noise, not another answer
    np.testing.assert_array_equal(
        hinted.ab, predict_chroma(session, gray, hints=hints, options=quick, automatic=carried).ab
    )
    assert carried.network is full.network  # and it passes the answer on
    # At 128 the network would see another copy (inference is capped at the working size): refused.
    with pytest.raises(ValueError, match="no network answer"):
        predict_chroma(session, gray, options=ColorizeOptions(working_size=128), automatic=full)


def test_the_network_sees_its_inference_size_and_the_chroma_comes_back_at_working_size(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that sees scenes best at 160 px still gives 384-px chroma for hints and previews."""
    session = ColorizerSession(
        make_tiny_model(tmp_path / "m.onnx", base_ab=BASE, working_size=384, inference_size=160), provider="cpu"
    )
    gray = _photo_gray(shared_data)
    height, width = gray.shape
    shapes = _record_runs(monkeypatch, session)
    chroma = predict_chroma(session, gray)
    assert len(shapes) == 1 and max(shapes[0][2:]) == 160  # (a multiple of the stride here)
    assert max(chroma.ab.shape[1:]) == 384 == max(chroma.lightness.shape)
    np.testing.assert_allclose(chroma.ab[0], BASE[0], atol=1e-3)  # a flat answer is carried exactly
    np.testing.assert_allclose(chroma.ab[1], BASE[1], atol=1e-3)
    # Hints are spread at the working size, where a small point keeps its place.
    hints = Hints(image_size=(width, height), points=(HintPoint(width / 2, height / 2, 4, (200, 60, 40)),))
    hinted = predict_chroma(session, gray, hints=hints, automatic=chroma)
    h, w = hinted.ab.shape[1:]
    hint_ab = _lab(np.array([[(200, 60, 40)]], dtype=np.uint8))[0, 0, 1:]
    np.testing.assert_allclose(hinted.ab[:, h // 2, w // 2], hint_ab, atol=0.5)
    # An override to the working size itself makes the network see the working-size copy.
    predict_chroma(session, gray, options=ColorizeOptions(inference_size=384))
    assert max(shapes[-1][2:]) == 384


# --------------------------------------------------------------------------- sizes and depths


def test_strength_scales_the_automatic_colour_and_keeps_hints_exact(tiny_session: ColorizerSession) -> None:
    """0.5 halves the model's chroma, 0 leaves gray, and a hinted pixel keeps the hint's colour at any strength."""
    hint_rgb = (60, 120, 190)
    gray = np.full((200, 300), _gray_at_lightness_of(hint_rgb), dtype=np.uint8)
    hints = Hints(image_size=(300, 200), points=(HintPoint(x=100, y=80, radius=10, rgb=hint_rgb),))
    hint_ab = _lab(np.array([[hint_rgb]], dtype=np.uint8))[0, 0, 1:]
    for strength in (0.0, 0.5, 1.5):
        options = ColorizeOptions(strength=strength)
        automatic = _lab(colorize(tiny_session, gray, options=options))
        np.testing.assert_allclose(automatic[20, 250, 1:], np.array(BASE) * strength, atol=1.0)
        hinted = _lab(colorize(tiny_session, gray, hints=hints, options=options))
        np.testing.assert_allclose(hinted[80, 100, 1:], hint_ab, atol=1.5)
        assert predict_chroma(tiny_session, gray, options=options).strength == strength


def test_strength_outside_its_range_is_refused(tiny_session: ColorizerSession) -> None:
    gray = np.full((40, 60), 120, dtype=np.uint8)
    for strength in (-0.1, 2.5, float("nan")):
        with pytest.raises(ValueError, match="colour strength"):
            predict_chroma(tiny_session, gray, options=ColorizeOptions(strength=strength))


def test_an_automatic_prediction_serves_every_strength_without_running_the_model(
    tiny_session: ColorizerSession, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI keeps one automatic prediction per photo; moving the strength slider must not rerun the network."""
    gray, hints = _photo_with_a_hint(shared_data)
    automatic = predict_chroma(tiny_session, gray)
    fresh = {k: predict_chroma(tiny_session, gray, hints=hints, options=ColorizeOptions(strength=k)) for k in (0, 0.7)}
    gray_one = predict_chroma(tiny_session, gray, options=ColorizeOptions(strength=0))
    runs = _record_runs(monkeypatch, tiny_session)
    for k, expected in fresh.items():
        got = predict_chroma(tiny_session, gray, hints=hints, options=ColorizeOptions(strength=k), automatic=automatic)
        np.testing.assert_array_equal(got.ab, expected.ab)
    # Back up from a gray prediction: its network answer still holds the colour.
    again = predict_chroma(tiny_session, gray, options=ColorizeOptions(strength=1.0), automatic=gray_one)
    np.testing.assert_array_equal(again.ab, automatic.ab)
    assert runs == []


@pytest.mark.parametrize("shape", [(20, 700), (700, 20), (300, 1), (1, 300), (1, 1), (33, 47)])
def test_any_aspect_ratio(tiny_session: ColorizerSession, shape: tuple[int, int]) -> None:
    gray = np.random.default_rng(2).integers(*IN_GAMUT, size=shape).astype(np.uint8)
    chroma = predict_chroma(tiny_session, gray)
    assert chroma.image_size == (shape[1], shape[0])
    assert chroma.ab.shape[1:] == chroma.lightness.shape
    assert max(chroma.lightness.shape) == 64 or shape == (1, 1)
    out = apply_chroma(gray, chroma)
    assert out.shape == (*shape, 3)
    lab = _lab(out)
    assert np.abs(lab[..., 0] - luminance(gray)).max() < 0.35
    assert np.abs(lab[..., 1:] - np.array(BASE)).max() < 1.5


def test_bit_depth_follows_the_input_unless_overridden(tiny_session: ColorizerSession) -> None:
    gray8 = np.random.default_rng(3).integers(*IN_GAMUT, size=(40, 60)).astype(np.uint8)
    gray16 = gray8.astype(np.uint16) * 257
    out16 = colorize(tiny_session, gray16)
    assert out16.dtype == np.uint16
    assert colorize(tiny_session, gray8).dtype == np.uint8
    down = colorize(tiny_session, gray16, out_bit_depth=8)
    assert down.dtype == np.uint8
    assert np.abs(down.astype(int) - (out16.astype(int) + 128) // 257).max() <= 1
    up = colorize(tiny_session, gray8, out_bit_depth=16)
    np.testing.assert_array_equal(up, out16)
    with pytest.raises(ValueError, match="8 or 16"):
        colorize(tiny_session, gray8, out_bit_depth=12)


def test_sixteen_bit_keeps_fine_tonal_steps(zero_session: ColorizerSession) -> None:
    ramp = np.linspace(20000, 20050, 51).astype(np.uint16).reshape(1, -1).repeat(5, axis=0)
    out = colorize(zero_session, ramp)
    assert len(np.unique(out[..., 1])) == 51


def test_prediction_geometry_and_working_size_override(tiny_session: ColorizerSession) -> None:
    gray = np.full((200, 300), 128, dtype=np.uint8)
    chroma = predict_chroma(tiny_session, gray)
    assert chroma.ab.shape == (2, 43, 64) and chroma.ab.dtype == np.float32
    assert chroma.lightness.shape == (43, 64) and chroma.lightness.dtype == np.float32
    np.testing.assert_allclose(chroma.lightness, luminance(gray)[0, 0], atol=1e-4)
    bigger = predict_chroma(tiny_session, gray, options=ColorizeOptions(working_size=128))
    assert bigger.ab.shape == (2, 85, 128)
    np.testing.assert_allclose(bigger.ab[0], BASE[0], atol=1e-4)


def test_working_lightness_is_an_area_average(tiny_session: ColorizerSession) -> None:
    stripes = np.zeros((128, 128), dtype=np.uint8)
    stripes[:, ::2] = 200  # one-pixel stripes: an area average gives uniform mid gray
    chroma = predict_chroma(tiny_session, stripes)
    assert chroma.lightness.shape == (64, 64)
    assert np.ptp(chroma.lightness) < 0.01
    np.testing.assert_allclose(chroma.lightness, luminance(np.full((1, 1), 100, np.uint8))[0, 0], atol=0.3)


def test_preview_is_small_and_coloured(tiny_session: ColorizerSession) -> None:
    gray = np.full((500, 250), 140, dtype=np.uint8)
    preview = preview_rgb(predict_chroma(tiny_session, gray))
    assert preview.shape == (64, 32, 3) and preview.dtype == np.uint8
    np.testing.assert_allclose(_lab(preview)[..., 1:].reshape(-1, 2).mean(axis=0), BASE, atol=1.0)


def test_apply_refuses_a_prediction_for_another_image(tiny_session: ColorizerSession) -> None:
    chroma = predict_chroma(tiny_session, np.zeros((10, 20), dtype=np.uint8))
    with pytest.raises(ValueError, match="predicted for"):
        apply_chroma(np.zeros((20, 10), dtype=np.uint8), chroma)


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((4, 4), np.float32), np.zeros((4, 4, 4), np.uint8), np.zeros((0, 4), np.uint8)],
    ids=["float", "rgba", "empty"],
)
def test_bad_pixel_arrays_are_refused(tiny_session: ColorizerSession, pixels: np.ndarray) -> None:
    with pytest.raises(ValueError):
        predict_chroma(tiny_session, pixels)


def test_single_channel_3d_is_gray(zero_session: ColorizerSession) -> None:
    gray = np.arange(60, dtype=np.uint8).reshape(6, 10, 1)
    np.testing.assert_array_equal(colorize(zero_session, gray)[..., 0], gray[..., 0])


def test_original_pixels_are_not_modified(tiny_session: ColorizerSession) -> None:
    gray = np.random.default_rng(4).integers(0, 256, size=(30, 40)).astype(np.uint8)
    before = gray.copy()
    colorize(tiny_session, gray, hints=Hints((40, 30), points=(HintPoint(5, 5, 3, (255, 0, 0)),)))
    np.testing.assert_array_equal(gray, before)


# --------------------------------------------------------------------------- edge-aware upsampling


def test_edge_aware_upsampling_puts_colour_edges_on_the_full_resolution_edge() -> None:
    # A full-resolution edge at x = 325 falls inside working pixel 32 (scale 10).
    gray = np.full((40, 640), 70, dtype=np.uint8)
    gray[:, 325:] = 190
    small = cv2.resize(gray, (64, 4), interpolation=cv2.INTER_AREA)
    mixed = (small[0].astype(np.float32) - 70) / 120  # what a model sees: a partly covered pixel
    a = np.repeat((25 - 50 * mixed)[None], 4, axis=0).astype(np.float32)
    chroma = ChromaPrediction(ab=np.stack([a, np.zeros_like(a)]), image_size=(640, 40), lightness=luminance(small))
    ideal = np.where(np.arange(640) < 325, 25.0, -25.0)
    errors = {}
    for edge_aware in (True, False):
        out = apply_chroma(gray, chroma, options=ColorizeOptions(edge_aware=edge_aware))
        errors[edge_aware] = np.abs(_lab(out)[20, 265:385, 1] - ideal[265:385]).mean()
    assert errors[True] < 0.5 * errors[False]
    assert errors[True] < 1.0


# --------------------------------------------------------------------------- memory


@pytest.mark.slow
def test_full_resolution_work_stays_in_strips(tiny_session: ColorizerSession) -> None:
    """12 MP 16-bit: beyond input and output, less than one full-size float32 plane is ever held."""
    height, width = 3000, 4000
    gray = np.random.default_rng(5).integers(0, 65536, size=(height, width)).astype(np.uint16)
    plane = height * width * 4
    tracemalloc.start()
    try:
        chroma = predict_chroma(tiny_session, gray)
        _, predict_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = apply_chroma(gray, chroma, options=ColorizeOptions(strip_rows=32))
        _, apply_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.shape == (height, width, 3)
    assert predict_peak < plane / 4
    assert apply_peak - out.nbytes < plane
