"""The photos dropped together: which one is being edited, and which come next or before.

No widgets and no opening here: the main window asks for the next path, lets
the unsaved-hints guard decide, and opens it; this object only keeps the list
and the position the Photos menu and the "2 / 5" indicator show.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from .qtcompat import emit

__all__ = ["PhotoQueue"]


class PhotoQueue(QObject):
    """An ordered list of photo paths with a current index (-1 while none of them is current)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths: list[Path] = []
        self._index = -1

    # -- queries ---------------------------------------------------------------------------------
    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(self._paths)

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> Path | None:
        return self._paths[self._index] if 0 <= self._index < len(self._paths) else None

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, Path) and path in self._paths

    @property
    def has_next(self) -> bool:
        return self._index + 1 < len(self._paths)

    @property
    def has_previous(self) -> bool:
        return self._index > 0

    def next_path(self) -> Path | None:
        return self._paths[self._index + 1] if self.has_next else None

    def previous_path(self) -> Path | None:
        return self._paths[self._index - 1] if self.has_previous else None

    def position_text(self, shown: Path | None = None) -> str:
        """ "2 / 5" while several photos are queued; empty for a single photo (nothing to step through).

        ``shown``: the photo on screen, which lags behind the current one while that one loads.
        """
        if len(self._paths) < 2:
            return ""
        index = self._paths.index(shown) if shown in self._paths else self._index
        return f"{index + 1 if index >= 0 else '–'} / {len(self._paths)}"

    # -- changes ---------------------------------------------------------------------------------
    def set_paths(self, paths: Sequence[Path], *, current: int = 0) -> None:
        """Replace the queue (duplicates dropped, order kept) and make ``current`` the current one."""
        unique = list(dict.fromkeys(Path(p) for p in paths))
        self._paths = unique
        self._index = min(max(current, 0), len(unique) - 1) if unique else -1
        emit(self.changed)

    def select(self, path: Path | None) -> bool:
        """Make ``path`` current if it is queued; False (and nothing changes) otherwise."""
        if path is None or path not in self._paths:
            return False
        index = self._paths.index(path)
        if index != self._index:
            self._index = index
            emit(self.changed)
        return True

    def remove(self, path: Path) -> None:
        """Drop ``path`` (it could not be opened); the current one stays current where it can."""
        if path not in self._paths:
            return
        index = self._paths.index(path)
        del self._paths[index]
        if index < self._index:
            self._index -= 1
        elif index == self._index:
            self._index = index - 1  # Next goes to the photo after the removed one
        emit(self.changed)

    def clear(self) -> None:
        self.set_paths([])
