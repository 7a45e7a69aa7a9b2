"""Building window actions: one place that sets keys, icon and a tooltip that names the keys."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from .resources import icon

__all__ = ["Key", "Shortcut", "distinct_keys", "make_action", "show_shortcut"]

Key = QKeySequence | QKeySequence.StandardKey | str
Shortcut = Key | list[Key]


def distinct_keys(keys: list[Key]) -> list[QKeySequence]:
    """Each key once: a standard key that equals an extra one would make the shortcut ambiguous."""
    unique = {QKeySequence(k).toString(): QKeySequence(k) for k in keys}
    return [k for k in unique.values() if not k.isEmpty()]


def show_shortcut(action: QAction) -> None:
    """Name the action's keys in its tooltip (menus show them anyway; toolbar buttons do not)."""
    keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty())
    name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…")
    action.setToolTip(f"{name} ({keys})" if keys else name)


def make_action(
    owner: QWidget, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None, icon_name: str = ""
) -> QAction:
    """An action of ``owner`` (its keys work wherever the focus is in that window)."""
    action = QAction(icon(icon_name) if icon_name else icon("none"), text, owner)
    if isinstance(shortcut, list):
        action.setShortcuts(distinct_keys(shortcut))
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    show_shortcut(action)
    return action
