"""Scan resolution (pixels per inch or centimetre) in the terms of each container: JFIF, pHYs, EXIF, TIFF.

Archivists print from the resolution, so it is carried in the unit the source
used and converted only where a container has no such unit (PNG counts per
metre, JFIF only whole numbers). A resolution without a unit is just a pixel
aspect ratio: it is kept as one and never turned into dots per inch.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

__all__ = [
    "EXIF_UNIT_CODES",
    "Resolution",
    "Unit",
    "choose",
    "from_exif",
    "from_jfif",
    "from_per_metre",
    "from_phys",
    "from_tiff",
    "make",
    "phys_body",
]

Unit = Literal["inch", "cm", "none"]
#: The ResolutionUnit codes EXIF and TIFF share (1 none, 2 inch, 3 centimetre).
EXIF_UNIT_CODES: dict[Unit, int] = {"none": 1, "inch": 2, "cm": 3}
_UNITS_BY_CODE: dict[int, Unit] = {code: unit for unit, code in EXIF_UNIT_CODES.items()}
_UNITS_BY_NAME: dict[object, Unit] = {unit: unit for unit in EXIF_UNIT_CODES}
_CM_PER_INCH = 2.54
_INCH_PER_METRE = 100 / _CM_PER_INCH
_PHYS_MAX = 2**31 - 1


@dataclass(frozen=True)
class Resolution:
    """Pixels per ``unit`` along x (width) and y (height); build it with :func:`make`."""

    x: float
    y: float
    unit: Unit

    def swapped(self) -> Resolution:
        """The same resolution for pixels turned by 90 degrees."""
        return Resolution(self.y, self.x, self.unit)

    def dpi(self) -> tuple[float, float] | None:
        """Dots per inch, or None for a bare aspect ratio."""
        if self.unit == "none":
            return None
        factor = 1.0 if self.unit == "inch" else _CM_PER_INCH
        return self.x * factor, self.y * factor


def make(x: object, y: object, unit: object) -> Resolution | None:
    """A checked resolution, or None when the values are unusable (zero, negative, NaN, unknown unit).

    A square aspect ratio without a unit says nothing a reader would not assume,
    so it is None too (tifffile writes exactly that when given no resolution).
    """
    checked_unit = _UNITS_BY_NAME.get(unit)
    if not isinstance(x, numbers.Real) or not isinstance(y, numbers.Real) or checked_unit is None:
        return None
    try:
        fx, fy = float(x), float(y)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    if not (math.isfinite(fx) and math.isfinite(fy) and fx > 0 and fy > 0):
        return None
    if checked_unit == "none" and math.isclose(fx, fy):
        return None
    return Resolution(fx, fy, checked_unit)


def from_jfif(unit: int, x: int, y: int) -> Resolution | None:
    """JFIF APP0 density: unit 1 per inch, 2 per centimetre, 0 aspect ratio only."""
    return make(x, y, {0: "none", 1: "inch", 2: "cm"}.get(unit))


def from_phys(body: bytes) -> Resolution | None:
    """PNG pHYs: pixels per metre (unit 1) or an aspect ratio (unit 0)."""
    if len(body) < 9:
        return None
    x, y = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
    if body[8] == 0:
        return make(x, y, "none")
    return from_per_metre(x, y) if body[8] == 1 else None


def from_per_metre(x: int, y: int) -> Resolution | None:
    """Pixels per metre (PNG pHYs, BMP header) in a unit people set scanners to.

    Writers round dpi to whole pixels per metre, so when both axes are the
    rounding of whole dpi values those are returned; otherwise the exact
    centimetre values.
    """
    whole = (round(x / _INCH_PER_METRE), round(y / _INCH_PER_METRE))
    if all(d > 0 and round(d * _INCH_PER_METRE) == ppm for d, ppm in zip(whole, (x, y), strict=True)):
        return make(whole[0], whole[1], "inch")
    return make(x / 100, y / 100, "cm")


def phys_body(res: Resolution) -> bytes | None:
    """The 9-byte pHYs body for a resolution, or None if it does not fit the chunk."""
    if res.unit == "none":
        ratio = Fraction(res.x / res.y).limit_denominator(65535)
        x, y, unit = ratio.numerator, ratio.denominator, 0
    else:
        per_metre = _INCH_PER_METRE if res.unit == "inch" else 100.0
        x, y, unit = round(res.x * per_metre), round(res.y * per_metre), 1
    if not (0 < x <= _PHYS_MAX and 0 < y <= _PHYS_MAX):
        return None
    return x.to_bytes(4, "big") + y.to_bytes(4, "big") + bytes([unit])


def from_exif(x: object, y: object, unit: object) -> Resolution | None:
    """EXIF/TIFF XResolution, YResolution, ResolutionUnit (unit defaults to inch, y to x, per the spec)."""
    if x is None:
        return None
    code = 2 if unit is None else unit
    return make(x, x if y is None else y, _UNITS_BY_CODE.get(code) if isinstance(code, int) else None)


def from_tiff(tags: dict[int, object]) -> Resolution | None:
    """Resolution from tifffile tag values (rationals come as (numerator, denominator))."""

    def value(code: int) -> object:
        v = tags.get(code)
        if isinstance(v, tuple) and len(v) == 2 and all(isinstance(n, int) for n in v):
            return v[0] / v[1] if v[1] else None
        return v

    return from_exif(value(282), value(283), tags.get(296))


def choose(native: Resolution | None, exif: Resolution | None) -> Resolution | None:
    """The container's own resolution wins; EXIF only fills a gap or, if it agrees, adds precision.

    JFIF and pHYs hold whole numbers, so an agreeing EXIF value (an exact
    rational in the source's unit) is the better copy of the same fact.
    """
    if native is None or exif is None:
        return native or exif
    a, b = native.dpi(), exif.dpi()
    if a is None or b is None:
        agree = a is None and b is None and math.isclose(native.x / native.y, exif.x / exif.y, rel_tol=1e-3)
    else:
        agree = all(math.isclose(p, q, rel_tol=0.01) for p, q in zip(a, b, strict=True))
    return exif if agree else native
