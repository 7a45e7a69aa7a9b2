"""The photo view: zoom, pan, before/after split, hint overlay; edits go to the active tool.

Mouse positions are mapped to image coordinates here and handed to the one
active :class:`~.tools.Tool`; the canvas itself only changes the view (zoom,
pan, split line, "show original" while a key is held).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from .hint_document import HintDocument
from .qtcompat import emit
from .tools import Tool

__all__ = ["Canvas"]

MIN_SCALE, MAX_SCALE = 0.02, 32.0
ZOOM_STEP = 1.25
#: How close (view pixels) the mouse must be to grab the split line.
SPLIT_GRAB_PX = 8.0
#: Scaled copies of the photo larger than this are not cached (only the visible part is drawn).
CACHE_MAX_PIXELS = 12_000_000
BACKGROUND = QColor(40, 40, 44)


class Canvas(QWidget):
    """Paints original + result + hints and turns mouse input into tool calls."""

    zoomChanged = Signal(float)

    def __init__(self, document: HintDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._original: QImage | None = None
        self._result: QImage | None = None
        self._tool: Tool | None = None
        self._scale = 1.0
        self._offset = QPointF(0, 0)
        self._fit_mode = True
        self._split_enabled = False
        self._split = 0.5
        self._show_original = False
        self._scaled_cache: dict[tuple[int, int, int], QImage] = {}
        self._hints_visible = True
        self._busy = False
        self._space_held = False
        self._pan_from: QPointF | None = None
        self._dragging_split = False
        self._tool_drag = False
        self._locked = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)
        document.changed.connect(self.update)
        document.selectionChanged.connect(self.update)

    # -- state -----------------------------------------------------------------------------------
    @property
    def scale(self) -> float:
        return self._scale

    @property
    def split_enabled(self) -> bool:
        return self._split_enabled

    @property
    def split_fraction(self) -> float:
        return self._split

    @property
    def showing_original(self) -> bool:
        return self._show_original

    @property
    def tool(self) -> Tool | None:
        return self._tool

    def has_result(self) -> bool:
        return self._result is not None

    def set_original(self, image: QImage | None) -> None:
        """Show a new photo (no result yet) and fit it to the view."""
        self._original = image
        self._result = None
        self._scaled_cache.clear()
        self.fit()

    def set_result(self, image: QImage | None) -> None:
        """Show a colorized result; any size, it is scaled onto the photo."""
        self._result = image
        self.update()

    def set_tool(self, tool: Tool) -> None:
        if self._tool is not None and self._tool is not tool:
            self._tool.cancel()
        self._tool = tool
        self._tool_drag = False
        self._update_cursor()
        self.update()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.update()

    def set_locked(self, locked: bool) -> None:
        """Stop (or allow again) hint edits; zoom, pan and the split still work."""
        self._locked = locked
        if locked and self._tool is not None:
            self._tool_drag = False
            self._tool.cancel()

    @property
    def locked(self) -> bool:
        return self._locked

    def set_split_enabled(self, enabled: bool) -> None:
        self._split_enabled = enabled
        self.update()

    def set_split_fraction(self, fraction: float) -> None:
        self._split = min(max(fraction, 0.0), 1.0)
        self.update()

    def set_show_original(self, show: bool) -> None:
        if show != self._show_original:
            self._show_original = show
            self.update()

    def set_hints_visible(self, visible: bool) -> None:
        self._hints_visible = visible
        self.update()

    # -- geometry --------------------------------------------------------------------------------
    def _image_size(self) -> tuple[int, int]:
        if self._original is None:
            return (0, 0)
        return self._original.width(), self._original.height()

    def to_view(self) -> QTransform:
        return QTransform(self._scale, 0, 0, self._scale, self._offset.x(), self._offset.y())

    def view_to_image(self, pos: QPointF) -> QPointF:
        return QPointF((pos.x() - self._offset.x()) / self._scale, (pos.y() - self._offset.y()) / self._scale)

    def image_to_view(self, pos: QPointF) -> QPointF:
        return QPointF(pos.x() * self._scale + self._offset.x(), pos.y() * self._scale + self._offset.y())

    def image_rect(self) -> QRectF:
        w, h = self._image_size()
        return QRectF(self._offset.x(), self._offset.y(), w * self._scale, h * self._scale)

    def _split_x(self) -> float:
        rect = self.image_rect()
        return rect.left() + rect.width() * self._split

    # -- zoom and pan ----------------------------------------------------------------------------
    def fit(self) -> None:
        """Fit the whole photo in the view (and keep fitting when the window resizes)."""
        self._fit_mode = True
        w, h = self._image_size()
        if w and h:
            margin = 8
            scale = min((self.width() - margin) / w, (self.height() - margin) / h)
            self._scale = min(max(scale, MIN_SCALE), MAX_SCALE)
            self._offset = QPointF((self.width() - w * self._scale) / 2, (self.height() - h * self._scale) / 2)
        emit(self.zoomChanged, self._scale)
        self.update()

    def actual_size(self) -> None:
        """One image pixel per screen pixel, centred."""
        self._set_scale(1.0, QPointF(self.width() / 2, self.height() / 2))

    def zoom_in(self) -> None:
        self._set_scale(self._scale * ZOOM_STEP, QPointF(self.width() / 2, self.height() / 2))

    def zoom_out(self) -> None:
        self._set_scale(self._scale / ZOOM_STEP, QPointF(self.width() / 2, self.height() / 2))

    def _set_scale(self, scale: float, anchor: QPointF) -> None:
        """Zoom keeping the image point under ``anchor`` (view coordinates) in place."""
        scale = min(max(scale, MIN_SCALE), MAX_SCALE)
        fixed = self.view_to_image(anchor)
        self._fit_mode = False
        self._scale = scale
        self._offset = QPointF(anchor.x() - fixed.x() * scale, anchor.y() - fixed.y() * scale)
        emit(self.zoomChanged, self._scale)
        self.update()

    def pan_by(self, dx: float, dy: float) -> None:
        self._fit_mode = False
        self._offset += QPointF(dx, dy)
        self.update()

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._original is None:
            painter.setPen(QColor(190, 190, 190))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop a photo or a folder here\nor use File ▸ Open"
            )
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._scale < 2.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = self.image_rect()
        self._draw_scaled(painter, rect, self._original)
        if self._result is not None and not self._show_original:
            painter.save()
            if self._split_enabled:
                split_x = self._split_x()
                painter.setClipRect(QRectF(split_x, rect.top(), rect.right() - split_x, rect.height()))
            self._draw_scaled(painter, rect, self._result)
            painter.restore()
        if self._hints_visible and not self._show_original:
            self._paint_hints(painter)
        if self._tool is not None and not self._show_original:
            self._tool.overlay(painter, self.to_view())
        if self._split_enabled and not self._show_original:
            self._paint_split(painter, rect)
        if self._busy:
            self._paint_badge(painter, "Colorizing…")
        elif self._show_original:
            self._paint_badge(painter, "Original")

    def _draw_scaled(self, painter: QPainter, rect: QRectF, image: QImage) -> None:
        """Draw ``image`` over ``rect``; a smooth copy at the view's size is cached between paints.

        Rescaling a photo on every paint (each mouse move repaints the overlay) costs tens of
        milliseconds of GUI time; a cached copy is a plain blit. Very large zooms draw only
        the visible part instead of caching a huge copy.
        """
        ratio = self.devicePixelRatioF()
        size = QSize(max(1, round(rect.width() * ratio)), max(1, round(rect.height() * ratio)))
        if size == image.size():
            painter.drawImage(rect.topLeft(), image)
            return
        if size.width() * size.height() > CACHE_MAX_PIXELS:
            visible = rect.intersected(QRectF(self.rect()))
            if visible.isEmpty():
                return
            sx, sy = image.width() / rect.width(), image.height() / rect.height()
            source = QRectF(
                (visible.left() - rect.left()) * sx,
                (visible.top() - rect.top()) * sy,
                visible.width() * sx,
                visible.height() * sy,
            )
            painter.drawImage(visible, image, source)
            return
        key = (image.cacheKey(), size.width(), size.height())
        scaled = self._scaled_cache.get(key)
        if scaled is None:
            mode = (
                Qt.TransformationMode.SmoothTransformation
                if self._scale < 2.0
                else Qt.TransformationMode.FastTransformation
            )
            scaled = image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, mode)
            scaled.setDevicePixelRatio(ratio)
            if len(self._scaled_cache) >= 4:
                self._scaled_cache.pop(next(iter(self._scaled_cache)))
            self._scaled_cache[key] = scaled
        painter.drawImage(rect.topLeft(), scaled)

    def _paint_hints(self, painter: QPainter) -> None:
        to_view = self.to_view()
        for stroke in self._doc.strokes:
            width = max(1.5, stroke.width * self._scale)
            path = QPainterPath(to_view.map(QPointF(*stroke.points[0])))
            for x, y in stroke.points[1:]:
                path.lineTo(to_view.map(QPointF(x, y)))
            if len(stroke.points) == 1:
                path.lineTo(path.currentPosition() + QPointF(0.01, 0))
            for colour, extra in ((QColor(0, 0, 0, 110), 2.0), (QColor(*stroke.rgb), 0.0)):
                pen = QPen(colour, width + extra)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawPath(path)
        selected = self._doc.selected
        for index, point in enumerate(self._doc.points):
            centre = to_view.map(QPointF(point.x, point.y))
            radius = max(4.0, point.radius * self._scale)
            painter.setBrush(QColor(*point.rgb))
            painter.setPen(QPen(QColor(0, 0, 0), 2.5))
            painter.drawEllipse(centre, radius, radius)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(255, 255, 255), 3.0 if index == selected else 1.0))
            painter.drawEllipse(centre, radius + 1.5, radius + 1.5)

    def _paint_split(self, painter: QPainter, rect: QRectF) -> None:
        x = self._split_x()
        painter.setPen(QPen(QColor(255, 255, 255, 230), 2.0))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        centre = QPointF(x, rect.center().y())
        painter.setBrush(QColor(255, 255, 255))
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1.0))
        painter.drawEllipse(centre, 9.0, 9.0)
        painter.setPen(QColor(255, 255, 255))
        top = max(rect.top(), 0.0) + 18
        painter.drawText(QPointF(x - 66, top), "Original")
        painter.drawText(QPointF(x + 10, top), "Colorized")

    def _paint_badge(self, painter: QPainter, text: str) -> None:
        metrics = painter.fontMetrics()
        box = QRectF(10, 10, metrics.horizontalAdvance(text) + 20, metrics.height() + 10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # -- input -----------------------------------------------------------------------------------
    def _update_cursor(self) -> None:
        if self._pan_from is not None:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self._space_held or (self._tool is not None and self._tool.pans):
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif self._tool is not None:
            self.setCursor(self._tool.cursor)
        else:
            self.unsetCursor()

    def _near_split(self, pos: QPointF) -> bool:
        return (
            self._split_enabled
            and self._original is not None
            and abs(pos.x() - self._split_x()) <= SPLIT_GRAB_PX
            and self.image_rect().top() <= pos.y() <= self.image_rect().bottom()
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        button = event.button()
        wants_pan = self._space_held or (self._tool is not None and self._tool.pans)
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and wants_pan):
            self._pan_from = pos
            self._update_cursor()
        elif button == Qt.MouseButton.LeftButton and self._near_split(pos):
            self._dragging_split = True
        elif self._tool is not None and self._original is not None and not self._locked:
            p = self.view_to_image(pos)
            self._tool_drag = button == Qt.MouseButton.LeftButton
            self._tool.press(p.x(), p.y(), button)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.pan_by(delta.x(), delta.y())
        elif self._dragging_split:
            rect = self.image_rect()
            self.set_split_fraction((pos.x() - rect.left()) / max(rect.width(), 1e-6))
        elif self._tool is not None and self._original is not None:
            p = self.view_to_image(pos)
            if self._tool_drag:
                self._tool.move(p.x(), p.y())
            else:
                self._tool.hover(p.x(), p.y())
        if self._near_split(pos) and self._pan_from is None:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif not self._dragging_split:
            self._update_cursor()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self._update_cursor()
        elif self._dragging_split:
            self._dragging_split = False
        elif self._tool is not None and self._tool_drag and event.button() == Qt.MouseButton.LeftButton:
            self._tool_drag = False
            p = self.view_to_image(pos)
            self._tool.release(p.x(), p.y())
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self._set_scale(self._scale * ZOOM_STEP**steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_held = True
                self._update_cursor()
        elif key == Qt.Key.Key_Escape and self._tool is not None:
            self._tool_drag = False
            self._tool.cancel()
        elif self._tool is None or self._locked or not self._tool.key_press(key):
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            self._pan_from = None
            self._update_cursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: object) -> None:
        self._space_held = False
        if self._tool_drag and self._tool is not None:
            self._tool.cancel()
            self._tool_drag = False
        super().focusOutEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit_mode:
            self.fit()
        super().resizeEvent(event)
