"""User colour hints: the document, its JSON sidecar, and rasterizing it for the model.

Hints are kept in original-image pixel coordinates so one sidecar works at any
working size. The sidecar sits next to the photo as ``<file name>.hints.json``
(``a.jpg`` -> ``a.jpg.hints.json``) and looks like this (version 1)::

    {
      "version": 1,
      "image_size": [width, height],
      "points":  [{"x": 10.5, "y": 20, "radius": 6, "rgb": [200, 40, 30]}],
      "strokes": [{"points": [[0, 0], [15, 4.5]], "width": 8, "rgb": [20, 90, 200]}],
      "strength": 0.8
    }

* ``version`` (required) must be 1; other versions are refused, not guessed at.
* ``image_size`` (required) is two positive integers: the size the coordinates refer to.
* ``points`` and ``strokes`` are optional lists (missing means none).
* ``x``, ``y`` and stroke vertices are finite numbers in pixels, measured like
  array indices (``x = 0, y = 0`` is the centre of the top-left pixel, as in
  numpy); they may lie outside the image, where drawing is clipped.
* ``radius`` (a point is a filled disk) and ``width`` (a stroke is a polyline
  that wide) are finite numbers > 0, in pixels.
* ``rgb`` is three integers 0..255, sRGB; only its chroma (Lab a, b) is used.
* ``strength`` (optional) is this photo's colour strength, a number in
  :data:`~colorizer_gui.core.strength.STRENGTH_RANGE` (1 is the model's own
  colour). Missing means the photo has none of its own: a batch then uses its
  ``--strength``. A reader older than this key ignores it, as below.
* Unknown keys are ignored, so later minor additions stay readable.

Every malformed document raises :class:`~colorizer_gui.core.errors.HintsError`
with the file and a reason that says what is wrong and where.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from colorizer_gui.core import color
from colorizer_gui.core.errors import HintsError, ImageWriteError
from colorizer_gui.core.imageio import atomic_output
from colorizer_gui.core.strength import check_strength

__all__ = [
    "HINTS_VERSION",
    "HintPoint",
    "HintStroke",
    "Hints",
    "hints_from_dict",
    "hints_to_dict",
    "load_hints",
    "rasterize_hint_planes",
    "rasterize_hints",
    "save_hints",
    "sidecar_path",
]

HINTS_VERSION = 1
_SIDECAR_SUFFIX = ".hints.json"
#: Slack on "centre within radius" so pixels exactly on the rim count despite float rounding.
_RIM_EPS = 1e-6

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class HintPoint:
    """A filled disk of one colour, in original-image pixels."""

    x: float
    y: float
    radius: float
    rgb: RGB


@dataclass(frozen=True)
class HintStroke:
    """A polyline of one colour and width, in original-image pixels."""

    points: tuple[tuple[float, float], ...]
    width: float
    rgb: RGB


@dataclass(frozen=True)
class Hints:
    """All colour edits for one image; ``image_size`` is (width, height) of the original.

    ``strength`` is the photo's own colour strength, or None where it follows the
    caller's default. The pipeline never reads it: whoever builds the
    ``ColorizeOptions`` (the batch runner, the editor) decides which strength wins.
    """

    image_size: tuple[int, int]
    points: tuple[HintPoint, ...] = ()
    strokes: tuple[HintStroke, ...] = ()
    strength: float | None = None

    def is_empty(self) -> bool:
        """True when there is nothing to draw, so callers can skip the hint channels."""
        return not self.points and not self.strokes

    @property
    def count(self) -> int:
        """How many hints the user gave (points and strokes): what spreading reach and provenance notes count."""
        return len(self.points) + len(self.strokes)


def sidecar_path(image_path: Path) -> Path:
    """The sidecar next to an image: the full file name plus ``.hints.json``."""
    return image_path.with_name(image_path.name + _SIDECAR_SUFFIX)


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Validates one document and words every failure with where it happened."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def fail(self, reason: str) -> HintsError:
        return HintsError(f"{reason} (fix the hints file or delete it to start over)", path=self.path)

    def mapping(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where} must be a JSON object, not {_kind(value)}")
        return value

    def key(self, data: dict[str, Any], key: str, where: str) -> object:
        if key not in data:
            raise self.fail(f"{where} is missing the key {key!r}")
        return data[key]

    def number(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{where} must be a number, not {_kind(value)}")
        if not math.isfinite(value):
            raise self.fail(f"{where} must be a finite number, not {value}")
        return float(value)

    def positive(self, value: object, where: str) -> float:
        number = self.number(value, where)
        if number <= 0:
            raise self.fail(f"{where} must be greater than 0, not {_fmt(number)}")
        return number

    def array(self, value: object, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"{where} must be a JSON list, not {_kind(value)}")
        return value

    def rgb(self, value: object, where: str) -> RGB:
        items = self.array(value, where)
        if len(items) != 3:
            raise self.fail(f"{where} must have 3 values (red, green, blue), not {len(items)}")
        out: list[int] = []
        for channel, item in zip("rgb", items, strict=True):
            if isinstance(item, bool) or not isinstance(item, int):
                raise self.fail(f"{where} {channel} must be an integer 0..255, not {_kind(item)}")
            if not 0 <= item <= 255:
                raise self.fail(f"{where} {channel} must be in 0..255, not {item}")
            out.append(item)
        return (out[0], out[1], out[2])

    def image_size(self, value: object) -> tuple[int, int]:
        items = self.array(value, "image_size")
        if len(items) != 2:
            raise self.fail(f"image_size must be [width, height], got {len(items)} values")
        size: list[int] = []
        for name, item in zip(("width", "height"), items, strict=True):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise self.fail(f"image_size {name} must be a positive integer, not {item!r}")
            size.append(item)
        return (size[0], size[1])

    def strength(self, value: object) -> float | None:
        if value is None:
            return None
        try:
            return check_strength(self.number(value, "strength"))
        except ValueError as exc:
            raise self.fail(str(exc)) from None

    def point(self, value: object, where: str) -> HintPoint:
        data = self.mapping(value, where)
        return HintPoint(
            x=self.number(self.key(data, "x", where), f"{where} x"),
            y=self.number(self.key(data, "y", where), f"{where} y"),
            radius=self.positive(self.key(data, "radius", where), f"{where} radius"),
            rgb=self.rgb(self.key(data, "rgb", where), f"{where} rgb"),
        )

    def stroke(self, value: object, where: str) -> HintStroke:
        data = self.mapping(value, where)
        raw = self.array(self.key(data, "points", where), f"{where} points")
        if not raw:
            raise self.fail(f"{where} points must hold at least one [x, y] pair")
        vertices: list[tuple[float, float]] = []
        for j, pair in enumerate(raw):
            spot = f"{where} point {j}"
            items = self.array(pair, spot)
            if len(items) != 2:
                raise self.fail(f"{spot} must be [x, y], got {len(items)} values")
            vertices.append((self.number(items[0], f"{spot} x"), self.number(items[1], f"{spot} y")))
        return HintStroke(
            points=tuple(vertices),
            width=self.positive(self.key(data, "width", where), f"{where} width"),
            rgb=self.rgb(self.key(data, "rgb", where), f"{where} rgb"),
        )


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), f"{type(value).__name__} {value!r}")


def _fmt(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def hints_from_dict(data: object, *, path: Path | None = None) -> Hints:
    """Build :class:`Hints` from parsed sidecar JSON, checking every field.

    Parameters
    ----------
    data : object
        The result of ``json.load`` on a sidecar.
    path : Path, optional
        The sidecar file, used only to name it in errors.

    Returns
    -------
    Hints

    Raises
    ------
    HintsError
        When the version is not 1 or any field is missing, mistyped or out of range.
    """
    reader = _Reader(path)
    doc = reader.mapping(data, "the hints document")
    version = reader.key(doc, "version", "the hints document")
    if isinstance(version, bool) or version != HINTS_VERSION:
        raise HintsError(
            f"unsupported hints version {version!r}; this Colorizer reads version {HINTS_VERSION} "
            "(update Colorizer or re-create the hints)",
            path=path,
        )
    size = reader.image_size(reader.key(doc, "image_size", "the hints document"))
    points = reader.array(doc.get("points", []), "points")
    strokes = reader.array(doc.get("strokes", []), "strokes")
    return Hints(
        image_size=size,
        points=tuple(reader.point(item, f"point {i}") for i, item in enumerate(points)),
        strokes=tuple(reader.stroke(item, f"stroke {i}") for i, item in enumerate(strokes)),
        strength=reader.strength(doc.get("strength")),
    )


def hints_to_dict(hints: Hints) -> dict[str, Any]:
    """The JSON-ready sidecar document for ``hints`` (inverse of :func:`hints_from_dict`)."""
    doc: dict[str, Any] = {
        "version": HINTS_VERSION,
        "image_size": [int(hints.image_size[0]), int(hints.image_size[1])],
        "points": [{"x": p.x, "y": p.y, "radius": p.radius, "rgb": [int(c) for c in p.rgb]} for p in hints.points],
        "strokes": [
            {"points": [[x, y] for x, y in s.points], "width": s.width, "rgb": [int(c) for c in s.rgb]}
            for s in hints.strokes
        ],
    }
    if hints.strength is not None:
        doc["strength"] = hints.strength
    return doc


def load_hints(path: Path) -> Hints:
    """Read and check a sidecar file.

    Raises
    ------
    HintsError
        When the file cannot be read, is not JSON, or is malformed.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HintsError("the hints file does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HintsError(f"the hints file cannot be read: {exc}", path=path) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HintsError(
            f"the hints file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            path=path,
        ) from exc
    return hints_from_dict(data, path=Path(path))


def save_hints(path: Path, hints: Hints) -> None:
    """Write a sidecar atomically, so a crash never leaves half a file over a good one.

    Raises
    ------
    HintsError
        When the folder is not writable.
    """
    path = Path(path)
    text = json.dumps(hints_to_dict(hints), indent=2) + "\n"
    try:
        with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except ImageWriteError as exc:
        raise HintsError(f"cannot write the hints file: {exc.reason}", path=path) from exc
    except OSError as exc:
        raise HintsError(f"cannot write the hints file: {exc}", path=path) from exc


# --------------------------------------------------------------------------- rasterizing


def _rgb_to_ab(rgb: RGB) -> tuple[float, float]:
    lab = color.srgb_to_lab(np.array(rgb, dtype=np.float32).reshape(1, 3) / np.float32(255.0))
    return float(lab[0, 1]), float(lab[0, 2])


def rasterize_hints(
    hints: Hints, content: tuple[int, int], padded: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Draw the hints as the model's hint planes at working size.

    Coordinates are scaled from ``hints.image_size`` to ``content``, x and y each
    by their own ratio, so hints made on a differently sized copy of the photo
    (e.g. a preview or a re-scan) still land on the same spots. Radii and widths
    scale by the geometric mean of the two ratios and are at least 1 working
    pixel. Later hints paint over earlier ones; points are drawn after strokes.

    Parameters
    ----------
    hints : Hints
    content : (height, width)
        The photo's size inside the model input (``WorkingGeometry.content``).
    padded : (height, width)
        The model input's size (``WorkingGeometry.padded``); the padding stays empty.

    Returns
    -------
    hint_ab : float32 (2, H, W)
        Lab a and b of the hint colours, 0 where there is no hint.
    mask : float32 (H, W)
        1 where a hint is drawn, else 0.
    """
    ch, cw = content
    ph, pw = padded
    if ch > ph or cw > pw or ch < 1 or cw < 1:
        raise ValueError(f"content {content} must be positive and fit inside padded {padded}")
    hint_ab = np.zeros((2, ph, pw), dtype=np.float32)
    mask = np.zeros((ph, pw), dtype=np.float32)
    if hints.is_empty():
        return hint_ab, mask
    planes = _draw(hints, content)
    hint_ab[0, :ch, :cw] = planes[0]
    hint_ab[1, :ch, :cw] = planes[1]
    mask[:ch, :cw] = planes[2]
    return hint_ab, mask


def rasterize_hint_planes(
    hints: Hints, content: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.int32]]:
    """:func:`rasterize_hints` at content size, plus which hint each pixel shows (0: none), in one drawing.

    Strokes are numbered 1.. in order, then points, so the spreading can count each hint once.
    """
    if hints.is_empty():
        return np.zeros((2, *content), dtype=np.float32), np.zeros(content, np.float32), np.zeros(content, np.int32)
    a, b, mask, ids = _draw(hints, content)
    return np.stack([a, b]), mask, ids.astype(np.int32)


def _draw(hints: Hints, content: tuple[int, int]) -> list[npt.NDArray[np.float32]]:
    """Content-sized planes a, b, mask and hint number, clipped at their border (the padding stays empty)."""
    ch, cw = content
    width, height = hints.image_size
    sx, sy = cw / width, ch / height
    scale = math.sqrt(sx * sy)
    planes = [np.zeros((ch, cw), dtype=np.float32) for _ in range(4)]

    def to_working(x: float, y: float) -> tuple[float, float]:
        # Pixel centres map onto pixel centres: index i covers [i - 0.5, i + 0.5).
        return (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5

    number = itertools.count(1)
    for stroke in hints.strokes:
        values = (*_rgb_to_ab(stroke.rgb), 1.0, float(next(number)))
        vertices = [to_working(x, y) for x, y in stroke.points]
        # A lone vertex is a dot of radius >= 1; a polyline is at least one pixel wide.
        half = max(1.0, stroke.width * scale / 2) if len(vertices) == 1 else max(1.0, stroke.width * scale) / 2
        _paint(planes, values, _capsules(vertices, half, (ch, cw)))
    for point in hints.points:
        values = (*_rgb_to_ab(point.rgb), 1.0, float(next(number)))
        center = to_working(point.x, point.y)
        _paint(planes, values, _capsules([center], max(1.0, point.radius * scale), (ch, cw)))
    return planes


_Shape = tuple[slice, slice, npt.NDArray[np.bool_]] | None


def _capsules(vertices: list[tuple[float, float]], radius: float, size: tuple[int, int]) -> _Shape:
    """Pixels whose centre lies within ``radius`` of the polyline (a disk for one vertex), clipped to ``size``.

    Returns the bounding box as slices and the mask inside it, or None when nothing is inside.
    """
    h, w = size
    xs = [x for x, _ in vertices]
    ys = [y for _, y in vertices]
    x0, x1 = max(0, math.floor(min(xs) - radius)), min(w - 1, math.ceil(max(xs) + radius))
    y0, y1 = max(0, math.floor(min(ys) - radius)), min(h - 1, math.ceil(max(ys) + radius))
    if x0 > x1 or y0 > y1:
        return None
    inside = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=bool)
    limit = radius * radius + _RIM_EPS
    pairs = list(itertools.pairwise(vertices)) or [(vertices[0], vertices[0])]
    for (ax, ay), (bx, by) in pairs:
        # Each segment only looks at its own bounding box, so long strokes stay cheap.
        sx0, sx1 = max(x0, math.floor(min(ax, bx) - radius)), min(x1, math.ceil(max(ax, bx) + radius))
        sy0, sy1 = max(y0, math.floor(min(ay, by) - radius)), min(y1, math.ceil(max(ay, by) + radius))
        if sx0 > sx1 or sy0 > sy1:
            continue
        gy, gx = np.mgrid[sy0 : sy1 + 1, sx0 : sx1 + 1].astype(np.float64)
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        if length2 > 0:
            t = np.clip(((gx - ax) * dx + (gy - ay) * dy) / length2, 0.0, 1.0)
            ex, ey = gx - (ax + t * dx), gy - (ay + t * dy)
        else:
            ex, ey = gx - ax, gy - ay
        inside[sy0 - y0 : sy1 - y0 + 1, sx0 - x0 : sx1 - x0 + 1] |= ex * ex + ey * ey <= limit
    if not inside.any():
        return None
    return slice(y0, y1 + 1), slice(x0, x1 + 1), inside


def _paint(planes: list[npt.NDArray[np.float32]], values: tuple[float, ...], shape: _Shape) -> None:
    """Set each plane to its value under the shape (later shapes paint over earlier ones)."""
    if shape is None:
        return
    rows, cols, inside = shape
    for plane, value in zip(planes, values, strict=True):
        plane[rows, cols][inside] = value
