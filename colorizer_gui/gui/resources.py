"""The app's icons, from resources/icons in the source tree or the PyInstaller bundle."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from colorizer_gui._bundle import resource_dir

__all__ = ["icon", "icons_dir"]


def icons_dir() -> Path:
    return resource_dir() / "icons"


@cache
def icon(name: str) -> QIcon:
    """The named SVG icon (an empty icon when the file is missing, so the app still starts)."""
    path = icons_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
