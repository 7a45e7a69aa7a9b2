"""Colorize a photo: predict chroma at the model's working size, apply it at full resolution.

The model only ever sees a small copy (long side = working size), so its cost
does not grow with the scan. The photo's own lightness is kept at full
resolution: the predicted chroma is upsampled onto it, strip by strip, so a
100-megapixel 16-bit scan needs only the input, the output and a few
strip-sized float buffers.

Upsampling is edge-aware by default: a fast guided filter fits, at working
size, chroma as a local linear function of lightness and evaluates that
function on the full-resolution lightness. Colour edges then follow the real
edges of the photo instead of the blurry working-size ones. Every output row is
computed from the small coefficient maps alone, so strips have no seams.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from colorizer_gui.core import color, contract, resample
from colorizer_gui.core.hint_propagation import propagate_hints
from colorizer_gui.core.hints import Hints, rasterize_hint_planes, rasterize_hints
from colorizer_gui.core.strength import STRENGTH_RANGE, check_strength

if TYPE_CHECKING:
    from colorizer_gui.core.session import ColorizerSession

__all__ = [
    "STRENGTH_RANGE",
    "STRIP_PIXELS",
    "ChromaPrediction",
    "ColorizeOptions",
    "NetworkAnswer",
    "apply_chroma",
    "check_strength",
    "colorize",
    "inference_size",
    "luminance",
    "predict_chroma",
    "preview_rgb",
]

FloatArray = npt.NDArray[np.float32]

#: Most pixels converted at once at full resolution (~160 MB of float temporaries).
STRIP_PIXELS = 1 << 20
#: Guided-filter regulariser on L/100: lightness changes well above ~2 L units count as edges.
_GUIDE_EPS = 5e-4
#: Guided-filter window radius per working-size pixel of the long side (384 -> radius 6).
_GUIDE_RADIUS_PER_PIXEL = 1.0 / 64.0


@dataclass(frozen=True)
class ColorizeOptions:
    """How to colorize: working size override, strip height, edge-aware upsampling.

    ``strip_rows`` is an upper bound: very wide images use fewer rows so that a
    strip stays near :data:`STRIP_PIXELS` pixels (about 40 float32 temporaries each).
    """

    working_size: int | None = None
    strip_rows: int = 256
    edge_aware: bool = True
    #: Spread each hint edge-aware over the model's automatic prediction (``core/hint_propagation.py``);
    #: False feeds the hints to the model instead (its own, weaker, response to them).
    propagate_hints: bool = True
    #: Long side of the copy the network sees, overriding the model's own (never above the working size).
    inference_size: int | None = None
    #: Scale of the automatic colour (``STRENGTH_RANGE``; 1 is the model's own). Hints keep their exact
    #: colour: they are spread over the scaled prediction. Lower it where the machine's guess is garish.
    strength: float = 1.0


@dataclass(frozen=True)
class NetworkAnswer:
    """The network's own ab (2, h, w) and the L (h, w) it saw, at inference content size.

    Kept so that one run serves every working size: the GUI's quick and full
    previews both carry this answer instead of running the network twice.
    """

    ab: FloatArray
    lightness: FloatArray


@dataclass(frozen=True)
class ChromaPrediction:
    """The model's answer for one photo, small enough to keep for previews.

    ``ab`` is float32 (2, h, w) Lab chroma at the working content size (padding
    cropped), ``image_size`` the full image's (width, height), and ``lightness``
    the float32 (h, w) working-size L the model saw. ``network`` is the raw
    answer it was made from, when the network saw no hints; ``strength`` the
    scale its automatic chroma was given (``ColorizeOptions.strength``).
    """

    ab: FloatArray
    image_size: tuple[int, int]
    lightness: FloatArray
    network: NetworkAnswer | None = None
    strength: float = 1.0


# --------------------------------------------------------------------------- lightness


def _check_pixels(pixels: np.ndarray) -> np.ndarray:
    """Gray (H, W) or RGB (H, W, 3) uint8/uint16; (H, W, 1) is treated as gray."""
    if pixels.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"pixels must be uint8 or uint16, not {pixels.dtype}")
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] != 3):
        raise ValueError(f"pixels must be (H, W) or (H, W, 3), not {pixels.shape}")
    if pixels.shape[0] < 1 or pixels.shape[1] < 1:
        raise ValueError("the image has no pixels")
    return pixels


@functools.lru_cache(maxsize=2)
def _gray_lut(levels: int) -> FloatArray:
    """Lab L of every gray level, so full-resolution L of a gray scan is one table lookup."""
    values = np.arange(levels, dtype=np.float32) / np.float32(levels - 1)
    return color.gray_to_lab_l(values)


def _lightness(pixels: np.ndarray) -> FloatArray:
    """Lab L of a (strip of a) validated image, float32 (rows, W)."""
    lut = _gray_lut(256 if pixels.dtype == np.uint8 else 65536)
    if pixels.ndim == 2:
        gray: FloatArray = lut[pixels]
        return gray
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    if np.array_equal(red, green) and np.array_equal(green, blue):
        # Gray stored as RGB: the exact gray path, so it round-trips like a gray file.
        gray_rgb: FloatArray = lut[red]
        return gray_rgb
    return color.srgb_to_lab_l(color.to_unit_float(pixels))


def luminance(pixels: np.ndarray, *, strip_rows: int = 256) -> FloatArray:
    """Full-resolution Lab L, float32 (H, W); colour or sepia input gives its true luminance.

    The pipeline itself never calls this on a whole image (it works in strips);
    it is here for callers that need the full plane, such as previews and tests.

    Parameters
    ----------
    pixels : uint8 or uint16 array, (H, W) or (H, W, 3) RGB
    strip_rows : int
        Rows converted at a time, to bound temporary memory.

    Returns
    -------
    float32 (H, W), L in 0..100.
    """
    pixels = _check_pixels(pixels)
    out = np.empty(pixels.shape[:2], dtype=np.float32)
    step = max(1, strip_rows)
    for y0 in range(0, pixels.shape[0], step):
        out[y0 : y0 + step] = _lightness(pixels[y0 : y0 + step])
    return out


# --------------------------------------------------------------------------- prediction


def _resize_pixels(pixels: np.ndarray, content: tuple[int, int]) -> np.ndarray:
    """The photo at working size: exact area averaging of the integer pixels when shrinking, else cubic.

    The area resampler works on bands of rows, so even a 100 MP scan needs no full-size float copy.
    """
    ch, cw = content
    height, width = pixels.shape[:2]
    if (ch, cw) == (height, width):
        return pixels
    shrinking = ch <= height and cw <= width
    return resample.resize_area(pixels, content) if shrinking else resample.resize_cubic(pixels, content)


def inference_size(session: ColorizerSession, options: ColorizeOptions = ColorizeOptions()) -> int:
    """Long side of the copy the network sees: the model's (or the override's), never above the working size.

    Two calls with the same inference size can share one network answer (``automatic=``).
    """
    working_size = options.working_size or session.info.working_size
    return min(working_size, options.inference_size or session.info.inference_size)


def predict_chroma(
    session: ColorizerSession,
    pixels: np.ndarray,
    *,
    hints: Hints | None = None,
    options: ColorizeOptions = ColorizeOptions(),
    automatic: ChromaPrediction | None = None,
) -> ChromaPrediction:
    """Run the model on a working-size copy of the photo (plus hints) and return its chroma.

    Parameters
    ----------
    session : ColorizerSession
    pixels : uint8 or uint16 array, (H, W) gray or (H, W, 3) RGB
    hints : Hints, optional
        In original-image coordinates; a different ``image_size`` is scaled to fit.
    options : ColorizeOptions
        ``working_size`` overrides the model's own.
    automatic : ChromaPrediction, optional
        This photo's prediction without hints, from an earlier call at this working
        size or at another one with the same inference size. With hint spreading on,
        the model's input does not depend on the hints, so the model is not run
        again: hint edits then cost only the spreading. Ignored when
        ``options.propagate_hints`` is False.

    Returns
    -------
    ChromaPrediction

    Raises
    ------
    ModelError
        When the model fails to run.
    ValueError
        When ``automatic`` was made for another image, or at another inference size,
        or ``options.strength`` is outside ``STRENGTH_RANGE``.
    """
    pixels = _check_pixels(pixels)
    strength = check_strength(options.strength)
    height, width = pixels.shape[:2]
    working_size = options.working_size or session.info.working_size
    net_size = inference_size(session, options)
    if net_size < 1:
        raise ValueError(f"working and inference sizes must be positive, not {working_size}, {net_size}")
    stride = session.info.stride
    geometry = contract.working_geometry(height, width, working_size, stride)
    net = contract.working_geometry(height, width, net_size, stride)
    hints_given = hints is not None and not hints.is_empty()
    reused = None
    if automatic is not None and options.propagate_hints:
        reused = _reusable(automatic, (width, height), geometry.content, net.content)
    if isinstance(reused, ChromaPrediction) and reused.strength != strength:
        reused = _restrengthen(reused, strength)
    if isinstance(reused, ChromaPrediction):
        small_l, ab, network = reused.lightness, reused.ab, reused.network
    else:
        small = _resize_pixels(pixels, geometry.content)
        small_l = _lightness(small)
        if reused is None:
            # Propagation works on the automatic prediction: a model fed the hints copies them onto the
            # hinted pixels only, which leaves almost no correction there to spread (measured on
            # training photos: 10 hints 26.30 -> 26.95 dB, 100 hints 28.43 -> 30.59 dB).
            fed = hints if hints_given and not options.propagate_hints else None
            # From the working copy, not the original: on a 100 MP scan that saves 0.5 s of resizing.
            net_l = small_l if net.content == geometry.content else _lightness(_resize_pixels(small, net.content))
            answer = NetworkAnswer(_run_model(session, net_l, net, fed), net_l)
            network = answer if fed is None else None
        else:
            answer = network = reused
        ab = _automatic_ab(answer, small_l, strength)
    if options.propagate_hints and hints is not None and hints_given:
        hint_ab, mask, ids = rasterize_hint_planes(hints, geometry.content)
        ab = propagate_hints(ab, small_l, hint_ab, mask, ids=ids, hint_count=hints.count)
    return ChromaPrediction(ab=ab, image_size=(width, height), lightness=small_l, network=network, strength=strength)


def _restrengthen(automatic: ChromaPrediction, strength: float) -> ChromaPrediction:
    """An automatic prediction made at another strength, at this one: from its network answer where it
    holds one (exactly as a fresh prediction), else its chroma rescaled (which cannot undo clipping)."""
    if automatic.network is not None:
        ab = _automatic_ab(automatic.network, automatic.lightness, strength)
    elif automatic.strength == 0:
        raise ValueError("the automatic prediction was made at strength 0 and holds no network answer")
    else:
        ab = _scaled(automatic.ab, strength / automatic.strength)
    return replace(automatic, ab=ab, strength=strength)


def _automatic_ab(answer: NetworkAnswer, lightness: FloatArray, strength: float) -> FloatArray:
    """The network's answer as automatic chroma on a working copy's lightness, at this strength."""
    ab = answer.ab
    if answer.lightness.shape != lightness.shape:
        ab = _carry_chroma(answer.ab, answer.lightness, lightness)
    return ab if strength == 1 else _scaled(ab, strength)


def _scaled(ab: FloatArray, factor: float) -> FloatArray:
    """Chroma times ``factor``, kept inside the contract's ab range."""
    limit = np.float32(contract.AB_SCALE)
    return np.clip(ab * np.float32(factor), -limit, limit)


def _run_model(
    session: ColorizerSession, lightness: FloatArray, geometry: contract.WorkingGeometry, hints: Hints | None
) -> FloatArray:
    """The network's ab (2, h, w) for a content-size L, padded to the stride (and fed the hints, if any).

    The padding mirrors the photo: repeating its last row and column instead cost 0.32 dB on 3:2
    crops of training photos at inference size 160 (24.75 against 25.07 dB, automatic).
    """
    (ch, cw), (ph, pw) = geometry.content, geometry.padded
    padded_l = np.pad(lightness, ((0, ph - ch), (0, pw - cw)), mode="reflect").astype(np.float32, copy=False)
    if hints is None:
        model_input = contract.encode_input(padded_l)
    else:
        model_input = contract.encode_input(padded_l, *rasterize_hints(hints, geometry.content, geometry.padded))
    return np.ascontiguousarray(session.predict_ab(model_input)[:, :ch, :cw], dtype=np.float32)


def _carry_chroma(ab: FloatArray, lightness: FloatArray, target_lightness: FloatArray) -> FloatArray:
    """Chroma predicted on a smaller copy, carried edge-aware onto a larger copy's lightness.

    The network sees scenes best at the scale it was trained at (``ModelInfo.inference_size``), while
    hints and previews want finer chroma: the same guided fit as :func:`apply_chroma` bridges the two.
    """
    h, w = target_lightness.shape
    coefficients = _guided_coefficients(ab, lightness)
    maps = _upsample_rows(_widen(coefficients, w), h, 0, h)
    return np.stack(_guided_ab(maps, target_lightness))


def _reusable(
    automatic: ChromaPrediction, image_size: tuple[int, int], content: tuple[int, int], net: tuple[int, int]
) -> ChromaPrediction | NetworkAnswer:
    """What this call can take from an earlier automatic prediction: all of it at the same working size,
    its network answer at another working size with the same inference size (a copy of the same size,
    resampled from another working copy: the answers differ by resampling noise only). Anything else
    would put the chroma in the wrong place, so it raises."""
    if automatic.image_size != image_size:
        raise ValueError(f"the automatic prediction is for {automatic.image_size}, the image is {image_size}")
    if automatic.ab.shape[1:] == content and automatic.lightness.shape == content:
        return automatic
    if automatic.network is not None and automatic.network.lightness.shape == net:
        return automatic.network
    raise ValueError(
        f"the automatic prediction is {automatic.ab.shape[1:]} at working size, not {content},"
        " and holds no network answer at this inference size"
    )


# --------------------------------------------------------------------------- application


def _guided_coefficients(ab: FloatArray, lightness: FloatArray) -> FloatArray:
    """Fast guided filter on a small copy: ab ~ A * L/100 + B, as (h, w, 4) [A_a, A_b, B_a, B_b]."""
    guide = lightness.astype(np.float64) / 100.0
    h, w = guide.shape
    radius = max(1, round(max(h, w) * _GUIDE_RADIUS_PER_PIXEL))

    def box(plane: np.ndarray) -> np.ndarray:
        return resample.box_filter(plane, radius)

    mean_i = box(guide)
    var_i = np.maximum(box(guide * guide) - mean_i * mean_i, 0.0)
    coefficients = np.empty((h, w, 4), dtype=np.float32)
    for channel in range(2):
        target = ab[channel].astype(np.float64)
        mean_p = box(target)
        slope = (box(guide * target) - mean_i * mean_p) / (var_i + _GUIDE_EPS)
        offset = mean_p - slope * mean_i
        coefficients[..., channel] = box(slope)
        coefficients[..., 2 + channel] = box(offset)
    return coefficients


def _widen(small: FloatArray, width: int) -> FloatArray:
    """The small maps (h, w, C) bilinearly resized along x to ``width``, as planes (C, h, width).

    Done once per image: it is small (working-size rows) and leaves each strip
    only a blend of two contiguous rows per plane.
    """
    w = small.shape[1]
    planes = np.ascontiguousarray(np.moveaxis(small, -1, 0), dtype=np.float32)
    if w == width:
        return planes
    left, right, weight = resample.linear_taps(w, width)
    wide: FloatArray = np.take(planes, left, axis=2)
    step = np.take(planes, right, axis=2)
    step -= wide
    step *= weight.astype(np.float32)
    wide += step
    return wide


def _upsample_rows(wide: FloatArray, height: int, y0: int, y1: int) -> FloatArray:
    """Rows y0..y1 of the widened maps (C, h, width) bilinearly resized to ``height`` rows: (C, rows, width).

    Each output row comes from two rows of the widened maps alone, so any split
    into strips gives the same pixels.
    """
    h = wide.shape[1]
    ys = (np.arange(y0, y1, dtype=np.float64) + 0.5) * (h / height) - 0.5
    ys = np.clip(ys, 0.0, h - 1)
    top = np.floor(ys).astype(np.intp)
    bottom = np.minimum(top + 1, h - 1)
    t = (ys - top).astype(np.float32)[None, :, None]
    rows: FloatArray = wide[:, top]
    step = wide[:, bottom]
    step -= rows
    step *= t
    rows += step
    return rows


def apply_chroma(
    pixels: np.ndarray,
    chroma: ChromaPrediction,
    *,
    out_bit_depth: int | None = None,
    options: ColorizeOptions = ColorizeOptions(),
) -> np.ndarray:
    """Put the predicted chroma on the photo's full-resolution lightness, strip by strip.

    Parameters
    ----------
    pixels : uint8 or uint16 array, (H, W) or (H, W, 3)
        The same image the prediction was made from (never modified).
    chroma : ChromaPrediction
    out_bit_depth : {8, 16}, optional
        Defaults to the input's depth.
    options : ColorizeOptions
        ``strip_rows`` bounds memory; ``edge_aware`` picks guided over bilinear upsampling.

    Returns
    -------
    (H, W, 3) RGB, uint8 or uint16.
    """
    pixels = _check_pixels(pixels)
    height, width = pixels.shape[:2]
    if chroma.image_size != (width, height):
        raise ValueError(f"chroma was predicted for {chroma.image_size}, the image is {(width, height)}")
    bit_depth = out_bit_depth or (16 if pixels.dtype == np.uint16 else 8)
    if bit_depth not in (8, 16):
        raise ValueError(f"output bit depth must be 8 or 16, not {bit_depth}")
    if options.edge_aware:
        small = _guided_coefficients(chroma.ab, chroma.lightness)
    else:
        small = np.ascontiguousarray(np.moveaxis(chroma.ab, 0, -1), dtype=np.float32)
    wide = _widen(small, width)
    out = np.empty((height, width, 3), dtype=np.uint8 if bit_depth == 8 else np.uint16)
    step = max(1, min(options.strip_rows, STRIP_PIXELS // width))
    for y0 in range(0, height, step):
        y1 = min(height, y0 + step)
        lightness = _lightness(pixels[y0:y1])
        maps = _upsample_rows(wide, height, y0, y1)
        a, b = _guided_ab(maps, lightness) if options.edge_aware else _clip_ab(maps[0], maps[1])
        out[y0:y1] = color.lab_to_srgb_int(lightness, a, b, bit_depth)  # zero chroma: exact gray
    return out


def _guided_ab(maps: FloatArray, lightness: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Evaluate upsampled guided-filter maps [A_a, A_b, B_a, B_b] on the lightness, clipped to valid ab."""
    guide = lightness * np.float32(0.01)
    return _clip_ab(maps[0] * guide + maps[2], maps[1] * guide + maps[3])


def _clip_ab(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    limit = np.float32(contract.AB_SCALE)
    return np.clip(a, -limit, limit), np.clip(b, -limit, limit)


def preview_rgb(chroma: ChromaPrediction) -> npt.NDArray[np.uint8]:
    """The colorized photo at working size, (h, w, 3) uint8, cheap enough for live previews."""
    return color.lab_to_srgb_int(chroma.lightness, chroma.ab[0], chroma.ab[1], 8).astype(np.uint8, copy=False)


def colorize(
    session: ColorizerSession,
    pixels: np.ndarray,
    *,
    hints: Hints | None = None,
    out_bit_depth: int | None = None,
    options: ColorizeOptions = ColorizeOptions(),
) -> np.ndarray:
    """Predict and apply in one call: full-resolution (H, W, 3) RGB at the input's bit depth.

    Raises
    ------
    ModelError
        When the model fails to run.
    """
    chroma = predict_chroma(session, pixels, hints=hints, options=options)
    return apply_chroma(pixels, chroma, out_bit_depth=out_bit_depth, options=options)
