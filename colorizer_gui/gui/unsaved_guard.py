"""Asks before unsaved colour edits would be lost (another photo opens, the window closes).

"Unsaved" is the undo stack's clean state: the document marks it clean when a
photo is loaded, and the editor marks it clean when a save of exactly those
hints finishes. Saving runs in the background, so Save cannot answer at once:
the action waits and runs after the ``saved`` signal, and is dropped when the
save fails or the user cancels the save dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from .editor import Editor

__all__ = ["UnsavedGuard", "ask_save_changes"]

Button = QMessageBox.StandardButton


def ask_save_changes(parent: QWidget, name: str, *, can_save: bool) -> Button:
    """The Save / Discard / Cancel question (without Save when nothing can be saved: no model)."""
    buttons = Button.Discard | Button.Cancel
    text = f"Save your colour edits (hints, colour strength) of {name}?"
    if can_save:
        buttons |= Button.Save
    else:
        text += "\n\nColorizing is turned off (no model), so they cannot be saved now."
    default = Button.Save if can_save else Button.Cancel
    return QMessageBox.question(parent, "Unsaved colour edits", text, buttons, default)


class UnsavedGuard(QObject):
    """Decides whether an action that drops the current hints may go ahead."""

    def __init__(
        self,
        editor: Editor,
        window: QWidget,
        save_flow: Callable[[], bool],
        *,
        ask: Callable[..., Button] = ask_save_changes,
    ) -> None:
        super().__init__(window)
        self._editor = editor
        self._window = window
        self._save_flow = save_flow
        self._ask = ask
        self._after_save: Callable[[], object] | None = None
        editor.saved.connect(self._on_saved)
        editor.saveFailed.connect(self._on_save_failed)

    @property
    def has_unsaved(self) -> bool:
        return self._editor.image is not None and self._editor.document.is_modified

    @property
    def waiting_for_save(self) -> bool:
        return self._after_save is not None

    def resolve(self, later: Callable[[], object]) -> bool:
        """True: go ahead now (saved already, or Discard). False: not now.

        After Save the answer is False and ``later`` runs once the save has finished
        (unless it failed or the save dialog was cancelled); after Cancel it never runs.
        """
        path = self._editor.path
        if not self.has_unsaved or path is None:
            return True
        answer = self._ask(self._window, path.name, can_save=self._editor.can_colorize)
        if answer == Button.Discard:
            self._after_save = None
            return True
        if answer == Button.Save:
            self._after_save = later
            if not self._save_flow():
                self._after_save = None
        return False

    def _on_saved(self, _outcome: object) -> None:
        action, self._after_save = self._after_save, None
        if action is None:
            return
        # Out of the signal chain; asks again if the hints were edited while the save ran.
        QTimer.singleShot(0, self._window, lambda: self.resolve(action) and action())

    def _on_save_failed(self, _message: str) -> None:
        self._after_save = None  # the error is shown; the photo and its hints stay
