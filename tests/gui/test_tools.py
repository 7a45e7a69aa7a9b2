"""Each tool against a real hint document, driven in image coordinates as the canvas does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from colorizer_gui.gui.hint_document import HintDocument
from colorizer_gui.gui.tools import BrushTool, EraserTool, EyedropperTool, PointTool, ToolContext

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
ORANGE = (230, 120, 20)


@pytest.fixture()
def ctx(qapp) -> ToolContext:  # type: ignore[no-untyped-def]
    doc = HintDocument()
    doc.reset((300, 200))
    picked: list[object] = []
    context = ToolContext(
        document=doc,
        color=lambda: ORANGE,
        brush_width=lambda: 10.0,
        point_radius=lambda: 5.0,
        sample=lambda x, y: (int(x) % 256, int(y) % 256, 7),
        spot_picked=lambda x, y: picked.append(("spot", x, y)),
        color_picked=lambda rgb: picked.append(("color", rgb)),
    )
    context.picked = picked  # type: ignore[attr-defined]
    return context


def test_point_click_adds_drag_moves_as_one_step(ctx: ToolContext) -> None:
    tool, doc = PointTool(ctx), ctx.document
    tool.press(50, 60, LEFT)
    tool.release(50, 60)
    assert [(p.x, p.y, p.rgb, p.radius) for p in doc.points] == [(50, 60, ORANGE, 5)]
    assert ctx.picked == [("spot", 50, 60)]  # type: ignore[attr-defined]
    tool.press(52, 61, LEFT)  # grabs the existing point
    for x in (60, 70, 80):
        tool.move(x, 90)
    tool.release(80, 90)
    assert len(doc.points) == 1
    assert (doc.points[0].x, doc.points[0].y) == (80, 90)
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert (doc.points[0].x, doc.points[0].y) == (50, 60)


def test_point_right_click_and_delete_remove(ctx: ToolContext) -> None:
    tool, doc = PointTool(ctx), ctx.document
    for x in (20, 120):
        tool.press(x, 20, LEFT)
        tool.release(x, 20)
    tool.press(21, 21, RIGHT)
    assert [p.x for p in doc.points] == [120]
    doc.select(0)
    assert tool.key_press(Qt.Key.Key_Delete)
    assert doc.points == ()
    assert not tool.key_press(Qt.Key.Key_Delete)


def test_point_escape_puts_a_dragged_point_back(ctx: ToolContext) -> None:
    tool, doc = PointTool(ctx), ctx.document
    tool.press(40, 40, LEFT)
    tool.release(40, 40)
    tool.press(40, 40, LEFT)
    tool.move(100, 100)
    tool.cancel()
    assert (doc.points[0].x, doc.points[0].y) == (40, 40)
    assert doc.undo_stack.count() == 1


def test_brush_stroke_is_one_undo_step(ctx: ToolContext) -> None:
    tool, doc = BrushTool(ctx), ctx.document
    tool.press(10, 10, LEFT)
    for x in range(12, 60, 4):
        tool.move(x, 10 + x / 2)
        assert doc.strokes == ()  # nothing is committed while drawing
    tool.release(60, 40)
    assert len(doc.strokes) == 1
    stroke = doc.strokes[0]
    assert stroke.width == 10 and stroke.rgb == ORANGE
    assert stroke.points[0] == (10, 10) and len(stroke.points) == 13
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.strokes == ()


def test_brush_cancel_commits_nothing(ctx: ToolContext) -> None:
    tool = BrushTool(ctx)
    tool.press(10, 10, LEFT)
    tool.move(50, 50)
    tool.cancel()
    tool.release(50, 50)
    assert ctx.document.strokes == ()


def test_eraser_drag_removes_what_it_touches_in_one_step(ctx: ToolContext) -> None:
    doc = ctx.document
    doc.add_point(30, 30, ORANGE, 4)
    doc.add_point(90, 30, ORANGE, 4)
    doc.add_stroke([(10, 150), (290, 150)], 6, ORANGE)
    tool = EraserTool(ctx)
    tool.press(30, 33, LEFT)
    tool.move(60, 40)
    tool.move(90, 34)
    tool.release(90, 34)
    assert doc.points == () and len(doc.strokes) == 1
    assert doc.undo_stack.count() == 4
    doc.undo_stack.undo()
    assert len(doc.points) == 2


def test_eyedropper_takes_the_result_colour(ctx: ToolContext) -> None:
    EyedropperTool(ctx).press(100, 50, LEFT)
    assert ctx.picked == [("color", (100, 50, 7)), ("spot", 100, 50)]  # type: ignore[attr-defined]
