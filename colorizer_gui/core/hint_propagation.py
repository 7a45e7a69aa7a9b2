"""Edge-aware spreading of user hints over the model's chroma, so a few clicks recolour whole regions.

A generator trained briefly follows a hint on the hinted pixels but spreads it
only a little. The engine therefore adds, to the model's automatic prediction, each
hint's correction (hint colour minus predicted colour) weighted by distance, by
lightness similarity and by similarity of the model's own predicted chroma (the
model's colours outline its idea of objects, so a hint stays on "its" object),
a cross-bilateral normalised convolution over the hints:

    correction(p) = sum_h w_h(p) r_h(p) / (sum_h w_h(p) + EPSILON)
    k_i(p) = exp(-|p - p_i|^2 / 2 s_d^2 - (L(p) - L_i)^2 / 2 s_L^2 - |ab(p) - ab_i|^2 / 2 s_ab^2)
    w_h(p) = max over the seeds i of hint h of k_i(p),  r_h(p) = the k-weighted mean residual of those seeds

Seeds ``i`` are the hinted pixels pooled into small cells, which keeps long
brush strokes cheap. Each hint counts once, by its nearest matching part: a
broad brush stroke across the sky does not outweigh a small point on a
building because it covers more pixels (summing over pixels did, and one sky
stroke turned a whole city blue). Hinted pixels keep the hint's colour
exactly; near a hint the correction is almost the full residual; far away, or
across a lightness or predicted-colour edge, it fades to zero and the model's
own colour stays.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["CHROMA_SIGMA", "LIGHTNESS_SIGMA", "propagate_hints", "spatial_sigma_for"]

FloatArray = npt.NDArray[np.float32]

#: Spatial reach bounds, as fractions of the working image's long side.
SPATIAL_SIGMA_RANGE = (0.08, 0.6)
#: Spatial reach in units of the spacing between hints, sqrt(area / hints).
REACH_PER_SPACING = 1.0
#: Lightness difference (Lab L units) at which a hint's influence falls to ~60 %.
LIGHTNESS_SIGMA = 10.0
#: Difference of predicted chroma (Lab ab units) at which a hint's influence falls to ~60 %.
CHROMA_SIGMA = 10.0
#: Summed hint weight (one hint at full kernel weighs 1) at which a correction is half applied.
EPSILON = 0.08
#: Power on each hint's weight when hints compete for a pixel: 1 blends them evenly, higher lets the
#: best-matching hint take the pixel.
COMPETITION = 2.0
#: Seed cell size in working pixels.
CELL = 4


class _Seeds:
    """The hinted pixels of each hint pooled into CELL x CELL cells: one seed per (cell, hint)."""

    def __init__(
        self, residual: FloatArray, predicted: FloatArray, lightness: FloatArray, labels: npt.NDArray[np.int32]
    ) -> None:
        yy, xx = np.nonzero(labels)
        label = labels[yy, xx].astype(np.int64)
        cells_across = math.ceil(labels.shape[1] / CELL)
        key = ((yy // CELL) * cells_across + xx // CELL) * (int(label.max()) + 1) + label
        _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)

        def mean(values: npt.NDArray[np.generic]) -> FloatArray:
            return (np.bincount(inverse, weights=values.astype(np.float64)) / counts).astype(np.float32)

        self.label = label[first]
        self.y, self.x = mean(yy), mean(xx)
        self.lightness = mean(lightness[yy, xx])
        self.residual = np.stack([mean(residual[c, yy, xx]) for c in range(2)])
        self.predicted = np.stack([mean(predicted[c, yy, xx]) for c in range(2)])

    def of(self, label: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """(y, x, L, residual (2, n), predicted ab (2, n)) of one hint's seeds."""
        pick = self.label == label
        return self.y[pick], self.x[pick], self.lightness[pick], self.residual[:, pick], self.predicted[:, pick]


def spatial_sigma_for(hint_count: int, height: int, width: int) -> float:
    """Reach (fraction of the long side) about the spacing between hints: few hints reach far.

    Tuned on training photos (never val): :data:`REACH_PER_SPACING` spacings,
    sqrt(area / hints), clamped to :data:`SPATIAL_SIGMA_RANGE`.
    """
    spacing = REACH_PER_SPACING * math.sqrt(height * width / max(1, hint_count)) / max(height, width)
    low, high = SPATIAL_SIGMA_RANGE
    return min(high, max(low, spacing))


def propagate_hints(
    ab: FloatArray,
    lightness: FloatArray,
    hint_ab: FloatArray,
    mask: FloatArray,
    *,
    ids: npt.NDArray[np.integer] | None = None,
    hint_count: int = 1,
    spatial_sigma: float | None = None,
    lightness_sigma: float = LIGHTNESS_SIGMA,
    chroma_sigma: float | None = CHROMA_SIGMA,
) -> FloatArray:
    """Return ``ab`` (2, h, w) plus the hints' edge-aware corrections; inputs are at working content size.

    Parameters
    ----------
    ab : predicted Lab chroma, float32 (2, h, w)
    lightness : working-size Lab L, float32 (h, w)
    hint_ab : rasterized hint chroma, float32 (2, h, w)
    mask : rasterized hint mask, float32 (h, w), > 0 where hinted
    ids : which hint drew each pixel (``hints.rasterize_hint_planes``); None counts all hinted pixels as one hint
    hint_count : how many points and strokes the user gave (sets the reach unless ``spatial_sigma``)
    spatial_sigma : reach as a fraction of the long side, overriding the automatic one
    lightness_sigma : lightness tolerance (Lab L units)
    chroma_sigma : tolerance for differences of the model's predicted ab; None ignores them
    """
    hinted = mask > 0
    if not hinted.any():
        return ab
    h, w = lightness.shape
    residual = (hint_ab - ab).astype(np.float32)
    if spatial_sigma is None:
        spatial_sigma = spatial_sigma_for(hint_count, h, w)
    kernel = _Kernel(ab, lightness, spatial_sigma, lightness_sigma, chroma_sigma)
    labels = hinted.astype(np.int32) if ids is None else np.where(hinted, ids, 0).astype(np.int32)
    weight_sum = np.zeros((h, w), dtype=np.float32)
    sharp_sum = np.zeros((h, w), dtype=np.float32)
    correction = np.zeros((2, h, w), dtype=np.float32)
    seeds = _Seeds(residual, ab, lightness, labels)
    for label in np.unique(seeds.label):
        rows, cols, weight, mean_residual = kernel.hint(*seeds.of(int(label)))
        sharp = weight**COMPETITION
        weight_sum[rows, cols] += weight
        sharp_sum[rows, cols] += sharp
        correction[:, rows, cols] += sharp * mean_residual
    # Which hint's colour: the closest match, sharpened so neighbours do not wash each other out;
    # how much of it: all of it near any hint, fading where the hints' summed weight is small.
    strength = weight_sum / (weight_sum + np.float32(EPSILON))
    correction *= strength / np.maximum(sharp_sum, np.float32(1e-30))
    # What the user put down is what they get: hinted pixels take the hint's colour exactly,
    # rather than a blend with nearby hints of other colours.
    return np.where(hinted, hint_ab, ab + correction).astype(np.float32)


class _Kernel:
    """The cross-bilateral kernel on one working image, evaluated seed by seed inside its reach."""

    def __init__(
        self,
        ab: FloatArray,
        lightness: FloatArray,
        spatial_sigma: float,
        lightness_sigma: float,
        chroma_sigma: float | None,
    ) -> None:
        self.ab, self.lightness = ab, lightness
        h, w = lightness.shape
        sd = max(1.0, spatial_sigma * max(h, w))
        self.reach = math.ceil(3 * sd)
        self.inv_sd, self.inv_sl = np.float32(-0.5 / sd**2), np.float32(-0.5 / lightness_sigma**2)
        self.inv_sab = np.float32(-0.5 / chroma_sigma**2) if chroma_sigma else None

    def hint(
        self, ys: FloatArray, xs: FloatArray, lums: FloatArray, res: FloatArray, preds: FloatArray
    ) -> tuple[slice, slice, FloatArray, FloatArray]:
        """One hint inside the box its seeds reach: its weight (its best seed's kernel) and its
        kernel-weighted mean residual (2, ...), with the box as row and column slices."""
        h, w = self.lightness.shape
        by0, by1 = max(0, int(ys.min()) - self.reach), min(h, int(ys.max()) + self.reach + 1)
        bx0, bx1 = max(0, int(xs.min()) - self.reach), min(w, int(xs.max()) + self.reach + 1)
        shape = (by1 - by0, bx1 - bx0)
        best = np.zeros(shape, dtype=np.float32)
        total = np.zeros(shape, dtype=np.float32)
        summed = np.zeros((2, *shape), dtype=np.float32)
        for y, x, lum, r, pab in zip(ys, xs, lums, res.T, preds.T, strict=True):
            y0, y1 = max(0, int(y) - self.reach), min(h, int(y) + self.reach + 1)
            x0, x1 = max(0, int(x) - self.reach), min(w, int(x) + self.reach + 1)
            dy = (np.arange(y0, y1, dtype=np.float32) - y)[:, None]
            dx = (np.arange(x0, x1, dtype=np.float32) - x)[None, :]
            dl = self.lightness[y0:y1, x0:x1] - lum
            exponent = (dy * dy + dx * dx) * self.inv_sd + dl * dl * self.inv_sl
            if self.inv_sab is not None:
                da = self.ab[0, y0:y1, x0:x1] - pab[0]
                db = self.ab[1, y0:y1, x0:x1] - pab[1]
                exponent += (da * da + db * db) * self.inv_sab
            k = np.exp(exponent)
            box = (slice(y0 - by0, y1 - by0), slice(x0 - bx0, x1 - bx0))
            np.maximum(best[box], k, out=best[box])
            total[box] += k
            summed[0][box] += k * r[0]
            summed[1][box] += k * r[1]
        summed /= np.maximum(total, np.float32(1e-30))
        return slice(by0, by1), slice(bx0, bx1), best, summed
