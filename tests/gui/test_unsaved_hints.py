"""Unsaved hint edits are never lost silently: Save / Discard / Cancel on open-another and on close."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from colorizer_gui.core.hints import load_hints, sidecar_path
from colorizer_gui.core.imageio import SaveOptions
from colorizer_gui.gui.main_window import MainWindow
from colorizer_gui.gui.save_options_dialog import SaveOptionsDialog

from .conftest import Prompts, gray_photo, open_photo
from .events import click_image

Button = QMessageBox.StandardButton
BLUE = (40, 90, 220)


def edited_window(qtbot, make_window, tmp_path: Path) -> tuple[MainWindow, Path]:  # type: ignore[no-untyped-def]
    """A window with a.png open and one point hint added (not saved)."""
    window = make_window()
    photo = gray_photo(tmp_path / "a.png", level=120)
    open_photo(qtbot, window, photo)
    window.select_tool("point")
    window.color_panel.set_color(BLUE)
    click_image(window.canvas, 30, 40)
    assert len(window.document.points) == 1
    return window, photo


def record_opens(monkeypatch: pytest.MonkeyPatch, window: MainWindow) -> list[Path]:
    """The paths the window asks the editor to open (they still open)."""
    opened: list[Path] = []
    real = window.editor.open

    def spy(path: Path) -> None:
        opened.append(path)
        real(path)

    monkeypatch.setattr(window.editor, "open", spy)
    return opened


def answer_save_dialogs(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    """The Save flow's file dialog picks ``out`` and its options dialog is accepted."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    monkeypatch.setattr(SaveOptionsDialog, "exec", lambda _self: SaveOptionsDialog.DialogCode.Accepted)


def test_the_title_shows_a_star_while_the_hints_are_unsaved(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    photo = gray_photo(tmp_path / "a.png", level=120)
    open_photo(qtbot, window, photo)
    assert window.windowTitle() == "a.png[*] – Colorizer"
    assert not window.isWindowModified()
    window.document.add_point(30, 40, BLUE, 8)
    assert window.isWindowModified()
    window.undo_action.trigger()  # back to what was loaded: nothing to save
    assert not window.isWindowModified()
    window.redo_action.trigger()
    assert window.isWindowModified()


def test_opening_another_photo_without_edits_does_not_ask(qtbot, make_window, tmp_path: Path, prompts: Prompts) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "a.png", level=120))
    open_photo(qtbot, window, gray_photo(tmp_path / "b.png", level=90))
    assert prompts.asked == []
    assert window.editor.path == tmp_path / "b.png"


def test_a_strength_change_alone_is_an_unsaved_edit(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts
) -> None:
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "a.png", level=120))
    window.color_panel.strength.setValue(70)
    assert window.isWindowModified()
    prompts.answer = Button.Cancel
    window.open_path(gray_photo(tmp_path / "b.png", level=90))
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]
    assert window.editor.path == tmp_path / "a.png" and window.editor.strength == 0.7


def test_cancel_keeps_the_photo_and_its_hints(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, photo = edited_window(qtbot, make_window, tmp_path)
    hints = window.document.hints()
    opened = record_opens(monkeypatch, window)
    prompts.answer = Button.Cancel
    window.open_path(gray_photo(tmp_path / "b.png", level=90))
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]
    assert prompts.buttons == [Button.Save | Button.Discard | Button.Cancel]
    assert opened == []
    assert window.editor.path == photo
    assert window.document.hints() == hints
    assert window.document.undo_stack.count() == 1  # the edit can still be undone
    assert window.isWindowModified()


def test_discard_opens_the_new_photo(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts
) -> None:
    window, photo = edited_window(qtbot, make_window, tmp_path)
    other = gray_photo(tmp_path / "b.png", level=90)
    prompts.answer = Button.Discard
    open_photo(qtbot, window, other)
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]
    assert window.editor.path == other
    assert window.document.is_empty()
    assert not window.isWindowModified()
    assert not sidecar_path(photo).exists()  # nothing was written


def test_save_writes_the_sidecar_then_opens_the_new_photo(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _photo = edited_window(qtbot, make_window, tmp_path)
    hints = window.document.hints()
    out = tmp_path / "out" / "a-colour.png"
    out.parent.mkdir()
    answer_save_dialogs(monkeypatch, out)
    other = gray_photo(tmp_path / "b.png", level=90)
    prompts.answer = Button.Save
    with qtbot.waitSignals([window.editor.saved, window.editor.imageOpened], order="strict", timeout=30000):
        window.open_path(other)
    assert out.is_file()
    assert load_hints(sidecar_path(out)) == hints
    assert window.editor.path == other
    # Asked once: the save made it clean.
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]


def test_cancelling_the_save_dialog_keeps_the_photo(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, photo = edited_window(qtbot, make_window, tmp_path)
    opened = record_opens(monkeypatch, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    prompts.answer = Button.Save
    window.open_path(gray_photo(tmp_path / "b.png", level=90))
    assert opened == []
    assert window.editor.path == photo and len(window.document.points) == 1
    assert not window.guard.waiting_for_save


def test_saving_marks_the_hints_clean_unless_they_changed_meanwhile(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, _photo = edited_window(qtbot, make_window, tmp_path)
    assert window.isWindowModified()
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert window.save_to(tmp_path / "first.png", SaveOptions(format="png"))
    assert window.document.undo_stack.isClean()
    assert not window.isWindowModified()
    window.undo_action.trigger()  # the saved point is gone again: unsaved
    assert window.isWindowModified()
    window.redo_action.trigger()
    assert not window.isWindowModified()

    # An edit made while the save runs is not in the file, so it stays unsaved.
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert window.save_to(tmp_path / "second.png", SaveOptions(format="png"))
        window.document.add_point(90, 50, BLUE, 8)
    assert len(load_hints(sidecar_path(tmp_path / "second.png")).points) == 1
    assert window.isWindowModified()


def test_a_reloaded_sidecar_is_clean(qtbot, make_window, tmp_path: Path, prompts: Prompts) -> None:  # type: ignore[no-untyped-def]
    window, photo = edited_window(qtbot, make_window, tmp_path)
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        window.save_to(tmp_path / "out.png", SaveOptions(format="png"))
    open_photo(qtbot, window, gray_photo(tmp_path / "b.png", level=90))
    open_photo(qtbot, window, photo)
    assert len(window.document.points) == 1  # reloaded from where it was saved
    assert not window.isWindowModified()
    assert prompts.asked == []


def test_closing_asks_and_cancel_keeps_the_window_open(qtbot, make_window, tmp_path: Path, prompts: Prompts) -> None:  # type: ignore[no-untyped-def]
    window, photo = edited_window(qtbot, make_window, tmp_path)
    prompts.answer = Button.Cancel
    assert not window.close()
    assert window.isVisible()
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]
    assert window.editor.path == photo and len(window.document.points) == 1
    prompts.answer = Button.Discard
    assert window.close()
    assert not window.isVisible()
    assert len(prompts.asked) == 2
    window.close()  # closing again (app.main does) does not ask again
    assert len(prompts.asked) == 2


def test_save_on_close_saves_then_closes(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _photo = edited_window(qtbot, make_window, tmp_path)
    hints = window.document.hints()
    out = tmp_path / "closing.png"
    answer_save_dialogs(monkeypatch, out)
    prompts.answer = Button.Save
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert not window.close()  # not yet: the save runs in the background
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert load_hints(sidecar_path(out)) == hints
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]


def test_without_a_model_the_question_offers_no_save(qtbot, make_window, tmp_path: Path, prompts: Prompts) -> None:  # type: ignore[no-untyped-def]
    window = make_window(model=tmp_path / "missing.onnx")
    open_photo(qtbot, window, gray_photo(tmp_path / "a.png", level=120))
    window.document.add_point(30, 40, BLUE, 8)
    prompts.answer = Button.Cancel
    assert not window.close()
    assert prompts.buttons == [Button.Discard | Button.Cancel]
    assert "cannot be saved" in prompts.asked[0]


def test_no_hint_edits_while_the_next_photo_loads(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, _photo = edited_window(qtbot, make_window, tmp_path)
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.open_path(gray_photo(tmp_path / "b.png", level=90))  # the prompt says Discard
        assert window.canvas.locked
        assert not window.clear_action.isEnabled() and not window.undo_action.isEnabled()
        click_image(window.canvas, 60, 60)  # would be dropped unasked when b.png lands
        assert len(window.document.points) == 1
    assert not window.canvas.locked and window.clear_action.isEnabled()
    click_image(window.canvas, 60, 60)
    assert len(window.document.points) == 1 and window.isWindowModified()

    bad = tmp_path / "bad.jpg"
    bad.write_text("not a photo\n")
    with qtbot.waitSignal(window.errorShown, timeout=20000):
        window.open_path(bad)
    window.message_box.close()  # type: ignore[union-attr]
    assert not window.canvas.locked  # the photo on screen can be edited again
    assert window.undo_action.isEnabled() and window.editor.path == tmp_path / "b.png"
