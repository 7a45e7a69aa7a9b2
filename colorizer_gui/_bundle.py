"""Where the app's data folders are, both from a source checkout and inside a PyInstaller bundle.

From source the folders sit next to the package (``<repo>/models``, ``<repo>/resources``).
In a frozen app PyInstaller unpacks them under ``sys._MEIPASS`` (the ``_internal``
folder of a one-folder build, a temporary folder for a one-file build); ``build.spec``
puts them there under the same names. A wheel install (``pip install .``) puts them
in ``<prefix>/share/colorizer`` (``[tool.setuptools.data-files]`` in pyproject.toml).
Nothing here imports Qt or onnxruntime, so any module (core included) may use it.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["bundle_root", "data_roots", "is_frozen", "models_dir", "resource_dir"]


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle rather than from source."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path:
    """The folder that holds ``models/`` and ``resources/``."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]  # set by the PyInstaller bootloader
    return Path(__file__).resolve().parent.parent


def data_roots() -> list[Path]:
    """Every folder that may hold ``models/`` and ``resources/``, most specific first."""
    roots: list[Path] = []
    if is_frozen():
        roots.append(Path(sys._MEIPASS))  # type: ignore[attr-defined]  # set by the PyInstaller bootloader
        roots.append(Path(sys.executable).resolve().parent)
    roots.append(Path(__file__).resolve().parent.parent)
    roots.append(Path(sys.prefix) / "share" / "colorizer")
    return roots


def _first_existing(name: str) -> Path:
    for root in data_roots():
        if (root / name).is_dir():
            return root / name
    return bundle_root() / name


def resource_dir() -> Path:
    """The ``resources/`` folder (icons, sample photos)."""
    return _first_existing("resources")


def models_dir() -> Path:
    """The ``models/`` folder that holds the shipped ``colorizer.onnx``."""
    return _first_existing("models")
