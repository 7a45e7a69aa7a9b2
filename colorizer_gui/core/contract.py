"""The generator's input/output contract, written down once for engine and training.

Input ``input``: float32 ``[N, 4, H, W]``, H and W multiples of :data:`STRIDE`.
  channel 0  L / 50 - 1           (Lab lightness mapped to -1..1)
  channel 1  hint a / AB_SCALE    (0 where there is no hint)
  channel 2  hint b / AB_SCALE    (0 where there is no hint)
  channel 3  hint mask            (1 where the user gave a colour, else 0)
Output ``ab``: float32 ``[N, 2, H, W]`` in -1..1; multiply by :data:`AB_SCALE`
to get Lab a and b.

The ONNX file carries the metadata keys in :data:`META_KEYS` so the engine can
check a model before it runs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "AB_SCALE",
    "CONTRACT_VERSION",
    "DEFAULT_WORKING_SIZE",
    "INPUT_CHANNELS",
    "INPUT_NAME",
    "META_KEYS",
    "OUTPUT_NAME",
    "STRIDE",
    "WorkingGeometry",
    "decode_output",
    "encode_input",
    "working_geometry",
]

CONTRACT_VERSION = "1"
INPUT_NAME = "input"
OUTPUT_NAME = "ab"
INPUT_CHANNELS = 4
STRIDE = 32
AB_SCALE = 110.0
#: Long side, in pixels, at which the model sees a photo unless its metadata says otherwise.
DEFAULT_WORKING_SIZE = 384

#: ONNX ``metadata_props`` keys every Colorizer model carries.
META_KEYS = {
    "contract": "colorizer.contract_version",
    "version": "colorizer.model_version",
    "working_size": "colorizer.working_size",
    #: Optional: long side at which the network itself sees the photo (its scene scale); the chroma it
    #: predicts there is carried to ``working_size`` (hints, previews) edge-aware. Absent: working size.
    "inference_size": "colorizer.inference_size",
    "stride": "colorizer.stride",
    "data": "colorizer.data_summary",
    "description": "colorizer.description",
}


@dataclass(frozen=True)
class WorkingGeometry:
    """Where a photo sits inside the model's padded input.

    ``content`` is the resized photo's (height, width); ``padded`` is the
    (height, width) fed to the model, content at the top-left, mirror-padded.
    """

    content: tuple[int, int]
    padded: tuple[int, int]


def working_geometry(height: int, width: int, working_size: int, stride: int = STRIDE) -> WorkingGeometry:
    """Resize so the long side is ``working_size`` (never upscale tiny images below one stride)."""
    if height < 1 or width < 1:
        raise ValueError("image must have at least one pixel")
    scale = working_size / max(height, width)
    ch = max(1, round(height * scale))
    cw = max(1, round(width * scale))
    ph = max(stride, math.ceil(ch / stride) * stride)
    pw = max(stride, math.ceil(cw / stride) * stride)
    return WorkingGeometry(content=(ch, cw), padded=(ph, pw))


def encode_input(
    lightness: npt.NDArray[np.float32],
    hint_ab: npt.NDArray[np.float32] | None = None,
    hint_mask: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """Build one ``[1, 4, H, W]`` model input from L (H, W), hint ab (2, H, W) and mask (H, W)."""
    h, w = lightness.shape
    x = np.zeros((1, INPUT_CHANNELS, h, w), dtype=np.float32)
    x[0, 0] = lightness / np.float32(50.0) - np.float32(1.0)
    if hint_ab is not None and hint_mask is not None:
        x[0, 1:3] = hint_ab * hint_mask / np.float32(AB_SCALE)
        x[0, 3] = hint_mask
    return x


def decode_output(output: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Model output ``[1, 2, H, W]`` -> Lab ab ``(2, H, W)``, clipped to the valid range."""
    ab: npt.NDArray[np.float32] = (np.clip(output[0], -1.0, 1.0) * np.float32(AB_SCALE)).astype(np.float32)
    return ab
