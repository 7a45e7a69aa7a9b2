"""Several dropped photos: the first opens, Next / Previous step through the rest."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from colorizer_gui.gui.main_window import MainWindow
from colorizer_gui.gui.photo_queue import PhotoQueue

from .conftest import Prompts, gray_photo, wait_idle
from .events import drop

Button = QMessageBox.StandardButton


def test_queue_positions_without_a_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    queue = PhotoQueue()
    a, b, c = Path("a.png"), Path("b.png"), Path("c.png")
    assert queue.current is None and not queue.has_next and queue.position_text() == ""
    with qtbot.waitSignal(queue.changed):
        queue.set_paths([a, b, b, c])  # duplicates dropped
    assert queue.paths == (a, b, c) and queue.current == a
    assert queue.has_next and not queue.has_previous and queue.next_path() == b
    assert queue.position_text() == "1 / 3"
    assert queue.select(c) and queue.position_text() == "3 / 3" and not queue.has_next
    assert not queue.select(Path("elsewhere.png")) and queue.current == c
    queue.remove(b)
    assert queue.paths == (a, c) and queue.current == c and queue.position_text() == "2 / 2"
    assert queue.position_text(a) == "1 / 2"  # the photo on screen while the current one loads
    queue.remove(c)  # the current one: Next goes to what followed it, Previous to what came before
    assert queue.current == a and not queue.has_next
    queue.set_paths([a])
    assert queue.position_text() == ""  # one photo: nothing to step through


def step(qtbot, window: MainWindow, action_name: str) -> None:  # type: ignore[no-untyped-def]
    action = getattr(window, action_name)
    assert action.isEnabled()
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        action.trigger()
    wait_idle(qtbot, window)


def state(window: MainWindow) -> tuple[str | None, bool, bool, str]:
    path = window.editor.path
    return (
        path.name if path else None,
        window.previous_action.isEnabled(),
        window.next_action.isEnabled(),
        window.photo_label.text(),
    )


def test_dropping_three_photos_opens_the_first_and_steps_through_them(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window = make_window()
    photos = [gray_photo(tmp_path / f"{name}.png", level=level) for name, level in (("a", 60), ("b", 120), ("c", 180))]
    assert not window.next_action.isEnabled() and not window.previous_action.isEnabled()
    assert not window.photo_label.isVisible()
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, photos)
    wait_idle(qtbot, window)
    assert state(window) == ("a.png", False, True, "Photo 1 / 3")
    assert window.windowTitle() == "a.png (1 / 3)[*] – Colorizer"
    assert window.photo_label.isVisible()
    assert window.batch_panel.input_paths() == []  # files are for editing, folders for the batch

    step(qtbot, window, "next_action")
    assert state(window) == ("b.png", True, True, "Photo 2 / 3")
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.next_action.trigger()
        assert window.photo_label.text() == "Photo 2 / 3"  # still b on screen while c loads
    wait_idle(qtbot, window)
    assert state(window) == ("c.png", True, False, "Photo 3 / 3")
    assert window.windowTitle() == "c.png (3 / 3)[*] – Colorizer"
    step(qtbot, window, "previous_action")
    assert state(window) == ("b.png", True, True, "Photo 2 / 3")
    assert window.next_action.shortcut() == QKeySequence("PgDown")
    assert window.previous_action.shortcut() == QKeySequence("PgUp")


def test_stepping_asks_about_unsaved_hints(qtbot, make_window, tmp_path: Path, prompts: Prompts) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    photos = [gray_photo(tmp_path / f"{name}.png", level=120) for name in "abc"]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, photos)
    wait_idle(qtbot, window)
    window.document.add_point(20, 20, (200, 40, 40), 6)
    prompts.answer = Button.Cancel
    window.next_action.trigger()
    assert prompts.asked == ["Save your colour edits (hints, colour strength) of a.png?"]
    assert state(window) == ("a.png", False, True, "Photo 1 / 3")
    assert len(window.document.points) == 1
    prompts.answer = Button.Discard
    step(qtbot, window, "next_action")
    assert state(window) == ("b.png", True, True, "Photo 2 / 3")
    assert window.document.is_empty()


def test_a_photo_that_cannot_be_opened_leaves_the_queue(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    bad = tmp_path / "b.jpg"
    bad.write_text("not a photo\n")
    photos = [gray_photo(tmp_path / "a.png", level=60), bad, gray_photo(tmp_path / "c.png", level=180)]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, photos)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.errorShown, timeout=20000):
        window.next_action.trigger()
    window.message_box.close()  # type: ignore[union-attr]
    assert state(window) == ("a.png", False, True, "Photo 1 / 2")
    step(qtbot, window, "next_action")
    assert state(window) == ("c.png", True, False, "Photo 2 / 2")


def test_opening_a_photo_outside_the_queue_ends_it(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, [gray_photo(tmp_path / f"{name}.png", level=120) for name in "ab"])
    wait_idle(qtbot, window)
    other = gray_photo(tmp_path / "other.png", level=90)
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.open_path(other)
    wait_idle(qtbot, window)
    assert state(window) == ("other.png", False, False, "")
    assert window.windowTitle() == "other.png[*] – Colorizer"


def test_dropping_photos_and_a_folder_queues_the_photos_and_fills_the_batch(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window = make_window()
    folder = tmp_path / "scans"
    folder.mkdir()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo\n")
    photos = [gray_photo(tmp_path / f"{name}.png", level=120) for name in "ab"]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, [folder, photos[0], notes, photos[1]])
    wait_idle(qtbot, window)
    assert window.batch_panel.input_paths() == [folder]
    assert window.photo_queue.paths == tuple(photos)
    assert state(window) == ("a.png", False, True, "Photo 1 / 2")


def test_photos_given_on_the_command_line_queue_like_a_drop(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    photos = [gray_photo(tmp_path / f"{name}.png", level=120) for name in "ab"]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.open_paths([*photos, tmp_path / "missing.png"])
    wait_idle(qtbot, window)
    assert window.photo_queue.paths == tuple(photos)
    assert state(window) == ("a.png", False, True, "Photo 1 / 2")


def test_cancel_on_a_new_drop_keeps_the_photo_and_the_queue(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, prompts: Prompts
) -> None:
    window = make_window()
    first = [gray_photo(tmp_path / f"{name}.png", level=120) for name in "ab"]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, first)
    wait_idle(qtbot, window)
    window.document.add_point(20, 20, (200, 40, 40), 6)
    prompts.answer = Button.Cancel
    drop(window, [gray_photo(tmp_path / f"{name}.png", level=90) for name in "cde"])
    question = "Save your colour edits (hints, colour strength) of a.png?"
    qtbot.waitUntil(lambda: prompts.asked == [question], timeout=5000)
    assert window.photo_queue.paths == tuple(first)
    assert state(window) == ("a.png", False, True, "Photo 1 / 2")
    assert len(window.document.points) == 1 and window.isWindowModified()
