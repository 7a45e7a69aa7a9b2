"""Synthetic mouse input for the canvas (QTest cannot hold a button through a move everywhere)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from colorizer_gui.gui.canvas import Canvas


def _send(canvas: Canvas, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton, held: Qt.MouseButton) -> None:
    global_pos = QPointF(canvas.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, held, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def drag_image(
    canvas: Canvas,
    points: Sequence[tuple[float, float]],
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:
    """Press at the first image point, move through the rest, release at the last."""
    views = [canvas.image_to_view(QPointF(x, y)) for x, y in points]
    none = Qt.MouseButton.NoButton
    _send(canvas, QEvent.Type.MouseButtonPress, views[0], button, button)
    for pos in views[1:]:
        _send(canvas, QEvent.Type.MouseMove, pos, none, button)
    _send(canvas, QEvent.Type.MouseButtonRelease, views[-1], button, none)


def click_image(canvas: Canvas, x: float, y: float, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    drag_image(canvas, [(x, y)], button)


def drag_view(canvas: Canvas, points: Sequence[QPointF], button: Qt.MouseButton) -> None:
    none = Qt.MouseButton.NoButton
    _send(canvas, QEvent.Type.MouseButtonPress, points[0], button, button)
    for pos in points[1:]:
        _send(canvas, QEvent.Type.MouseMove, pos, none, button)
    _send(canvas, QEvent.Type.MouseButtonRelease, points[-1], button, none)


def drop(window: QWidget, paths: list[Path]) -> None:
    """Drag ``paths`` from a file manager onto ``window`` and drop them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(  # takes a QPoint (QDropEvent a QPointF) in PySide6 6.11
        pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
