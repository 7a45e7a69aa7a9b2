"""One error tree for the whole engine, so front ends can word every failure.

ColorizerError
 +-- ImageReadError            the input could not be decoded (path, reason)
 |    +-- UnsupportedFormatError   not an image format we read
 |    +-- ImageTooLargeError       above the configured pixel limit
 +-- ImageWriteError           the output could not be written (path, reason)
 +-- HintsError                a hints sidecar is malformed (path, reason)
 +-- ModelError                the ONNX model is missing, corrupt or breaks the contract
 +-- ProviderError             an execution provider was asked for but cannot run
 +-- UsageError                invalid options (bad format name, bad quality, ...)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ColorizerError",
    "HintsError",
    "ImageReadError",
    "ImageTooLargeError",
    "ImageWriteError",
    "ModelError",
    "ProviderError",
    "UnsupportedFormatError",
    "UsageError",
]


class ColorizerError(Exception):
    """Base of every error the engine raises on purpose.

    ``path`` names the file concerned (or ``None``) and ``reason`` is a short,
    human-readable sentence that the CLI and the GUI show as is.
    """

    def __init__(self, reason: str, *, path: Path | str | None = None) -> None:
        self.reason = reason
        self.path = Path(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path is not None else reason)


class ImageReadError(ColorizerError):
    """The input image could not be decoded."""


class UnsupportedFormatError(ImageReadError):
    """The file is not in a format Colorizer reads."""


class ImageTooLargeError(ImageReadError):
    """The image has more pixels than the configured limit allows."""


class ImageWriteError(ColorizerError):
    """The output image could not be written (nothing partial is left behind)."""


class HintsError(ColorizerError):
    """A hints sidecar is malformed or does not match its image."""


class ModelError(ColorizerError):
    """The ONNX model is missing, corrupt or does not follow the contract."""


class ProviderError(ColorizerError):
    """An execution provider was requested that onnxruntime cannot offer."""


class UsageError(ColorizerError):
    """Invalid options given by the caller."""
