"""Every command can be reached from the keyboard, and its keys are named where the user looks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QToolBar

from colorizer_gui.gui.main_window import MainWindow

from .conftest import gray_photo, wait_idle
from .events import drop

NATIVE = QKeySequence.SequenceFormat.NativeText
#: Menus of choices rather than commands (file names, provider names).
CHOICE_MENUS = {"Open &Recent", "Execution &Provider"}


def menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            if action.text() not in CHOICE_MENUS:
                found += menu_actions(sub)
        elif not action.isSeparator():
            found.append(action)
    return found


def commands(window: MainWindow) -> list[QAction]:
    found: list[QAction] = []
    for top in window.menuBar().actions():
        sub = top.menu()
        assert isinstance(sub, QMenu)
        found += menu_actions(sub)
    return found


def test_every_menu_command_has_a_shortcut_named_in_its_tooltip(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    actions = [a for a in commands(window) if a.text() != "Hold \\ to See the Original"]  # names its key itself
    assert len(actions) >= 24
    missing = [a.text() for a in actions if a.shortcut().isEmpty()]
    assert missing == []
    for action in actions:
        assert action.shortcut().toString(NATIVE) in action.toolTip(), action.text()
    keys = [k.toString() for a in window.actions() for k in a.shortcuts()]
    keys += [k.toString() for a in actions if a not in window.actions() for k in a.shortcuts()]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []  # one key, one command


def test_toolbar_tooltips_name_the_keys(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    bar = window.findChild(QToolBar, "MainToolBar")
    assert isinstance(bar, QToolBar)
    buttons = [a for a in bar.actions() if not a.isSeparator()]
    assert buttons
    for action in buttons:
        assert not action.shortcut().isEmpty(), action.text()
        assert f"({action.shortcut().toString(NATIVE)}" in action.toolTip(), action.toolTip()
    assert window.tool_actions["brush"].toolTip() == "Brush (B)"
    assert window.redo_action.toolTip().count("Ctrl+Y") == 1


def test_undo_tooltip_follows_the_undo_text(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        window.open_path(gray_photo(tmp_path / "a.png", level=120))
    window.document.add_point(10, 10, (200, 40, 40), 6)
    text = window.undo_action.text().replace("&", "")
    assert text != "Undo"  # QUndoStack names the step
    assert window.undo_action.toolTip() == f"{text} ({window.undo_action.shortcut().toString(NATIVE)})"


def test_page_down_and_page_up_step_through_dropped_photos(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    photos = [gray_photo(tmp_path / f"{name}.png", level=120) for name in "ab"]
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        drop(window, photos)
    wait_idle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown)
    assert window.editor.path == photos[1]
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.editor.imageOpened, timeout=20000):
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageUp)
    assert window.editor.path == photos[0]


def test_batch_panel_buttons_have_keys_named_in_their_tooltips(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    buttons = window.batch_panel.findChildren(QPushButton)
    assert len(buttons) >= 6
    menu_keys = {k.toString() for a in commands(window) for k in a.shortcuts()}
    menu_keys |= {f"Alt+{a.text()[a.text().index('&') + 1].upper()}" for a in window.menuBar().actions()}
    button_keys = [b.shortcut().toString() for b in buttons]
    assert "" not in button_keys, [b.text() for b in buttons]
    assert len(set(button_keys)) == len(button_keys)
    assert not set(button_keys) & menu_keys  # no clash with a command or a menu's mnemonic
    for button in buttons:
        assert f"({button.shortcut().toString(NATIVE)})" in button.toolTip(), button.text()
    assert window.batch_panel.start_button.shortcut() == QKeySequence("Ctrl+Return")
