"""CMYK scans to sRGB through their embedded ICC profile (LittleCMS, as Pillow ships it).

Print workflows hand archives CMYK TIFFs and JPEGs whose inks only mean a
colour through their profile; the naive ``(1 - C)(1 - K)`` formula gets the
tones of a toned print wrong. Pillow converts 8-bit CMYK only, so 16-bit scans
go through an 18-level-per-ink table made by the same transform and are
interpolated between its nodes: the output keeps 16-bit smoothness, with
node colours exact to 8 bits.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageCms

__all__ = ["is_cmyk_profile", "srgb_transform", "to_srgb"]

#: Nodes per ink of the table for 16-bit scans; 17 steps of 15 land every node on an 8-bit level.
_NODES = 18
_NODE_STEP = 255 // (_NODES - 1)
#: Pixels interpolated at once (16 gathers of this many RGB triples, ~50 MB of temporaries).
_STRIP_PIXELS = 1 << 18


def is_cmyk_profile(icc: bytes | None) -> bool:
    """True when ``icc`` is an ICC profile whose device colour space is CMYK."""
    return icc is not None and len(icc) >= 20 and icc[16:20] == b"CMYK"


def srgb_transform(icc: bytes | None) -> ImageCms.ImageCmsTransform | None:
    """A CMYK -> sRGB transform at the profile's own rendering intent, or None when it cannot be used."""
    if not is_cmyk_profile(icc):
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))  # type: ignore[arg-type]
        intent = ImageCms.Intent(ImageCms.getDefaultIntent(source))
        return ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), "CMYK", "RGB", renderingIntent=intent)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def to_srgb(cmyk: npt.NDArray[Any], icc: bytes | None) -> npt.NDArray[Any] | None:
    """(H, W, 4) uint8 or uint16 inks as (H, W, 3) sRGB of the same dtype, or None without a usable profile."""
    transform = srgb_transform(icc)
    if transform is None:
        return None
    if cmyk.dtype == np.uint8:
        return _apply(transform, np.ascontiguousarray(cmyk))
    return _interpolate(_node_table(transform), cmyk)


def _apply(transform: ImageCms.ImageCmsTransform, cmyk: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    height, width = cmyk.shape[:2]
    image = Image.frombuffer("CMYK", (width, height), cmyk.tobytes(), "raw", "CMYK", 0, 1)
    rgb = ImageCms.applyTransform(image, transform)
    assert rgb is not None  # not in place, so Pillow returns the new image
    return np.asarray(rgb.convert("RGB"))


def _node_table(transform: ImageCms.ImageCmsTransform) -> npt.NDArray[np.float32]:
    """sRGB at every node of the ink grid, (18, 18, 18, 18, 3) in 0..65535."""
    levels = np.arange(_NODES, dtype=np.uint8) * np.uint8(_NODE_STEP)
    grid = np.stack(np.meshgrid(levels, levels, levels, levels, indexing="ij"), axis=-1)
    side = _NODES * _NODES
    rgb = _apply(transform, np.ascontiguousarray(grid.reshape(side, side, 4)))
    return rgb.reshape(_NODES, _NODES, _NODES, _NODES, 3).astype(np.float32) * np.float32(65535 / 255)


def _interpolate(table: npt.NDArray[np.float32], cmyk: npt.NDArray[Any]) -> npt.NDArray[np.uint16]:
    """Quadrilinear interpolation of ``table`` at 16-bit inks, strip by strip."""
    height, width = cmyk.shape[:2]
    flat = cmyk.reshape(-1, 4)
    out = np.empty((flat.shape[0], 3), dtype=np.uint16)
    scale = np.float32((_NODES - 1) / 65535)
    strides = np.array([_NODES**3, _NODES**2, _NODES, 1])
    nodes = table.reshape(-1, 3)
    for start in range(0, flat.shape[0], _STRIP_PIXELS):
        position = flat[start : start + _STRIP_PIXELS].astype(np.float32) * scale
        low = np.minimum(position.astype(np.int64), _NODES - 2)
        frac = position - low
        base = low @ strides
        acc = np.zeros((position.shape[0], 3), dtype=np.float32)
        for corner in range(16):
            bits = [(corner >> (3 - ink)) & 1 for ink in range(4)]
            weight = np.ones(position.shape[0], dtype=np.float32)
            for ink, bit in enumerate(bits):
                weight *= frac[:, ink] if bit else 1 - frac[:, ink]
            acc += nodes[base + int(np.dot(bits, strides))] * weight[:, None]
        out[start : start + _STRIP_PIXELS] = np.clip(acc + 0.5, 0, 65535).astype(np.uint16)
    return out.reshape(height, width, 3)
