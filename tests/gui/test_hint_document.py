"""Hint commands without a window: redo, undo, redo, and merging of drags."""

from __future__ import annotations

import pytest

from colorizer_gui.core.hints import Hints
from colorizer_gui.gui.hint_document import HintDocument, new_drag_id

RED, BLUE = (220, 30, 30), (30, 60, 220)


@pytest.fixture()
def doc(qapp) -> HintDocument:  # type: ignore[no-untyped-def]
    document = HintDocument()
    document.reset((200, 100))
    return document


def test_add_move_remove_point_undo_redo(doc: HintDocument) -> None:
    doc.add_point(10, 20, RED, 5)
    assert doc.selected == 0
    drag = new_drag_id()
    for x in (12, 14, 16, 30):
        doc.move_point(0, x, 25, drag_id=drag)
    assert (doc.points[0].x, doc.points[0].y) == (30, 25)
    assert doc.undo_stack.count() == 2  # add + one merged move
    doc.undo_stack.undo()
    assert (doc.points[0].x, doc.points[0].y) == (10, 20)
    doc.undo_stack.redo()
    assert (doc.points[0].x, doc.points[0].y) == (30, 25)
    doc.remove_point(0)
    assert doc.points == ()
    assert doc.selected is None
    doc.undo_stack.undo()
    assert doc.points[0].rgb == RED
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.is_empty()
    for _ in range(3):
        doc.undo_stack.redo()
    assert doc.points == ()


def test_moves_of_different_drags_are_separate_steps(doc: HintDocument) -> None:
    doc.add_point(10, 20, RED, 5)
    doc.move_point(0, 11, 20, drag_id=new_drag_id())
    doc.move_point(0, 12, 20, drag_id=new_drag_id())
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    assert doc.points[0].x == 11


def test_a_drag_back_to_the_start_leaves_no_step(doc: HintDocument) -> None:
    doc.add_point(10, 20, RED, 5)
    drag = new_drag_id()
    doc.move_point(0, 40, 20, drag_id=drag)
    doc.move_point(0, 10, 20, drag_id=drag)
    assert doc.undo_stack.count() == 1


def test_recolor_point(doc: HintDocument) -> None:
    doc.add_point(10, 20, RED, 5)
    doc.recolor_point(0, BLUE)
    assert doc.points[0].rgb == BLUE
    assert doc.undo_stack.undoText() == "Change point colour"
    doc.undo_stack.undo()
    assert doc.points[0].rgb == RED


def test_stroke_and_clear(doc: HintDocument) -> None:
    doc.add_stroke([(0, 0), (50, 10), (90, 40)], 8, BLUE)
    doc.add_point(150, 50, RED, 4)
    hints = doc.hints()
    assert hints.image_size == (200, 100)
    assert hints.strokes[0].points == ((0.0, 0.0), (50.0, 10.0), (90.0, 40.0))
    doc.clear()
    assert doc.is_empty()
    doc.undo_stack.undo()
    assert doc.hints() == hints
    doc.undo_stack.redo()
    assert doc.is_empty()


def test_erase_drag_is_one_step_and_restores_order(doc: HintDocument) -> None:
    doc.add_point(10, 10, RED, 3)
    doc.add_point(100, 10, BLUE, 3)
    doc.add_point(190, 10, RED, 3)
    doc.add_stroke([(0, 90), (200, 90)], 6, BLUE)
    before = doc.hints()
    drag = new_drag_id()
    assert doc.erase_at(100, 12, 4, drag_id=drag)
    assert doc.erase_at(10, 12, 4, drag_id=drag)
    assert doc.erase_at(60, 88, 2, drag_id=drag)
    assert not doc.erase_at(60, 50, 2, drag_id=drag)
    assert [p.x for p in doc.points] == [190]
    assert doc.strokes == ()
    assert doc.undo_stack.count() == 5
    doc.undo_stack.undo()
    assert doc.hints() == before


def test_reset_clears_history(doc: HintDocument) -> None:
    doc.add_point(1, 1, RED, 2)
    doc.reset((50, 50))
    assert doc.is_empty()
    assert doc.undo_stack.count() == 0


def test_strength_changes_merge_until_another_edit_and_a_return_to_the_start_drops_out(doc: HintDocument) -> None:
    seen: list[float] = []
    doc.strengthChanged.connect(seen.append)
    doc.set_strength(0.9)
    doc.set_strength(0.7)
    assert doc.undo_stack.count() == 1 and doc.hints().strength == 0.7
    doc.add_point(10, 20, RED, 5)
    doc.set_strength(1.2)
    assert doc.undo_stack.count() == 3  # the point split the two runs of changes
    doc.set_strength(0.7)  # back where this run started: the step is dropped
    assert doc.undo_stack.count() == 2 and doc.strength == 0.7
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.strength is None and doc.applied_strength == 1.0
    assert seen[-1] == 1.0
    with pytest.raises(ValueError, match="between 0 and 2"):
        doc.set_strength(3)
    doc.reset((200, 100), Hints(image_size=(200, 100), strength=0.4))
    assert doc.strength == 0.4 and seen[-1] == 0.4 and doc.undo_stack.count() == 0
