"""Edge-aware spreading of user hints over the model's chroma, so a few clicks recolour whole regions.

A generator trained briefly follows a hint on the hinted pixels but spreads it
only a little. The engine therefore adds, to the model's automatic prediction, each
hint's correction (hint colour minus predicted colour) weighted by distance, by
lightness similarity and by similarity of the model's own predicted chroma (the
model's colours outline its idea of objects, so a hint stays on "its" object),
a cross-bilateral normalised convolution:

    correction(p) = sum_i w_i(p) r_i / (sum_i w_i(p) + EPSILON)
    w_i(p) = n_i exp(-|p - p_i|^2 / 2 s_d^2 - (L(p) - L_i)^2 / 2 s_L^2 - |ab(p) - ab_i|^2 / 2 s_ab^2)

Seeds ``i`` are the hinted pixels pooled into small cells (``n_i`` pixels each),
which keeps long brush strokes cheap. Hinted pixels keep the hint's colour
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
#: Weight (in hinted pixels) at which a correction is half applied.
EPSILON = 0.3
#: Seed cell size in working pixels.
CELL = 4


def _seeds(
    residual: FloatArray, predicted: FloatArray, lightness: FloatArray, mask: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Pool hinted pixels into CELL x CELL cells.

    Returns (y, x, L, residual (2, n), predicted ab (2, n), count) per occupied cell.
    """
    h, w = mask.shape
    gh, gw = math.ceil(h / CELL), math.ceil(w / CELL)

    def pool(plane: np.ndarray) -> npt.NDArray[np.float64]:
        padded = np.zeros((gh * CELL, gw * CELL), dtype=np.float64)
        padded[:h, :w] = plane
        pooled: npt.NDArray[np.float64] = padded.reshape(gh, CELL, gw, CELL).sum(axis=(1, 3))
        return pooled

    m = mask.astype(np.float64)
    yy, xx = np.mgrid[0:h, 0:w]
    count = pool(m)
    occupied = count > 0
    n = count[occupied]
    y = pool(yy * m)[occupied] / n
    x = pool(xx * m)[occupied] / n
    lum = pool(lightness * m)[occupied] / n
    res = np.stack([pool(residual[c] * m)[occupied] / n for c in range(2)])
    pred = np.stack([pool(predicted[c] * m)[occupied] / n for c in range(2)])
    return (
        y.astype(np.float32),
        x.astype(np.float32),
        lum.astype(np.float32),
        res.astype(np.float32),
        pred.astype(np.float32),
        n.astype(np.float32),
    )


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
    ys, xs, lums, res, preds, counts = _seeds(residual, ab, lightness, hinted)
    if spatial_sigma is None:
        spatial_sigma = spatial_sigma_for(hint_count, h, w)
    sd = max(1.0, spatial_sigma * max(h, w))
    reach = math.ceil(3 * sd)
    inv_sd, inv_sl = np.float32(-0.5 / sd**2), np.float32(-0.5 / lightness_sigma**2)
    inv_sab = np.float32(-0.5 / chroma_sigma**2) if chroma_sigma else None
    weight_sum = np.zeros((h, w), dtype=np.float32)
    correction = np.zeros((2, h, w), dtype=np.float32)
    for y, x, lum, r, pab, n in zip(ys, xs, lums, res.T, preds.T, counts, strict=True):
        y0, y1 = max(0, int(y) - reach), min(h, int(y) + reach + 1)
        x0, x1 = max(0, int(x) - reach), min(w, int(x) + reach + 1)
        dy = (np.arange(y0, y1, dtype=np.float32) - y)[:, None]
        dx = (np.arange(x0, x1, dtype=np.float32) - x)[None, :]
        dl = lightness[y0:y1, x0:x1] - lum
        exponent = (dy * dy + dx * dx) * inv_sd + dl * dl * inv_sl
        if inv_sab is not None:
            da = ab[0, y0:y1, x0:x1] - pab[0]
            db = ab[1, y0:y1, x0:x1] - pab[1]
            exponent += (da * da + db * db) * inv_sab
        wk = n * np.exp(exponent)
        weight_sum[y0:y1, x0:x1] += wk
        correction[0, y0:y1, x0:x1] += wk * r[0]
        correction[1, y0:y1, x0:x1] += wk * r[1]
    correction /= weight_sum + np.float32(EPSILON)
    # What the user put down is what they get: hinted pixels take the hint's colour exactly,
    # rather than a blend with nearby hints of other colours.
    return np.where(hinted, hint_ab, ab + correction).astype(np.float32)
