"""Undo commands for hint edits; each changes the document only and keeps what it needs to reverse.

Commands never touch widgets: the canvas redraws from the document's
``changed`` signal. A point drag is many :class:`MovePointCommand` s with one
drag id, merged by ``mergeWith`` into a single undo step; an eraser drag merges
the same way, and so do back-to-back colour strength changes (a slider drag, or
a key held down).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from colorizer_gui.core.hints import HintPoint, HintStroke

if TYPE_CHECKING:
    from .hint_document import HintDocument

__all__ = [
    "AddPointCommand",
    "AddStrokeCommand",
    "ClearCommand",
    "EraseCommand",
    "MovePointCommand",
    "RecolorPointCommand",
    "RemovePointCommand",
    "SetStrengthCommand",
]

RGB = tuple[int, int, int]

MOVE_POINT_ID = 1001
ERASE_ID = 1002
STRENGTH_ID = 1003


class AddPointCommand(QUndoCommand):
    def __init__(self, doc: HintDocument, point: HintPoint) -> None:
        super().__init__("Add point")
        self._doc, self._point = doc, point
        self._index = len(doc.points)

    def redo(self) -> None:
        self._doc._insert_point(self._index, self._point)

    def undo(self) -> None:
        self._doc._pop_point(self._index)


class MovePointCommand(QUndoCommand):
    def __init__(
        self,
        doc: HintDocument,
        index: int,
        old: tuple[float, float],
        new: tuple[float, float],
        drag_id: int,
    ) -> None:
        super().__init__("Move point")
        self._doc, self._index, self._old, self._new, self._drag = doc, index, old, new, drag_id

    def _place(self, xy: tuple[float, float]) -> None:
        point = self._doc.points[self._index]
        self._doc._replace_point(self._index, replace(point, x=float(xy[0]), y=float(xy[1])))

    def redo(self) -> None:
        self._place(self._new)

    def undo(self) -> None:
        self._place(self._old)

    def id(self) -> int:
        return MOVE_POINT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MovePointCommand) or self._drag == 0:
            return False
        if other._drag != self._drag or other._index != self._index:
            return False
        self._new = other._new
        if self._new == self._old:
            self.setObsolete(True)
        return True


class RemovePointCommand(QUndoCommand):
    def __init__(self, doc: HintDocument, index: int) -> None:
        super().__init__("Remove point")
        self._doc, self._index = doc, index
        self._point = doc.points[index]

    def redo(self) -> None:
        self._doc._pop_point(self._index)

    def undo(self) -> None:
        self._doc._insert_point(self._index, self._point)


class RecolorPointCommand(QUndoCommand):
    def __init__(self, doc: HintDocument, index: int, old: RGB, new: RGB) -> None:
        super().__init__("Change point colour")
        self._doc, self._index, self._old, self._new = doc, index, old, new

    def _paint(self, rgb: RGB) -> None:
        point = self._doc.points[self._index]
        self._doc._replace_point(self._index, replace(point, rgb=rgb))

    def redo(self) -> None:
        self._paint(self._new)

    def undo(self) -> None:
        self._paint(self._old)


class AddStrokeCommand(QUndoCommand):
    def __init__(self, doc: HintDocument, stroke: HintStroke) -> None:
        super().__init__("Brush stroke")
        self._doc, self._stroke = doc, stroke
        self._index = len(doc.strokes)

    def redo(self) -> None:
        self._doc._insert_stroke(self._index, self._stroke)

    def undo(self) -> None:
        self._doc._pop_stroke(self._index)


class EraseCommand(QUndoCommand):
    """Removes the given points and strokes; merged erases replay their steps in order."""

    def __init__(self, doc: HintDocument, point_ids: list[int], stroke_ids: list[int], drag_id: int) -> None:
        super().__init__("Erase")
        self._doc, self._drag = doc, drag_id
        self._steps: list[tuple[list[tuple[int, HintPoint]], list[tuple[int, HintStroke]]]] = [
            (
                [(i, doc.points[i]) for i in sorted(point_ids)],
                [(i, doc.strokes[i]) for i in sorted(stroke_ids)],
            )
        ]

    def redo(self) -> None:
        for points, strokes in self._steps:
            for index, _ in reversed(points):
                self._doc._pop_point(index)
            for index, _ in reversed(strokes):
                self._doc._pop_stroke(index)

    def undo(self) -> None:
        for points, strokes in reversed(self._steps):
            for index, point in points:
                self._doc._insert_point(index, point)
            for index, stroke in strokes:
                self._doc._insert_stroke(index, stroke)

    def id(self) -> int:
        return ERASE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EraseCommand) or self._drag == 0 or other._drag != self._drag:
            return False
        self._steps.extend(other._steps)
        return True


class ClearCommand(QUndoCommand):
    def __init__(self, doc: HintDocument) -> None:
        super().__init__("Clear hints")
        self._doc = doc
        self._points, self._strokes = doc.points, doc.strokes

    def redo(self) -> None:
        self._doc._set_all((), ())

    def undo(self) -> None:
        self._doc._set_all(self._points, self._strokes)


class SetStrengthCommand(QUndoCommand):
    """The photo's colour strength from ``old`` (None: it had none of its own) to ``new``."""

    def __init__(self, doc: HintDocument, old: float | None, new: float) -> None:
        super().__init__()
        self._doc, self._old, self._new = doc, old, new
        self._name()

    def _name(self) -> None:
        self.setText(f"Colour strength {self._new * 100:.0f} %")

    def redo(self) -> None:
        self._doc._set_strength(self._new)

    def undo(self) -> None:
        self._doc._set_strength(self._old)

    def id(self) -> int:
        return STRENGTH_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetStrengthCommand):
            return False
        self._new = other._new
        self._name()
        if self._new == self._old:
            self.setObsolete(True)
        return True
