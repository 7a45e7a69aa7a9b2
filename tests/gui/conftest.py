"""Fixtures for the Qt tests: a window factory that closes (and checks) what it made, sample photos."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from colorizer_gui.core.imageio import write_image
from colorizer_gui.gui.app import create_window
from colorizer_gui.gui.main_window import MainWindow
from colorizer_gui.gui.settings import AppSettings

WindowFactory = Callable[..., MainWindow]
_DEFAULT = object()


class Prompts:
    """Stands in for ``QMessageBox.question``: records each question and gives ``answer``."""

    def __init__(self) -> None:
        self.answer = QMessageBox.StandardButton.Discard
        self.asked: list[str] = []
        self.buttons: list[QMessageBox.StandardButton] = []

    def __call__(
        self, parent: QWidget, title: str, text: str, buttons: QMessageBox.StandardButton, *_rest: object
    ) -> QMessageBox.StandardButton:
        self.asked.append(text)
        self.buttons.append(buttons)
        return self.answer


@pytest.fixture(autouse=True)
def prompts(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    """No test may block on a modal question: unsaved hints are discarded unless a test answers otherwise."""
    recorder = Prompts()
    monkeypatch.setattr(QMessageBox, "question", recorder)
    return recorder


@pytest.fixture()
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings.from_file(tmp_path / "settings.ini")


@pytest.fixture()
def make_window(qtbot, tmp_path: Path, tiny_model: Path) -> Iterator[WindowFactory]:  # type: ignore[no-untyped-def]
    """Build main windows around the tiny model; closes them at teardown and fails on leaked windows."""
    before = set(QApplication.topLevelWidgets())
    made: list[MainWindow] = []

    def factory(*, model: object = _DEFAULT, settings: AppSettings | None = None) -> MainWindow:
        chosen = tiny_model if model is _DEFAULT else model
        window = create_window(
            settings=settings or AppSettings.from_file(tmp_path / f"settings-{len(made)}.ini"),
            model=chosen,  # type: ignore[arg-type]
            provider="cpu",
        )
        window.resize(900, 640)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield factory
    for window in made:
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert not leaked, f"windows left open: {leaked}"


def gray_photo(
    path: Path,
    *,
    width: int = 128,
    height: int = 96,
    level: int | None = None,
    top_band: tuple[int, int] | None = None,
) -> Path:
    """A gray PNG/JPEG: a flat ``level`` or a left-to-right ramp; ``top_band`` = (rows, level) adds an edge."""
    if level is None:
        row = np.linspace(40, 220, width).astype(np.uint8)
        pixels = np.repeat(row[None, :], height, axis=0)
    else:
        pixels = np.full((height, width), level, dtype=np.uint8)
    if top_band is not None:
        pixels[: top_band[0]] = top_band[1]
    write_image(path, pixels)
    return path


def open_photo(qtbot, window: MainWindow, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Open ``path`` and wait for its first preview (or just for it to open without a model)."""
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.open_path(path)
    if window.editor.can_colorize:
        wait_idle(qtbot, window)
        assert window.editor.has_result


def wait_idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Wait until no preview is pending or running and the newest one is applied."""
    worker = window.editor.preview_worker
    qtbot.waitUntil(lambda: not worker.busy and not worker._timer.isActive(), timeout=20000)
