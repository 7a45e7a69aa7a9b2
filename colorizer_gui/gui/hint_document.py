"""The hints of the open photo, with undo: every edit is a verb that pushes one command.

Widgets and tools never change the lists directly; they call the verbs below
(``add_point``, ``move_point``, ``remove_point``, ``recolor_point``,
``add_stroke``, ``erase_at``, ``clear``, ``set_strength``) and redraw on
:attr:`changed`. The underscore methods are the primitives the commands in
:mod:`.commands` use to do and undo exactly.

The photo's colour strength lives here too: it is an edit of this photo like
its hints (undoable, saved in the sidecar, counted as unsaved), not an app-wide
setting.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from colorizer_gui.core.hints import HintPoint, Hints, HintStroke
from colorizer_gui.core.strength import check_strength

from . import commands
from .qtcompat import emit

__all__ = ["RGB", "HintDocument"]

RGB = tuple[int, int, int]

_drag_ids = itertools.count(1)


def new_drag_id() -> int:
    """A fresh id that ties the commands of one drag together (they merge into one undo step)."""
    return next(_drag_ids)


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def stroke_distance(stroke: HintStroke, x: float, y: float) -> float:
    """Distance from (x, y) to the centre line of ``stroke`` (image pixels)."""
    pts = stroke.points
    if len(pts) == 1:
        return math.hypot(x - pts[0][0], y - pts[0][1])
    return min(_segment_distance(x, y, pts[i], pts[i + 1]) for i in range(len(pts) - 1))


class HintDocument(QObject):
    """Owns the points, strokes and the undo stack of the photo being edited."""

    changed = Signal()
    selectionChanged = Signal()
    strengthChanged = Signal(float)  # the applied strength, after any change, undo or reset

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._image_size: tuple[int, int] = (0, 0)
        self._points: list[HintPoint] = []
        self._strokes: list[HintStroke] = []
        self._selected: int | None = None
        self._strength: float | None = None
        self.undo_stack = QUndoStack(self)

    # -- queries ---------------------------------------------------------------------------------
    @property
    def image_size(self) -> tuple[int, int]:
        return self._image_size

    @property
    def points(self) -> tuple[HintPoint, ...]:
        return tuple(self._points)

    @property
    def strokes(self) -> tuple[HintStroke, ...]:
        return tuple(self._strokes)

    @property
    def strength(self) -> float | None:
        """The photo's own colour strength, or None while it has none (it then gets the model's own, 1)."""
        return self._strength

    @property
    def applied_strength(self) -> float:
        """The colour strength previews and saves use."""
        return 1.0 if self._strength is None else self._strength

    @property
    def selected(self) -> int | None:
        """Index of the selected point (the one suggestions recolour), or None."""
        return self._selected

    def hints(self) -> Hints:
        """An immutable snapshot, safe to hand to a worker thread."""
        return Hints(
            image_size=self._image_size,
            points=tuple(self._points),
            strokes=tuple(self._strokes),
            strength=self._strength,
        )

    def is_empty(self) -> bool:
        return not self._points and not self._strokes

    def point_at(self, x: float, y: float, tolerance: float) -> int | None:
        """Index of the topmost point whose disc (plus ``tolerance``) contains (x, y)."""
        for index in range(len(self._points) - 1, -1, -1):
            p = self._points[index]
            if math.hypot(p.x - x, p.y - y) <= p.radius + tolerance:
                return index
        return None

    # -- not undoable ----------------------------------------------------------------------------
    def reset(self, image_size: tuple[int, int], hints: Hints | None = None) -> None:
        """Start over for a newly opened photo (optionally with hints from its sidecar)."""
        self.undo_stack.clear()
        self.undo_stack.setClean()  # what was loaded is what is saved
        self._image_size = image_size
        self._points = list(hints.points) if hints is not None else []
        self._strokes = list(hints.strokes) if hints is not None else []
        self._strength = hints.strength if hints is not None else None
        self.select(None)
        emit(self.strengthChanged, self.applied_strength)
        emit(self.changed)

    def mark_saved(self, saved: Hints) -> None:
        """``saved`` was written: the edits are saved if the hints are still exactly those."""
        if self.hints() == saved:
            self.undo_stack.setClean()

    @property
    def is_modified(self) -> bool:
        """True while there are edits that were not saved (the undo stack is not at its clean index)."""
        return not self.undo_stack.isClean()

    def select(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self._points):
            index = None
        if index != self._selected:
            self._selected = index
            emit(self.selectionChanged)

    # -- verbs (each pushes one command) ---------------------------------------------------------
    def add_point(self, x: float, y: float, rgb: RGB, radius: float) -> int:
        """Add a point hint and select it; returns its index."""
        point = HintPoint(x=float(x), y=float(y), radius=float(radius), rgb=tuple(rgb))  # type: ignore[arg-type]
        self.undo_stack.push(commands.AddPointCommand(self, point))
        index = len(self._points) - 1
        self.select(index)
        return index

    def move_point(self, index: int, x: float, y: float, *, drag_id: int = 0) -> None:
        """Move a point; moves with the same non-zero ``drag_id`` merge into one undo step."""
        old = self._points[index]
        self.undo_stack.push(commands.MovePointCommand(self, index, (old.x, old.y), (x, y), drag_id))

    def remove_point(self, index: int) -> None:
        self.undo_stack.push(commands.RemovePointCommand(self, index))

    def recolor_point(self, index: int, rgb: RGB) -> None:
        old = self._points[index].rgb
        if tuple(old) != tuple(rgb):
            self.undo_stack.push(commands.RecolorPointCommand(self, index, old, tuple(rgb)))  # type: ignore[arg-type]

    def add_stroke(self, points: Sequence[tuple[float, float]], width: float, rgb: RGB) -> None:
        """Add one finished brush stroke (one undo step)."""
        if not points:
            return
        stroke = HintStroke(
            points=tuple((float(x), float(y)) for x, y in points),
            width=float(width),
            rgb=tuple(rgb),  # type: ignore[arg-type]
        )
        self.undo_stack.push(commands.AddStrokeCommand(self, stroke))

    def erase_at(self, x: float, y: float, radius: float, *, drag_id: int = 0) -> bool:
        """Remove every point and stroke touching the disc at (x, y); True if anything went."""
        point_ids = [i for i, p in enumerate(self._points) if math.hypot(p.x - x, p.y - y) <= p.radius + radius]
        stroke_ids = [i for i, s in enumerate(self._strokes) if stroke_distance(s, x, y) <= s.width / 2 + radius]
        if not point_ids and not stroke_ids:
            return False
        self.undo_stack.push(commands.EraseCommand(self, point_ids, stroke_ids, drag_id))
        return True

    def clear(self) -> None:
        """Remove every point and stroke (the colour strength stays: it is not a hint)."""
        if not self.is_empty():
            self.undo_stack.push(commands.ClearCommand(self))

    def set_strength(self, strength: float) -> None:
        """Give the photo this colour strength; a run of changes (a slider drag) is one undo step."""
        strength = check_strength(strength)
        if strength != self._strength:
            self.undo_stack.push(commands.SetStrengthCommand(self, self._strength, strength))

    # -- primitives for the commands -------------------------------------------------------------
    def _insert_point(self, index: int, point: HintPoint) -> None:
        self._points.insert(index, point)
        if self._selected is not None and self._selected >= index:
            self._selected += 1
        emit(self.changed)

    def _replace_point(self, index: int, point: HintPoint) -> None:
        self._points[index] = point
        emit(self.changed)

    def _pop_point(self, index: int) -> HintPoint:
        point = self._points.pop(index)
        if self._selected is not None:
            if self._selected == index:
                self.select(None)
            elif self._selected > index:
                self._selected -= 1
        emit(self.changed)
        return point

    def _insert_stroke(self, index: int, stroke: HintStroke) -> None:
        self._strokes.insert(index, stroke)
        emit(self.changed)

    def _pop_stroke(self, index: int) -> HintStroke:
        stroke = self._strokes.pop(index)
        emit(self.changed)
        return stroke

    def _set_strength(self, strength: float | None) -> None:
        self._strength = strength
        emit(self.strengthChanged, self.applied_strength)
        emit(self.changed)

    def _set_all(self, points: Sequence[HintPoint], strokes: Sequence[HintStroke]) -> None:
        self._points = list(points)
        self._strokes = list(strokes)
        self.select(None)
        emit(self.changed)
