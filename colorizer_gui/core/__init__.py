"""Colorizer's engine: image I/O, Lab maths, hints, ONNX inference and the batch runner. No Qt.

Public names are re-exported here and loaded on first use, so importing a small
piece (``colorizer_gui.core.errors``) stays cheap and ``colorizer --version``
never pulls in onnxruntime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from colorizer_gui.core.batch import (
        BatchItem,
        BatchOptions,
        BatchReport,
        CancelToken,
        FileResult,
        FileStatus,
        Progress,
        plan_batch,
        run_batch,
    )
    from colorizer_gui.core.errors import (
        ColorizerError,
        HintsError,
        ImageReadError,
        ImageTooLargeError,
        ImageWriteError,
        ModelError,
        ProviderError,
        UnsupportedFormatError,
        UsageError,
    )
    from colorizer_gui.core.hints import HintPoint, Hints, HintStroke, load_hints, save_hints, sidecar_path
    from colorizer_gui.core.imageio import ImageMetadata, LoadedImage, SaveOptions, read_image, write_image
    from colorizer_gui.core.pipeline import (
        ChromaPrediction,
        ColorizeOptions,
        apply_chroma,
        colorize,
        predict_chroma,
        preview_rgb,
    )
    from colorizer_gui.core.session import ColorizerSession, ModelInfo, available_providers, find_model

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "BatchItem",
            "BatchOptions",
            "BatchReport",
            "CancelToken",
            "FileResult",
            "FileStatus",
            "Progress",
            "plan_batch",
            "run_batch",
        ],
        "batch",
    ),
    **dict.fromkeys(
        [
            "ColorizerError",
            "HintsError",
            "ImageReadError",
            "ImageTooLargeError",
            "ImageWriteError",
            "ModelError",
            "ProviderError",
            "UnsupportedFormatError",
            "UsageError",
        ],
        "errors",
    ),
    **dict.fromkeys(["HintPoint", "HintStroke", "Hints", "load_hints", "save_hints", "sidecar_path"], "hints"),
    **dict.fromkeys(["ImageMetadata", "LoadedImage", "SaveOptions", "read_image", "write_image"], "imageio"),
    **dict.fromkeys(
        ["ChromaPrediction", "ColorizeOptions", "apply_chroma", "colorize", "predict_chroma", "preview_rgb"],
        "pipeline",
    ),
    **dict.fromkeys(["ColorizerSession", "ModelInfo", "available_providers", "find_model"], "session"),
}

__all__ = [
    "BatchItem",
    "BatchOptions",
    "BatchReport",
    "CancelToken",
    "ChromaPrediction",
    "ColorizeOptions",
    "ColorizerError",
    "ColorizerSession",
    "FileResult",
    "FileStatus",
    "HintPoint",
    "HintStroke",
    "Hints",
    "HintsError",
    "ImageMetadata",
    "ImageReadError",
    "ImageTooLargeError",
    "ImageWriteError",
    "LoadedImage",
    "ModelError",
    "ModelInfo",
    "Progress",
    "ProviderError",
    "SaveOptions",
    "UnsupportedFormatError",
    "UsageError",
    "apply_chroma",
    "available_providers",
    "colorize",
    "find_model",
    "load_hints",
    "plan_batch",
    "predict_chroma",
    "preview_rgb",
    "read_image",
    "run_batch",
    "save_hints",
    "sidecar_path",
    "write_image",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'colorizer_gui.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"colorizer_gui.core.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
