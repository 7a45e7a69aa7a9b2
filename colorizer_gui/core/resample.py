"""Resizing and box filtering in numpy, so the app ships without OpenCV (about 150 MB of the bundle).

The conventions follow OpenCV's, which the pipeline was first written against:
pixel centres sit at ``i + 0.5`` in continuous coordinates, borders replicate
for interpolation and reflect (``fedcba|abcdef``) for the box filter.

* :func:`resize_area` averages exactly the source area under each output pixel
  (``INTER_AREA`` when shrinking). It works on bands of rows, so a 100 MP
  16-bit scan never gets a full-size float copy.
* :func:`resize_cubic` is the 4-tap cubic (a = -0.75, ``INTER_CUBIC``) used to
  enlarge photos smaller than the working size.
* :func:`linear_taps` gives the two taps and weights of bilinear upsampling.
* :func:`box_filter` is a normalized mean over a square window via an integral image.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["box_filter", "linear_taps", "resize_area", "resize_cubic"]

#: Source rows read per band in :func:`resize_area` (bounds its float64 prefix sums).
_BAND_ROWS = 128
_CUBIC_A = -0.75

FloatArray = npt.NDArray[np.float64]


def _check(pixels: np.ndarray, size: tuple[int, int]) -> tuple[int, int]:
    height, width = size
    if height < 1 or width < 1:
        raise ValueError(f"output size must be positive, not {size}")
    if pixels.ndim not in (2, 3) or pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise ValueError(f"expected a non-empty (H, W) or (H, W, C) array, got {pixels.shape}")
    return height, width


def _to_dtype(values: FloatArray, dtype: np.dtype) -> np.ndarray:
    """Round and saturate to an integer dtype (as OpenCV's ``saturate_cast``); floats pass through."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


def _area_along(values: np.ndarray, starts: FloatArray, ends: FloatArray, axis: int) -> FloatArray:
    """Mean of ``values`` over [start, end) along ``axis``, each sample covering [i, i + 1).

    Uses the prefix sum of the piecewise-constant signal, evaluated at fractional
    positions: S(x) = P[floor x] + frac(x) * v[floor x].
    """
    moved = np.moveaxis(values, axis, 0)
    n = moved.shape[0]
    prefix = np.empty((n + 1, *moved.shape[1:]), dtype=np.float64)
    prefix[0] = 0.0
    np.cumsum(moved, axis=0, dtype=np.float64, out=prefix[1:])

    def integral(x: FloatArray) -> FloatArray:
        k = np.minimum(np.floor(x).astype(np.intp), n - 1)
        frac = (x - k).reshape(-1, *([1] * (moved.ndim - 1)))
        result: FloatArray = prefix[k] + frac * moved[k]
        return result

    span = (ends - starts).reshape(-1, *([1] * (moved.ndim - 1)))
    mean = (integral(ends) - integral(starts)) / span
    return np.moveaxis(mean, 0, axis)


def resize_area(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Shrink ``pixels`` to ``size`` = (height, width) by exact area averaging, keeping the dtype.

    Meant for shrinking (each output pixel averages the source area it covers);
    used to enlarge it degrades to nearest-neighbour-like blocks. Memory stays
    bounded by a band of about 128 source rows in float64 plus the output.

    Parameters
    ----------
    pixels : (H, W) or (H, W, C) array, integer or float
    size : (height, width) of the result

    Returns
    -------
    Array of shape (height, width[, C]) and the input's dtype (integers rounded).
    """
    out_h, out_w = _check(pixels, size)
    in_h, in_w = pixels.shape[:2]
    if (in_h, in_w) == (out_h, out_w):
        return pixels.copy()
    out = np.empty((out_h, out_w, *pixels.shape[2:]), dtype=pixels.dtype)
    sy, sx = in_h / out_h, in_w / out_w
    col_edges = np.arange(out_w + 1, dtype=np.float64) * sx
    col_edges[-1] = in_w
    rows_per_band = max(1, int(_BAND_ROWS // max(sy, 1.0)))
    for o0 in range(0, out_h, rows_per_band):
        o1 = min(out_h, o0 + rows_per_band)
        y_edges = np.arange(o0, o1 + 1, dtype=np.float64) * sy
        if o1 == out_h:
            y_edges[-1] = in_h
        r0 = int(np.floor(y_edges[0]))
        r1 = min(in_h, int(np.ceil(y_edges[-1])))
        rows = _area_along(pixels[r0:r1], y_edges[:-1] - r0, y_edges[1:] - r0, axis=0)
        out[o0:o1] = _to_dtype(_area_along(rows, col_edges[:-1], col_edges[1:], axis=1), pixels.dtype)
    return out


def _cubic_taps(n_in: int, n_out: int) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Source indices (n_out, 4) and weights (n_out, 4) of 4-tap cubic resampling, borders replicated."""
    x = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    base = np.floor(x)
    t = (x - base)[:, None]
    offsets = np.arange(-1, 3)
    d = np.abs(t - offsets[None, :].astype(np.float64))
    a = _CUBIC_A
    weights = np.where(
        d <= 1.0,
        ((a + 2) * d - (a + 3)) * d * d + 1,
        np.where(d < 2.0, ((a * d - 5 * a) * d + 8 * a) * d - 4 * a, 0.0),
    )
    index = np.clip(base.astype(np.intp)[:, None] + offsets[None, :], 0, n_in - 1)
    return index, weights


def resize_cubic(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize ``pixels`` to ``size`` = (height, width) with the 4-tap cubic kernel, keeping the dtype.

    No antialiasing: meant for enlarging (small photos up to the working size).
    """
    out_h, out_w = _check(pixels, size)
    in_h, in_w = pixels.shape[:2]
    if (in_h, in_w) == (out_h, out_w):
        return pixels.copy()
    row_index, row_weights = _cubic_taps(in_h, out_h)
    col_index, col_weights = _cubic_taps(in_w, out_w)
    extra = (1,) * (pixels.ndim - 2)
    source = pixels.astype(np.float64)
    rows = np.zeros((out_h, in_w, *pixels.shape[2:]), dtype=np.float64)
    for k in range(4):
        rows += source[row_index[:, k]] * row_weights[:, k].reshape(-1, 1, *extra)
    cols = np.zeros((out_h, out_w, *pixels.shape[2:]), dtype=np.float64)
    for k in range(4):
        cols += rows[:, col_index[:, k]] * col_weights[:, k].reshape(1, -1, *extra)
    return _to_dtype(cols, pixels.dtype)


def linear_taps(n_in: int, n_out: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]:
    """(left, right, t) so that out[j] = in[left[j]] * (1 - t[j]) + in[right[j]] * t[j] (bilinear, clamped)."""
    x = np.clip((np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5, 0.0, n_in - 1)
    left = np.floor(x).astype(np.intp)
    right = np.minimum(left + 1, n_in - 1)
    return left, right, x - left


def box_filter(plane: np.ndarray, radius: int) -> FloatArray:
    """Mean of each (2r+1) x (2r+1) window of a 2-D plane, the border mirrored with its edge pixel repeated."""
    if plane.ndim != 2:
        raise ValueError(f"box_filter takes a 2-D plane, got {plane.shape}")
    if radius < 0:
        raise ValueError(f"radius must be >= 0, not {radius}")
    h, w = plane.shape
    size = 2 * radius + 1
    padded = np.pad(plane.astype(np.float64), radius, mode="symmetric")
    integral = np.zeros((h + size, w + size), dtype=np.float64)
    np.cumsum(np.cumsum(padded, axis=0), axis=1, out=integral[1:, 1:])
    total = integral[size:, size:] - integral[:h, size:] - integral[size:, :w] + integral[:h, :w]
    result: FloatArray = total / float(size * size)
    return result
