"""Colour strength: how strongly the automatic colour is applied, and the range it may take.

It has its own module because three parts share it without depending on each
other: the pipeline applies it, the hints sidecar stores a photo's own value,
and the batch runner and the CLI check what users type.
"""

from __future__ import annotations

__all__ = ["STRENGTH_RANGE", "check_strength"]

#: 0 leaves the photo gray where it is not hinted, 1 is the model's own colour, 2 doubles it.
STRENGTH_RANGE = (0.0, 2.0)


def check_strength(strength: float) -> float:
    """``strength`` as a float, or ValueError when it is outside ``STRENGTH_RANGE`` (or NaN)."""
    low, high = STRENGTH_RANGE
    if not low <= strength <= high:  # also refuses NaN
        raise ValueError(f"colour strength must be between {low:g} and {high:g}, not {strength}")
    return float(strength)
