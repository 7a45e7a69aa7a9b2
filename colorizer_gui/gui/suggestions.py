"""Colour suggestions for a clicked spot, so a user can pick a plausible hint in one click.

Qt-free and pure: the model's own colour at the spot first, then hue rotations
of it and a few common photo colours, all at the lightness of the spot (a hint
only sets chroma, so a suggestion at another lightness would be misleading).
Colour conversion is the engine's (:mod:`colorizer_gui.core.color`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from colorizer_gui.core import color

__all__ = ["COMMON_COLORS", "Suggestion", "sample_prediction", "suggest_colors"]

#: Lab (a, b) of colours that come up again and again in old photos.
COMMON_COLORS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("skin", (16.0, 22.0)),
    ("sky", (-6.0, -32.0)),
    ("foliage", (-28.0, 32.0)),
    ("brick", (38.0, 32.0)),
    ("wood", (10.0, 30.0)),
    ("denim", (2.0, -28.0)),
)

#: Chroma given to hue rotations of a nearly gray prediction, so they are visibly different.
MIN_ROTATION_CHROMA = 28.0
#: Hue steps, in degrees, added to the model's colour.
HUE_STEPS = (60.0, -60.0, 180.0)
#: Two suggestions closer than this in ab (Lab units) count as the same colour.
MIN_DISTANCE = 8.0


@dataclass(frozen=True)
class Suggestion:
    """One suggested hint colour: what to show (rgb) and why (label)."""

    rgb: tuple[int, int, int]
    label: str
    ab: tuple[float, float]


def _to_rgb(lightness: float, a: float, b: float) -> tuple[int, int, int]:
    lab = np.array([[lightness, a, b]], dtype=np.float32)
    rgb = color.from_unit_float(color.lab_to_srgb(lab), 8)[0]
    return int(rgb[0]), int(rgb[1]), int(rgb[2])


def suggest_colors(lightness: float, ab: tuple[float, float], *, count: int = 8) -> list[Suggestion]:
    """Suggest up to ``count`` hint colours for a spot of Lab ``lightness`` and predicted ``ab``.

    Parameters
    ----------
    lightness
        Lab L (0..100) of the spot; every suggestion keeps it.
    ab
        The model's predicted Lab (a, b) at the spot.
    count
        The most suggestions returned; the model's own colour always comes first.

    Returns
    -------
    list of Suggestion
        Distinct colours, the model's own first, then hue rotations, then common colours.
    """
    lightness = float(min(max(lightness, 0.0), 100.0))
    a0, b0 = float(ab[0]), float(ab[1])
    candidates: list[tuple[str, float, float]] = [("model", a0, b0)]
    chroma = math.hypot(a0, b0)
    hue = math.atan2(b0, a0)
    if chroma < 1e-3:
        hue = math.atan2(COMMON_COLORS[0][1][1], COMMON_COLORS[0][1][0])
    rot_chroma = max(chroma, MIN_ROTATION_CHROMA)
    for step in HUE_STEPS:
        angle = hue + math.radians(step)
        candidates.append((f"hue {step:+.0f}°", rot_chroma * math.cos(angle), rot_chroma * math.sin(angle)))
    candidates.extend((name, a, b) for name, (a, b) in COMMON_COLORS)

    chosen: list[Suggestion] = []
    for label, a, b in candidates:
        if len(chosen) >= count:
            break
        if any(math.hypot(a - s.ab[0], b - s.ab[1]) < MIN_DISTANCE for s in chosen):
            continue
        chosen.append(Suggestion(rgb=_to_rgb(lightness, a, b), label=label, ab=(a, b)))
    return chosen


def sample_prediction(
    ab: npt.NDArray[np.float32],
    lightness: npt.NDArray[np.float32],
    image_size: tuple[int, int],
    x: float,
    y: float,
    *,
    radius: int = 1,
) -> tuple[float, tuple[float, float]]:
    """Mean working-size (L, (a, b)) around image point (x, y); the grid is scaled to ``image_size``.

    A small neighbourhood (``radius`` working pixels) keeps one noisy pixel from
    deciding the suggestion.
    """
    h, w = lightness.shape
    width, height = image_size
    col = int(min(max(x * w / max(width, 1), 0), w - 1))
    row = int(min(max(y * h / max(height, 1), 0), h - 1))
    rows = slice(max(row - radius, 0), min(row + radius + 1, h))
    cols = slice(max(col - radius, 0), min(col + radius + 1, w))
    light = float(lightness[rows, cols].mean())
    return light, (float(ab[0, rows, cols].mean()), float(ab[1, rows, cols].mean()))
