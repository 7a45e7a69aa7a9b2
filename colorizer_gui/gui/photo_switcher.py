"""Switching the photo being edited: through the unsaved-hints guard, along the dropped photos.

Every way of opening a photo for editing (File ▸ Open, recent files, a drop,
Next / Previous) comes here, so none can lose unsaved hints without asking.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from .editor import Editor, OpenedPhoto
from .photo_queue import PhotoQueue
from .unsaved_guard import UnsavedGuard

__all__ = ["PhotoSwitcher"]


class PhotoSwitcher(QObject):
    """Opens photos once their predecessor's hints are dealt with and keeps the queue in step."""

    def __init__(self, editor: Editor, guard: UnsavedGuard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._guard = guard
        self.queue = PhotoQueue(self)
        editor.imageOpened.connect(self._opened)
        editor.openFailed.connect(self._failed)

    def open(self, path: Path, *, queue: list[Path] | None = None) -> None:
        """Open ``path`` once the current hints are saved or discarded; nothing changes on Cancel.

        ``queue`` replaces the photos to step through; without it, a photo outside the queue ends it.
        """

        def go() -> None:
            if queue is not None:
                self.queue.set_paths(queue, current=queue.index(path))
            elif not self.queue.select(path):
                self.queue.clear()
            self._editor.open(path)

        if self._guard.resolve(go):
            go()

    def step(self, step: int) -> None:
        """Next (+1) or previous (-1) of the queued photos."""
        target = self.queue.next_path() if step > 0 else self.queue.previous_path()
        if target is not None:
            self.open(target)

    def _opened(self, photo: OpenedPhoto) -> None:
        self.queue.select(photo.image.path)

    def _failed(self, path: Path, _message: str) -> None:
        if path in self.queue:  # it cannot be stepped to; the photo still shown stays current
            self.queue.remove(path)
            self.queue.select(self._editor.path)
