"""sRGB <-> CIE Lab (D65), the one definition the engine and the training code share.

The constants below are the contract: ``training/`` re-implements the same
formulas in torch from these very constants, and a test keeps both equal.
All functions take and return float32 arrays with channels last.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "D65_WHITE",
    "LAB_EPSILON",
    "LAB_KAPPA",
    "RGB_TO_XYZ",
    "XYZ_TO_RGB",
    "from_unit_float",
    "gray_to_lab_l",
    "lab_l_to_gray",
    "lab_to_srgb",
    "lab_to_srgb_int",
    "linear_to_srgb",
    "srgb_to_lab",
    "srgb_to_lab_l",
    "srgb_to_linear",
    "to_unit_float",
]

FloatArray = npt.NDArray[np.float32]

#: Linear sRGB -> XYZ (D65), IEC 61966-2-1.
RGB_TO_XYZ = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ],
    dtype=np.float64,
)
XYZ_TO_RGB = np.linalg.inv(RGB_TO_XYZ)
#: Reference white: the XYZ of sRGB white under that matrix (D65, 2 degree observer). Taking it
#: from the matrix itself (it differs from skimage's rounded 0.95047, 1, 1.08883 in the 5th digit)
#: makes sRGB grays land exactly on a = b = 0, so zero chroma gives back the input gray.
D65_WHITE = RGB_TO_XYZ.sum(axis=1)
LAB_EPSILON = 216.0 / 24389.0
LAB_KAPPA = 24389.0 / 27.0


def to_unit_float(pixels: npt.NDArray[np.generic]) -> FloatArray:
    """Scale 8- or 16-bit integer pixels (or floats already in 0..1) to float32 0..1."""
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float32) * np.float32(1.0 / 255.0)
    if pixels.dtype == np.uint16:
        return pixels.astype(np.float32) * np.float32(1.0 / 65535.0)
    return pixels.astype(np.float32, copy=False)


def from_unit_float(values: FloatArray, bit_depth: int) -> npt.NDArray[np.generic]:
    """Round float 0..1 values to uint8 or uint16, clipping out-of-gamut values."""
    if bit_depth not in (8, 16):
        raise ValueError(f"bit depth must be 8 or 16, not {bit_depth}")
    top = 255.0 if bit_depth == 8 else 65535.0
    scaled = np.clip(values, 0.0, 1.0) * np.float32(top) + np.float32(0.5)
    return scaled.astype(np.uint8 if bit_depth == 8 else np.uint16)


def srgb_to_linear(srgb: FloatArray) -> FloatArray:
    """Undo the sRGB transfer curve."""
    srgb = srgb.astype(np.float32, copy=False)
    low = srgb / np.float32(12.92)
    high = ((srgb + np.float32(0.055)) / np.float32(1.055)) ** np.float32(2.4)
    return np.where(srgb <= np.float32(0.04045), low, high).astype(np.float32)


def _srgb_curve(linear: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """The sRGB transfer curve in the input's own precision (float32 images, float64 tables)."""
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1.0 / 2.4) - 0.055)


def linear_to_srgb(linear: FloatArray) -> FloatArray:
    """Apply the sRGB transfer curve (values are clipped to 0..1 first)."""
    return _srgb_curve(np.clip(linear, 0.0, 1.0).astype(np.float32, copy=False)).astype(np.float32)


def _f(t: FloatArray) -> FloatArray:
    cube = np.cbrt(t)
    lin = (np.float32(LAB_KAPPA) * t + np.float32(16.0)) / np.float32(116.0)
    return np.where(t > np.float32(LAB_EPSILON), cube, lin).astype(np.float32)


def _f_inv(f: FloatArray) -> FloatArray:
    cube = f * f * f  # numpy's f**3 goes through pow(): 10x slower on float32
    lin = (np.float32(116.0) * f - np.float32(16.0)) / np.float32(LAB_KAPPA)
    return np.where(cube > np.float32(LAB_EPSILON), cube, lin).astype(np.float32)


def srgb_to_lab(rgb: FloatArray) -> FloatArray:
    """sRGB in 0..1 (..., 3) -> Lab (..., 3) with L in 0..100."""
    linear = srgb_to_linear(rgb)
    xyz = linear @ (RGB_TO_XYZ / D65_WHITE[:, None]).T.astype(np.float32)
    fxyz = _f(xyz)
    lab = np.empty_like(fxyz)
    lab[..., 0] = np.float32(116.0) * fxyz[..., 1] - np.float32(16.0)
    lab[..., 1] = np.float32(500.0) * (fxyz[..., 0] - fxyz[..., 1])
    lab[..., 2] = np.float32(200.0) * (fxyz[..., 1] - fxyz[..., 2])
    return lab


def _lab_to_relative_xyz(
    lightness: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """X/Xn, Y/Yn, Z/Zn of Lab planes: the inverse of Lab's companding, shared by both sRGB paths."""
    fy = (lightness + np.float32(16.0)) / np.float32(116.0)
    return _f_inv(fy + a / np.float32(500.0)), _f_inv(fy), _f_inv(fy - b / np.float32(200.0))


def lab_to_srgb(lab: FloatArray) -> FloatArray:
    """Lab (..., 3) -> sRGB in 0..1 (..., 3); out-of-gamut colours are clipped."""
    lab = lab.astype(np.float32, copy=False)
    xyz = np.stack(_lab_to_relative_xyz(lab[..., 0], lab[..., 1], lab[..., 2]), axis=-1)
    linear = (xyz * D65_WHITE.astype(np.float32)) @ XYZ_TO_RGB.T.astype(np.float32)
    return linear_to_srgb(linear)


#: Steps of the linear -> integer sRGB tables (2**20: 1 MB at 8 bit, 2 MB at 16 bit, built once in
#: ~0.1 s): an output moves by at most 0.002 of a level at 8 bit and 0.4 of a level at 16 bit.
_TABLE_STEPS = {8: 1 << 20, 16: 1 << 20}
_tables: dict[int, npt.NDArray[np.generic]] = {}


def _srgb_table(bit_depth: int) -> npt.NDArray[np.generic]:
    table = _tables.get(bit_depth)
    if table is None:
        steps = _TABLE_STEPS[bit_depth]
        srgb = _srgb_curve(np.arange(steps + 1, dtype=np.float64) / steps)
        top = 255.0 if bit_depth == 8 else 65535.0
        table = _tables[bit_depth] = (srgb * top + 0.5).astype(np.uint8 if bit_depth == 8 else np.uint16)
    return table


def lab_to_srgb_int(lightness: FloatArray, a: FloatArray, b: FloatArray, bit_depth: int) -> npt.NDArray[np.generic]:
    """Lab planes (each (...)) -> 8- or 16-bit sRGB (..., 3), plane by plane and through a table.

    The same as ``from_unit_float(lab_to_srgb(lab), bit_depth)`` up to rare one-level rounding
    differences, and two to four times faster: the power per value and the interleaved matrix
    product were most of the colour maths of a full-resolution output.
    """
    if bit_depth not in _TABLE_STEPS:
        raise ValueError(f"bit depth must be 8 or 16, not {bit_depth}")
    steps, table = np.float32(_TABLE_STEPS[bit_depth]), _srgb_table(bit_depth)
    fxyz = _lab_to_relative_xyz(lightness.astype(np.float32, copy=False), a, b)
    to_linear = (XYZ_TO_RGB * D65_WHITE[None, :]).astype(np.float32)
    out = np.empty((*fxyz[1].shape, 3), dtype=table.dtype)
    for channel in range(3):
        linear = fxyz[0] * to_linear[channel, 0]
        linear += fxyz[1] * to_linear[channel, 1]
        linear += fxyz[2] * to_linear[channel, 2]
        np.clip(linear, 0.0, 1.0, out=linear)
        linear *= steps
        linear += np.float32(0.5)
        out[..., channel] = table[linear.astype(np.int32)]
    return out


def srgb_to_lab_l(rgb: FloatArray) -> FloatArray:
    """Lab lightness of sRGB colours (..., 3) -> (...): the luminance we colorize from.

    Colour or sepia-toned inputs keep their true luminance (never one channel).
    """
    linear = srgb_to_linear(rgb)
    y = linear @ RGB_TO_XYZ[1].astype(np.float32)
    return (np.float32(116.0) * _f(y) - np.float32(16.0)).astype(np.float32)


def gray_to_lab_l(gray: FloatArray) -> FloatArray:
    """Lab lightness of sRGB-encoded gray values in 0..1 (R = G = B)."""
    y = srgb_to_linear(gray)
    return (np.float32(116.0) * _f(y) - np.float32(16.0)).astype(np.float32)


def lab_l_to_gray(lightness: FloatArray) -> FloatArray:
    """Inverse of :func:`gray_to_lab_l`: the sRGB gray value with that lightness."""
    fy = (lightness.astype(np.float32) + np.float32(16.0)) / np.float32(116.0)
    return linear_to_srgb(_f_inv(fy))
