"""Canvas view controls: zoom (wheel, keys, fit, 100 %), pan (H tool, Space), before/after split."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from .conftest import gray_photo, open_photo
from .events import drag_view


@pytest.fixture()
def window(qtbot, make_window, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = make_window()
    open_photo(qtbot, win, gray_photo(tmp_path / "ramp.png", width=400, height=300))
    return win


def _wheel(canvas, pos: QPointF, steps: int) -> None:  # type: ignore[no-untyped-def]
    event = QWheelEvent(
        pos,
        QPointF(canvas.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)


def test_fit_shows_the_whole_photo_and_100_percent_is_one_to_one(window) -> None:  # type: ignore[no-untyped-def]
    canvas = window.canvas
    rect = canvas.image_rect()
    assert rect.width() <= canvas.width() and rect.height() <= canvas.height()
    assert max(rect.width() / canvas.width(), rect.height() / canvas.height()) > 0.9
    canvas.actual_size()
    assert canvas.scale == pytest.approx(1.0)
    assert canvas.image_rect().width() == pytest.approx(400)
    canvas.fit()
    assert canvas.image_rect() == rect
    assert "%" in window.zoom_label.text()


def test_zoom_keys_and_wheel_keep_the_point_under_the_mouse(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    canvas = window.canvas
    start = canvas.scale
    canvas.zoom_in()
    assert canvas.scale == pytest.approx(start * 1.25)
    canvas.zoom_out()
    assert canvas.scale == pytest.approx(start)
    anchor = QPointF(canvas.width() * 0.3, canvas.height() * 0.6)
    under = canvas.view_to_image(anchor)
    _wheel(canvas, anchor, 2)
    assert canvas.scale == pytest.approx(start * 1.25**2)
    after = canvas.view_to_image(anchor)
    assert (after.x(), after.y()) == pytest.approx((under.x(), under.y()))


def test_pan_with_the_hand_tool_and_with_space(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    canvas = window.canvas
    window.tool_actions["pan"].trigger()
    before = canvas.image_rect().topLeft()
    drag_view(canvas, [QPointF(200, 200), QPointF(230, 190), QPointF(260, 180)], Qt.MouseButton.LeftButton)
    moved = canvas.image_rect().topLeft() - before
    assert (moved.x(), moved.y()) == pytest.approx((60, -20))
    assert window.document.is_empty()

    window.select_tool("brush")
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    before = canvas.image_rect().topLeft()
    drag_view(canvas, [QPointF(200, 200), QPointF(190, 240)], Qt.MouseButton.LeftButton)
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    moved = canvas.image_rect().topLeft() - before
    assert (moved.x(), moved.y()) == pytest.approx((-10, 40))
    assert window.document.strokes == ()  # Space turned the brush drag into a pan


def test_split_line_drags_and_shows_the_original_on_its_left(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    canvas = window.canvas
    window.split_action.trigger()
    assert canvas.split_enabled and canvas.split_fraction == 0.5
    rect = canvas.image_rect()
    line = QPointF(rect.left() + rect.width() / 2, rect.center().y())
    target = QPointF(rect.left() + rect.width() * 0.25, rect.center().y())
    drag_view(canvas, [line, target], Qt.MouseButton.LeftButton)
    assert canvas.split_fraction == pytest.approx(0.25, abs=0.01)
    assert window.document.is_empty()  # the drag moved the line, it drew nothing

    window.hints_action.trigger()
    shot = canvas.grab().toImage()
    ratio = shot.devicePixelRatio()

    def saturation(x: float) -> int:
        pixel = shot.pixelColor(QPoint(int(x * ratio), int(rect.center().y() * ratio)))
        return max(pixel.red(), pixel.green(), pixel.blue()) - min(pixel.red(), pixel.green(), pixel.blue())

    assert saturation(rect.left() + rect.width() * 0.1) <= 2  # original (gray) left of the line
    assert saturation(rect.left() + rect.width() * 0.6) >= 10  # colorized right of it
