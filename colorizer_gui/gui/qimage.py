"""numpy pixels -> QImage for display only (8-bit view of 8- or 16-bit data; saving never uses this)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QImage

__all__ = ["to_qimage"]


def to_qimage(pixels: npt.NDArray[np.generic]) -> QImage:
    """A deep-copied QImage of gray (H, W) or RGB (H, W, 3) uint8/uint16 pixels."""
    if pixels.dtype == np.uint16:
        pixels = np.right_shift(pixels.astype(np.uint16), 8).astype(np.uint8)
    elif pixels.dtype != np.uint8:
        raise ValueError(f"display needs uint8 or uint16 pixels, not {pixels.dtype}")
    data = np.ascontiguousarray(pixels)
    h, w = data.shape[:2]
    if data.ndim == 2:
        image = QImage(data.data, w, h, data.strides[0], QImage.Format.Format_Grayscale8)
    elif data.ndim == 3 and data.shape[2] == 3:
        image = QImage(data.data, w, h, data.strides[0], QImage.Format.Format_RGB888)
    else:
        raise ValueError(f"display needs (H, W) or (H, W, 3) pixels, not {pixels.shape}")
    return image.copy()
