"""``colorizer-gui``: builds the settings, the model session, the hint document and the window.

Everything is built here and handed down (no globals). A missing or broken
model does not stop the app: the window opens with colorizing turned off and
says how to fix it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from colorizer_gui import __version__
from colorizer_gui.core.errors import ColorizerError, ProviderError
from colorizer_gui.core.session import ColorizerSession, available_providers

from .editor import Editor
from .hint_document import HintDocument
from .main_window import MainWindow
from .resources import icon
from .settings import APPLICATION, ORGANIZATION, AppSettings
from .workers import describe_error

__all__ = ["create_window", "load_session", "main", "parse_args"]

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="colorizer-gui", description="Colorize black-and-white photos.")
    parser.add_argument("paths", nargs="*", type=Path, help="a photo to open, or folders for the batch panel")
    parser.add_argument("--model", type=Path, help="the ONNX model (default: $COLORIZER_MODEL or models/)")
    parser.add_argument("--provider", help="execution provider: auto, cpu, cuda, directml, coreml")
    parser.add_argument("--settings", type=Path, help="keep settings in this ini file instead of the default")
    parser.add_argument("--version", action="version", version=f"Colorizer {__version__}")
    return parser.parse_args(list(argv))


def load_session(model: Path | None, provider: str) -> tuple[ColorizerSession | None, str | None]:
    """The model session, or None and a worded reason; a bad provider falls back to auto."""
    try:
        return ColorizerSession(model, provider=provider), None
    except ProviderError as exc:
        log.warning("provider %s unavailable (%s); using the best available", provider, exc.reason)
        try:
            return ColorizerSession(model, provider="auto"), None
        except ColorizerError as inner:
            return None, describe_error(inner)
    except ColorizerError as exc:
        return None, describe_error(exc)


def create_window(*, settings: AppSettings, model: Path | None = None, provider: str | None = None) -> MainWindow:
    """Build the whole app around one window (tests call this with a temp ini and a tiny model)."""
    chosen = provider or settings.provider
    session, error = load_session(model, chosen)
    document = HintDocument()
    editor = Editor(document, settings, session, model_error=error)
    try:
        providers = available_providers()
    except Exception:  # onnxruntime missing or broken: the window still explains the model problem
        providers = []

    def make_session(name: str) -> ColorizerSession:
        return ColorizerSession(model, provider=name)

    window = MainWindow(editor, settings, providers=providers, make_session=make_session)
    editor.setParent(window)
    document.setParent(editor)
    return window


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI and run its event loop; the exit status of the loop is returned."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0] if sys.argv else "colorizer"])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("colorizer"))
    settings = AppSettings.from_file(args.settings) if args.settings else AppSettings()
    window = create_window(settings=settings, model=args.model, provider=args.provider)
    window.show()
    window.open_paths(args.paths)
    status = int(app.exec())
    window.close()  # stops the workers before the interpreter goes
    return status


if __name__ == "__main__":
    raise SystemExit(main())
