"""Hint documents: sidecar round trip, every malformed case, and rasterizing on real planes."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from colorizer_gui.core import color
from colorizer_gui.core.errors import HintsError
from colorizer_gui.core.hints import (
    HintPoint,
    Hints,
    HintStroke,
    hints_from_dict,
    hints_to_dict,
    load_hints,
    rasterize_hint_planes,
    rasterize_hints,
    save_hints,
    sidecar_path,
)

SAMPLE = Hints(
    image_size=(640, 480),
    points=(HintPoint(x=10.5, y=20.0, radius=6.0, rgb=(200, 40, 30)),),
    strokes=(HintStroke(points=((0.0, 0.0), (15.0, 4.5), (30.0, 9.0)), width=8.0, rgb=(20, 90, 200)),),
)


def _ab(rgb: tuple[int, int, int]) -> np.ndarray:
    return color.srgb_to_lab(np.array([rgb], dtype=np.float32) / 255.0)[0, 1:]


def _valid() -> dict[str, Any]:
    return hints_to_dict(SAMPLE)


def test_sidecar_path_keeps_the_full_file_name() -> None:
    assert sidecar_path(Path("/photos/a.jpg")) == Path("/photos/a.jpg.hints.json")
    assert sidecar_path(Path("scan.tar.tif")) == Path("scan.tar.tif.hints.json")


def test_is_empty() -> None:
    assert Hints(image_size=(5, 5)).is_empty()
    assert not SAMPLE.is_empty()


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    path = sidecar_path(tmp_path / "photo.jpg")
    save_hints(path, SAMPLE)
    assert load_hints(path) == SAMPLE
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["version"] == 1
    assert on_disk["image_size"] == [640, 480]
    assert on_disk["points"][0] == {"x": 10.5, "y": 20.0, "radius": 6.0, "rgb": [200, 40, 30]}


def test_save_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "a.png.hints.json"
    save_hints(path, SAMPLE)
    smaller = Hints(image_size=(2, 2), points=(HintPoint(1, 1, 1, (0, 0, 0)),))
    save_hints(path, smaller)
    assert load_hints(path) == smaller
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png.hints.json"]


def test_save_into_a_missing_folder_is_a_hints_error(tmp_path: Path) -> None:
    with pytest.raises(HintsError) as info:
        save_hints(tmp_path / "nope" / "a.jpg.hints.json", SAMPLE)
    assert info.value.path == tmp_path / "nope" / "a.jpg.hints.json"


def test_a_photos_own_strength_round_trips_and_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg.hints.json"
    save_hints(path, SAMPLE)
    assert "strength" not in json.loads(path.read_text(encoding="utf-8"))  # none of its own: not written
    assert load_hints(path).strength is None
    own = Hints(image_size=(640, 480), strength=0.6)
    save_hints(path, own)
    assert json.loads(path.read_text(encoding="utf-8"))["strength"] == 0.6
    assert load_hints(path) == own and own.is_empty()  # a strength alone draws nothing
    assert hints_from_dict({"version": 1, "image_size": [5, 5], "strength": 0}).strength == 0.0
    assert hints_from_dict({"version": 1, "image_size": [5, 5], "strength": None}).strength is None


def test_points_and_strokes_are_optional() -> None:
    hints = hints_from_dict({"version": 1, "image_size": [3, 4]})
    assert hints == Hints(image_size=(3, 4))


def test_integers_are_accepted_as_coordinates() -> None:
    doc = {"version": 1, "image_size": [9, 9], "points": [{"x": 1, "y": 2, "radius": 3, "rgb": [1, 2, 3]}]}
    assert hints_from_dict(doc).points[0] == HintPoint(1.0, 2.0, 3.0, (1, 2, 3))


def test_not_json_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.hints.json"
    path.write_text('{"version": 1,\n  "image_size": [1, 2', encoding="utf-8")
    with pytest.raises(HintsError) as info:
        load_hints(path)
    assert info.value.path == path
    assert "not valid JSON" in info.value.reason
    assert "line 2" in info.value.reason


def test_missing_file_is_a_hints_error(tmp_path: Path) -> None:
    with pytest.raises(HintsError, match="does not exist"):
        load_hints(tmp_path / "absent.hints.json")


def test_load_error_carries_the_path(tmp_path: Path) -> None:
    path = tmp_path / "v2.hints.json"
    path.write_text(json.dumps({"version": 2, "image_size": [1, 1]}), encoding="utf-8")
    with pytest.raises(HintsError, match="version 2") as info:
        load_hints(path)
    assert info.value.path == path


def _edit(change: Any) -> dict[str, Any]:
    doc = _valid()
    change(doc)
    return doc


MALFORMED = [
    ("top-level list", [1, 2], "must be a JSON object"),
    ("no version", _edit(lambda d: d.pop("version")), "missing the key 'version'"),
    ("version 2", _edit(lambda d: d.update(version=2)), "unsupported hints version 2"),
    ("version as text", _edit(lambda d: d.update(version="1")), "unsupported hints version '1'"),
    ("version true", _edit(lambda d: d.update(version=True)), "unsupported hints version True"),
    ("no image size", _edit(lambda d: d.pop("image_size")), "missing the key 'image_size'"),
    ("image size 3 values", _edit(lambda d: d.update(image_size=[1, 2, 3])), "[width, height]"),
    ("image size zero", _edit(lambda d: d.update(image_size=[0, 5])), "width must be a positive integer"),
    ("image size float", _edit(lambda d: d.update(image_size=[5, 2.5])), "height must be a positive"),
    ("points not a list", _edit(lambda d: d.update(points={"x": 1})), "points must be a JSON list"),
    ("point not an object", _edit(lambda d: d.update(points=[[1, 2]])), "point 0 must be a JSON object"),
    ("point without x", _edit(lambda d: d["points"][0].pop("x")), "point 0 is missing the key 'x'"),
    ("point without rgb", _edit(lambda d: d["points"][0].pop("rgb")), "missing the key 'rgb'"),
    ("x as text", _edit(lambda d: d["points"][0].update(x="10")), "point 0 x must be a number"),
    ("y as bool", _edit(lambda d: d["points"][0].update(y=False)), "point 0 y must be a number"),
    ("x not finite", _edit(lambda d: d["points"][0].update(x=math.nan)), "finite"),
    ("negative radius", _edit(lambda d: d["points"][0].update(radius=-2)), "radius must be greater than 0"),
    ("zero radius", _edit(lambda d: d["points"][0].update(radius=0)), "radius must be greater than 0"),
    ("rgb two values", _edit(lambda d: d["points"][0].update(rgb=[1, 2])), "must have 3 values"),
    ("rgb above 255", _edit(lambda d: d["points"][0].update(rgb=[1, 256, 3])), "g must be in 0..255"),
    ("rgb negative", _edit(lambda d: d["points"][0].update(rgb=[-1, 2, 3])), "r must be in 0..255"),
    ("rgb float", _edit(lambda d: d["points"][0].update(rgb=[1, 2, 0.5])), "b must be an integer"),
    ("stroke without points", _edit(lambda d: d["strokes"][0].pop("points")), "missing the key 'points'"),
    ("stroke empty", _edit(lambda d: d["strokes"][0].update(points=[])), "at least one [x, y]"),
    ("stroke vertex 3 values", _edit(lambda d: d["strokes"][0].update(points=[[1, 2, 3]])), "[x, y]"),
    ("stroke vertex text", _edit(lambda d: d["strokes"][0].update(points=[[1, "a"]])), "point 0 y"),
    ("negative width", _edit(lambda d: d["strokes"][0].update(width=-1)), "width must be greater than 0"),
    ("stroke rgb missing", _edit(lambda d: d["strokes"][0].pop("rgb")), "stroke 0 is missing the key 'rgb'"),
    ("strength as text", _edit(lambda d: d.update(strength="80%")), "strength must be a number"),
    ("strength above 2", _edit(lambda d: d.update(strength=2.5)), "colour strength must be between 0 and 2"),
    ("strength negative", _edit(lambda d: d.update(strength=-0.1)), "colour strength must be between 0 and 2"),
    ("strength not finite", _edit(lambda d: d.update(strength=math.inf)), "strength must be a finite number"),
]


@pytest.mark.parametrize(("document", "expected"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_documents_are_refused_with_a_reason(document: object, expected: str) -> None:
    path = Path("photo.jpg.hints.json")
    with pytest.raises(HintsError) as info:
        hints_from_dict(document, path=path)
    assert expected in info.value.reason
    assert info.value.path == path


def test_malformed_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg.hints.json"
    doc = _valid()
    doc["points"][0]["radius"] = -3
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(HintsError, match="point 0 radius must be greater than 0"):
        load_hints(path)


# --------------------------------------------------------------------------- rasterizing


def test_a_point_is_a_filled_disk_of_its_colour() -> None:
    hints = Hints(image_size=(64, 48), points=(HintPoint(x=20, y=10, radius=5, rgb=(200, 40, 30)),))
    hint_ab, mask = rasterize_hints(hints, content=(48, 64), padded=(64, 64))
    assert hint_ab.shape == (2, 64, 64) and hint_ab.dtype == np.float32
    assert mask.shape == (64, 64) and mask.dtype == np.float32
    assert mask[10, 20] == 1.0 and mask[10, 24] == 1.0 and mask[14, 20] == 1.0
    assert mask[10, 27] == 0.0 and mask[17, 20] == 0.0
    assert abs(mask.sum() - math.pi * 25) < 0.2 * math.pi * 25
    np.testing.assert_allclose(hint_ab[:, 10, 20], _ab((200, 40, 30)), atol=1e-4)
    assert np.all(hint_ab[:, mask == 0] == 0)


def test_a_stroke_is_a_polyline_of_its_width() -> None:
    hints = Hints(image_size=(100, 100), strokes=(HintStroke(((10, 50), (90, 50)), width=6, rgb=(20, 90, 200)),))
    hint_ab, mask = rasterize_hints(hints, content=(100, 100), padded=(128, 128))
    rows = np.nonzero(mask[:, 50])[0]
    assert 5 <= len(rows) <= 8 and rows.min() <= 48 and rows.max() >= 52
    assert mask[50, 15] == 1 and mask[50, 85] == 1 and mask[50, 2] == 0 and mask[50, 98] == 0
    np.testing.assert_allclose(hint_ab[:, 50, 50], _ab((20, 90, 200)), atol=1e-4)


def test_coordinates_scale_to_the_working_size_and_padding_stays_empty() -> None:
    hints = Hints(image_size=(1000, 500), points=(HintPoint(x=999, y=250, radius=60, rgb=(0, 255, 0)),))
    _, mask = rasterize_hints(hints, content=(32, 64), padded=(64, 96))
    assert mask[16, 63] == 1.0  # the right edge of the content
    assert mask[:, 64:].sum() == 0 and mask[32:].sum() == 0  # the disk is cut at the content border
    ys, _ = np.nonzero(mask)
    assert 3 <= (ys.max() - ys.min() + 1) / 2 <= 4.5  # radius 60 * 0.064 = 3.84 working pixels


def test_hints_for_a_differently_sized_copy_land_on_the_same_spot() -> None:
    big = Hints(image_size=(4000, 3000), points=(HintPoint(x=1000, y=2250, radius=80, rgb=(9, 9, 200)),))
    small = Hints(image_size=(400, 300), points=(HintPoint(x=100, y=225, radius=8, rgb=(9, 9, 200)),))
    a = rasterize_hints(big, content=(48, 64), padded=(64, 64))
    b = rasterize_hints(small, content=(48, 64), padded=(64, 64))
    # Pixel 1000 of 4000 and pixel 100 of 400 differ by a fraction of a working pixel.
    assert np.count_nonzero(a[1] != b[1]) <= 2
    ys, xs = np.nonzero(a[1])
    assert abs(xs.mean() - 16) < 0.6 and abs(ys.mean() - 36) < 0.6


def test_tiny_hints_are_at_least_one_working_pixel() -> None:
    hints = Hints(
        image_size=(10000, 10000),
        points=(HintPoint(x=5000, y=5000, radius=0.5, rgb=(255, 0, 0)),),
        strokes=(HintStroke(((100, 100),), width=0.1, rgb=(0, 0, 255)),),
    )
    hint_ab, mask = rasterize_hints(hints, content=(64, 64), padded=(64, 64))
    assert mask[32, 32] == 1.0 and mask[0, 0] == 1.0
    assert 1 <= mask[28:36, 28:36].sum() <= 9
    np.testing.assert_allclose(hint_ab[:, 0, 0], _ab((0, 0, 255)), atol=1e-4)


def test_points_paint_over_strokes() -> None:
    hints = Hints(
        image_size=(50, 50),
        points=(HintPoint(25, 25, 3, (255, 0, 0)),),
        strokes=(HintStroke(((0, 25), (49, 25)), 9, (0, 0, 255)),),
    )
    hint_ab, _ = rasterize_hints(hints, content=(50, 50), padded=(64, 64))
    np.testing.assert_allclose(hint_ab[:, 25, 25], _ab((255, 0, 0)), atol=1e-4)
    np.testing.assert_allclose(hint_ab[:, 25, 5], _ab((0, 0, 255)), atol=1e-4)


def test_hint_ids_number_strokes_then_points_as_drawn() -> None:
    hints = Hints(
        image_size=(64, 48),
        points=(HintPoint(x=10, y=10, radius=3, rgb=(1, 2, 3)), HintPoint(x=40, y=20, radius=3, rgb=(1, 2, 3))),
        strokes=(HintStroke(points=((0.0, 20.0), (63.0, 20.0)), width=4, rgb=(9, 9, 9)),),
    )
    planes_ab, planes_mask, ids = rasterize_hint_planes(hints, (48, 64))
    hint_ab, mask = rasterize_hints(hints, (48, 64), (48, 64))
    assert np.array_equal(planes_ab, hint_ab) and np.array_equal(planes_mask, mask)  # one drawing, same planes
    assert ids.dtype == np.int32 and np.array_equal(ids > 0, mask > 0)
    assert ids[20, 60] == 1 and ids[10, 10] == 2 and ids[20, 40] == 3  # the second point paints over the stroke
    assert not rasterize_hint_planes(Hints(image_size=(64, 48)), (48, 64))[2].any()


def test_empty_hints_give_empty_planes() -> None:
    hint_ab, mask = rasterize_hints(Hints(image_size=(8, 8)), content=(8, 8), padded=(32, 32))
    assert not hint_ab.any() and not mask.any()


def test_content_must_fit_in_padded() -> None:
    with pytest.raises(ValueError, match="fit inside"):
        rasterize_hints(SAMPLE, content=(40, 70), padded=(64, 64))
