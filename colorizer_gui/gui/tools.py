"""Hint tools: one class per tool, driven by the canvas in image coordinates.

The canvas forwards press/move/release to the one active tool and calls
``cancel`` on Esc. Optional hooks (``hover``, ``key_press``, ``overlay``) have
do-nothing defaults here, so the canvas never probes for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QTransform

from .hint_document import RGB, HintDocument, new_drag_id

__all__ = [
    "BrushTool",
    "EraserTool",
    "EyedropperTool",
    "PanTool",
    "PointTool",
    "Tool",
    "ToolContext",
]

#: How close (screen pixels) a click must be to grab a point.
GRAB_TOLERANCE_PX = 6.0


@dataclass
class ToolContext:
    """What tools may read and call; the main window fills it in."""

    document: HintDocument
    color: Callable[[], RGB]
    brush_width: Callable[[], float]
    point_radius: Callable[[], float]
    view_scale: Callable[[], float] = lambda: 1.0
    #: Colour of the current result at an image point, or None when there is none yet.
    sample: Callable[[float, float], RGB | None] = lambda x, y: None
    #: The user pointed at (x, y): show colour suggestions for that spot.
    spot_picked: Callable[[float, float], None] = lambda x, y: None
    #: The eyedropper picked a colour.
    color_picked: Callable[[RGB], None] = lambda rgb: None
    #: Ask the canvas to repaint (in-progress overlays).
    repaint: Callable[[], None] = field(default=lambda: None)


class Tool:
    """Base class: every hook is optional and does nothing by default."""

    name = "tool"
    label = "Tool"
    shortcut = ""
    icon = ""
    cursor = Qt.CursorShape.CrossCursor
    #: A tool that pans the view instead of editing (the canvas handles the drag).
    pans = False

    def __init__(self, context: ToolContext) -> None:
        self.ctx = context

    def press(self, x: float, y: float, button: Qt.MouseButton) -> None:
        """A mouse button went down at image point (x, y)."""

    def move(self, x: float, y: float) -> None:
        """The mouse moved with a button held."""

    def release(self, x: float, y: float) -> None:
        """The button was released: finish the gesture (push its one undo step)."""

    def cancel(self) -> None:
        """Abandon the gesture in progress (Esc, tool switch, focus loss)."""

    def hover(self, x: float, y: float) -> None:
        """The mouse moved with no button held."""

    def key_press(self, key: int) -> bool:
        """A key went down while the canvas had focus; True if the tool used it."""
        return False

    def overlay(self, painter: QPainter, to_view: QTransform) -> None:
        """Draw the gesture in progress (the painter is in view coordinates)."""

    def _tolerance(self) -> float:
        return GRAB_TOLERANCE_PX / max(self.ctx.view_scale(), 1e-6)


class PointTool(Tool):
    """Click adds a point in the current colour; drag moves one; right-click or Delete removes it."""

    name, label, shortcut, icon = "point", "Point", "P", "point"

    def __init__(self, context: ToolContext) -> None:
        super().__init__(context)
        self._drag: tuple[int, int, float, float] | None = None  # index, drag id, start x, start y

    def press(self, x: float, y: float, button: Qt.MouseButton) -> None:
        doc = self.ctx.document
        hit = doc.point_at(x, y, self._tolerance())
        if button == Qt.MouseButton.RightButton:
            if hit is not None:
                doc.remove_point(hit)
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if hit is None:
            self.ctx.spot_picked(x, y)
            hit = doc.add_point(x, y, self.ctx.color(), self.ctx.point_radius())
            self._drag = None
            return
        doc.select(hit)
        point = doc.points[hit]
        self._drag = (hit, new_drag_id(), point.x, point.y)

    def move(self, x: float, y: float) -> None:
        if self._drag is not None:
            index, drag_id, _, _ = self._drag
            self.ctx.document.move_point(index, x, y, drag_id=drag_id)

    def release(self, x: float, y: float) -> None:
        self._drag = None

    def cancel(self) -> None:
        if self._drag is not None:
            index, drag_id, x0, y0 = self._drag
            self.ctx.document.move_point(index, x0, y0, drag_id=drag_id)
            self._drag = None

    def key_press(self, key: int) -> bool:
        doc = self.ctx.document
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and doc.selected is not None:
            self._drag = None
            doc.remove_point(doc.selected)
            return True
        return False


class BrushTool(Tool):
    """Paint a stroke in the current colour; the whole stroke is one undo step."""

    name, label, shortcut, icon = "brush", "Brush", "B", "brush"
    #: Points closer than this (image pixels) to the previous one are not recorded.
    MIN_STEP = 0.75

    def __init__(self, context: ToolContext) -> None:
        super().__init__(context)
        self._points: list[tuple[float, float]] = []
        self._hover: tuple[float, float] | None = None

    @property
    def in_progress(self) -> tuple[tuple[float, float], ...]:
        return tuple(self._points)

    def press(self, x: float, y: float, button: Qt.MouseButton) -> None:
        if button == Qt.MouseButton.LeftButton:
            self._points = [(x, y)]
            self.ctx.repaint()

    def move(self, x: float, y: float) -> None:
        if self._points:
            lx, ly = self._points[-1]
            if math.hypot(x - lx, y - ly) >= self.MIN_STEP:
                self._points.append((x, y))
                self.ctx.repaint()
        self._hover = (x, y)

    def release(self, x: float, y: float) -> None:
        if not self._points:
            return
        points, self._points = self._points, []
        self.ctx.document.add_stroke(points, self.ctx.brush_width(), self.ctx.color())
        self.ctx.repaint()

    def cancel(self) -> None:
        self._points = []
        self.ctx.repaint()

    def hover(self, x: float, y: float) -> None:
        self._hover = (x, y)
        self.ctx.repaint()

    def overlay(self, painter: QPainter, to_view: QTransform) -> None:
        scale = to_view.m11()
        if self._points:
            pen = QPen(QColor(*self.ctx.color()), max(1.0, self.ctx.brush_width() * scale))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            path = QPainterPath(to_view.map(QPointF(*self._points[0])))
            for px, py in self._points[1:]:
                path.lineTo(to_view.map(QPointF(px, py)))
            painter.setPen(pen)
            painter.drawPath(path) if len(self._points) > 1 else painter.drawPoint(path.currentPosition())
        if self._hover is not None:
            _draw_ring(painter, to_view.map(QPointF(*self._hover)), self.ctx.brush_width() * scale / 2)


class EraserTool(Tool):
    """Drag over hints to remove them; one drag is one undo step."""

    name, label, shortcut, icon = "eraser", "Eraser", "E", "eraser"

    def __init__(self, context: ToolContext) -> None:
        super().__init__(context)
        self._drag_id: int | None = None
        self._hover: tuple[float, float] | None = None

    def _radius(self) -> float:
        return self.ctx.brush_width() / 2

    def press(self, x: float, y: float, button: Qt.MouseButton) -> None:
        if button == Qt.MouseButton.LeftButton:
            self._drag_id = new_drag_id()
            self.ctx.document.erase_at(x, y, self._radius(), drag_id=self._drag_id)

    def move(self, x: float, y: float) -> None:
        self._hover = (x, y)
        if self._drag_id is not None:
            self.ctx.document.erase_at(x, y, self._radius(), drag_id=self._drag_id)
        self.ctx.repaint()

    def release(self, x: float, y: float) -> None:
        self._drag_id = None

    def cancel(self) -> None:
        self._drag_id = None

    def hover(self, x: float, y: float) -> None:
        self._hover = (x, y)
        self.ctx.repaint()

    def overlay(self, painter: QPainter, to_view: QTransform) -> None:
        if self._hover is not None:
            _draw_ring(painter, to_view.map(QPointF(*self._hover)), self._radius() * to_view.m11())


class EyedropperTool(Tool):
    """Click the result to take its colour as the current colour."""

    name, label, shortcut, icon = "eyedropper", "Eyedropper", "I", "eyedropper"

    def press(self, x: float, y: float, button: Qt.MouseButton) -> None:
        if button != Qt.MouseButton.LeftButton:
            return
        rgb = self.ctx.sample(x, y)
        if rgb is not None:
            self.ctx.color_picked(rgb)
        self.ctx.spot_picked(x, y)


class PanTool(Tool):
    """Drag to move the view (the canvas does the panning)."""

    name, label, shortcut, icon = "pan", "Pan", "H", "pan"
    cursor = Qt.CursorShape.OpenHandCursor
    pans = True


def _draw_ring(painter: QPainter, centre: QPointF, radius: float) -> None:
    """A circle visible on any background: white over black."""
    radius = max(radius, 2.0)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for colour, width in ((QColor(0, 0, 0, 160), 3.0), (QColor(255, 255, 255, 220), 1.0)):
        painter.setPen(QPen(colour, width))
        painter.drawEllipse(centre, radius, radius)


TOOL_CLASSES: tuple[type[Tool], ...] = (PointTool, BrushTool, EraserTool, EyedropperTool, PanTool)
