"""The open photo and its live colorization: opening, previews, suggestions, saving.

No widgets here: the main window shows what this object signals. Everything
slow (decoding, the model, full-resolution saving) runs in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from colorizer_gui.core import resample
from colorizer_gui.core.errors import HintsError
from colorizer_gui.core.hints import Hints, load_hints, sidecar_path
from colorizer_gui.core.imageio import LoadedImage, SaveOptions, read_image
from colorizer_gui.core.session import ColorizerSession

from .hint_document import RGB, HintDocument
from .qimage import to_qimage
from .qtcompat import emit
from .settings import AppSettings
from .suggestions import Suggestion, sample_prediction, suggest_colors
from .workers import (
    PreviewResult,
    PreviewSource,
    PreviewWorker,
    SaveOutcome,
    TaskRunner,
    describe_error,
    save_colorized,
)

__all__ = ["Editor", "OpenedPhoto"]

#: Photos up to this many pixels are previewed from the pixels themselves; larger ones from a
#: reduced copy of this many pixels (the model sees a few hundred pixels anyway; saving uses all).
SHARP_PREVIEW_PIXELS = 2_500_000


@dataclass(frozen=True)
class OpenedPhoto:
    """Everything the worker prepares when a photo is opened."""

    image: LoadedImage
    display: QImage
    sharp_source: npt.NDArray[Any]
    hints: Hints | None
    notes: tuple[str, ...]


def _display_copy(pixels: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The photo itself when small enough, else a reduced copy (display only, never saved)."""
    h, w = pixels.shape[:2]
    if h * w <= SHARP_PREVIEW_PIXELS:
        return pixels
    scale = (SHARP_PREVIEW_PIXELS / (h * w)) ** 0.5
    return resample.resize_area(pixels, (max(1, round(h * scale)), max(1, round(w * scale))))


def find_sidecar(path: Path, remembered: Path | None) -> Path | None:
    """The hints to reload: next to the photo first, else where they were last saved for it."""
    for candidate in (sidecar_path(path), remembered):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _load_photo(path: Path, remembered: Path | None) -> OpenedPhoto:
    """Worker thread: decode, prepare display copies and reload any saved hints."""
    image = read_image(path)
    notes = list(image.metadata.warnings)
    hints: Hints | None = None
    side = find_sidecar(path, remembered)
    if side is not None:
        try:
            loaded = load_hints(side)
        except HintsError as exc:
            notes.append(f"saved hints not loaded: {describe_error(exc)}")
        else:
            if tuple(loaded.image_size) == tuple(image.size):
                hints = loaded
                own = f", colour strength {loaded.strength * 100:.0f} %" if loaded.strength is not None else ""
                notes.append(f"hints reloaded from {side.name}{own}")
            else:
                notes.append(
                    f"saved hints in {side.name} are for a {loaded.image_size[0]}×{loaded.image_size[1]} "
                    f"photo, not {image.size[0]}×{image.size[1]}; they were not loaded"
                )
    return OpenedPhoto(image, to_qimage(image.pixels), _display_copy(image.pixels), hints, tuple(notes))


class Editor(QObject):
    """Owns the open photo, the live preview worker and the save jobs."""

    imageOpened = Signal(object)  # OpenedPhoto
    openFailed = Signal(object, str)  # path, message
    resultChanged = Signal(object)  # QImage (working size or sharp)
    previewApplied = Signal(int, bool)  # request id, final pass; after resultChanged
    previewFailed = Signal(str)
    busyChanged = Signal(bool)
    inferenceTimed = Signal(float)  # seconds the model ran
    saved = Signal(object)  # SaveOutcome
    saveFailed = Signal(str)
    savingChanged = Signal(bool)
    sessionChanged = Signal()
    #: True from open() until that photo is installed or failed: edits then would be lost, so the
    #: window stops them (the hints of the photo on screen are replaced when the new one lands).
    loadingChanged = Signal(bool)

    def __init__(
        self,
        document: HintDocument,
        settings: AppSettings,
        session: ColorizerSession | None,
        *,
        model_error: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self._session = session
        self.model_error = model_error
        self._image: LoadedImage | None = None
        self._sharp_source: npt.NDArray[Any] | None = None
        self._chroma: Any = None
        self._result: npt.NDArray[np.uint8] | None = None
        self.last_preview_s: float | None = None
        self._opening = 0
        self._loading = False
        self._photo_serial = 0  # counts installed photos: a save finishing late knows it is stale
        self._installing = False
        self._preview = PreviewWorker(self)
        self._io = TaskRunner(self, threads=1, name="io")
        self._saving = 0
        self._preview.ready.connect(self._on_ready)
        self._preview.refined.connect(self._on_refined)
        self._preview.failed.connect(self._on_preview_failed)
        self._preview.busyChanged.connect(self.busyChanged)
        document.changed.connect(self._hints_changed)

    # -- state -----------------------------------------------------------------------------------
    @property
    def session(self) -> ColorizerSession | None:
        return self._session

    @property
    def image(self) -> LoadedImage | None:
        return self._image

    @property
    def path(self) -> Path | None:
        return self._image.path if self._image is not None else None

    @property
    def loading(self) -> bool:
        return self._loading

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            emit(self.loadingChanged, loading)

    @property
    def can_colorize(self) -> bool:
        return self._session is not None

    @property
    def has_result(self) -> bool:
        return self._result is not None

    @property
    def preview_worker(self) -> PreviewWorker:
        return self._preview

    @property
    def busy(self) -> bool:
        return self._preview.busy

    @property
    def saving(self) -> bool:
        return self._saving > 0

    @property
    def strength(self) -> float:
        """Colour strength of previews and saves (``pipeline.ColorizeOptions.strength``)."""
        return self.document.applied_strength

    def set_strength(self, percent: int) -> None:
        """Scale this photo's automatic colour (an undoable edit); the preview follows, the model does not rerun."""
        if self._image is not None and not self._loading:  # a photo on its way would drop the change
            self.document.set_strength(percent / 100)

    def _request_preview(self, *, now: bool = False) -> None:
        """Preview the document as it stands: its hints at its strength."""
        self._preview.set_strength(self.document.applied_strength)
        hints = self.document.hints()
        if now:
            self._preview.request_now(hints)
        else:
            self._preview.request(hints)

    # -- opening ---------------------------------------------------------------------------------
    def open(self, path: Path) -> None:
        """Decode ``path`` in the background; imageOpened or openFailed follows."""
        path = Path(path)
        self._opening += 1
        ticket = self._opening
        self._set_loading(True)
        remembered = self.settings.remembered_sidecar(path)
        self._io.submit(
            lambda _task: _load_photo(path, remembered),
            on_success=lambda photo: self._install(ticket, photo),
            on_error=lambda exc: self._open_failed(ticket, path, exc),
        )

    def _open_failed(self, ticket: int, path: Path, exc: BaseException) -> None:
        if ticket == self._opening:
            self._set_loading(False)
            emit(self.openFailed, path, describe_error(exc))

    def _install(self, ticket: int, photo: OpenedPhoto) -> None:
        if ticket != self._opening:
            return  # a newer open won
        self._image = photo.image
        self._photo_serial += 1
        self._sharp_source = photo.sharp_source
        self._chroma = None
        self._result = None
        self.settings.add_recent(photo.image.path)
        self.settings.open_dir = photo.image.path.parent
        self._reset_source()
        self._installing = True
        try:
            self.document.reset(photo.image.size, photo.hints)
        finally:
            self._installing = False
        self._set_loading(False)
        emit(self.imageOpened, photo)
        self._request_preview(now=True)

    def set_session(self, session: ColorizerSession | None, *, model_error: str | None = None) -> None:
        """Use another model or provider; the preview is recomputed."""
        self._session = session
        self.model_error = model_error
        self._reset_source()
        emit(self.sessionChanged)
        if self._image is not None:
            self._request_preview(now=True)

    def _reset_source(self) -> None:
        if self._session is None or self._image is None or self._sharp_source is None:
            self._preview.set_source(None)
            return
        self._preview.set_source(PreviewSource(self._session, self._sharp_source, self._sharp_source))

    # -- live preview ----------------------------------------------------------------------------
    def _hints_changed(self) -> None:
        if self._image is not None and self._session is not None and not self._installing:
            self._request_preview()

    def _on_ready(self, result: PreviewResult) -> None:
        if result.request_id != self._preview.latest_id:
            return  # stale: a newer request is on its way
        self._chroma = result.chroma
        self._result = result.rgb
        self.last_preview_s = result.seconds
        emit(self.resultChanged, to_qimage(result.rgb))
        if result.inference_s is not None:  # the model ran (a hint edit reuses its answer)
            emit(self.inferenceTimed, result.inference_s)
        emit(self.previewApplied, result.request_id, result.final)

    def _on_refined(self, request_id: int, rgb: npt.NDArray[np.uint8]) -> None:
        if request_id == self._preview.latest_id:
            self._result = rgb
            emit(self.resultChanged, to_qimage(rgb))

    def _on_preview_failed(self, request_id: int, message: str) -> None:
        if request_id == self._preview.latest_id:
            emit(self.previewFailed, message)

    # -- colour helpers for the tools ------------------------------------------------------------
    def suggestions_at(self, x: float, y: float) -> list[Suggestion]:
        """Colours to offer for image point (x, y): the model's own colour there first."""
        if self._chroma is None or self._image is None:
            return []
        light, ab = sample_prediction(self._chroma.ab, self._chroma.lightness, self._image.size, x, y)
        return suggest_colors(light, ab)

    def sample_result(self, x: float, y: float) -> RGB | None:
        """The current result's colour at image point (x, y) (eyedropper)."""
        if self._result is None or self._image is None:
            return None
        width, height = self._image.size
        h, w = self._result.shape[:2]
        col = int(min(max(x * w / width, 0), w - 1))
        row = int(min(max(y * h / height, 0), h - 1))
        r, g, b = (int(v) for v in self._result[row, col])
        return (r, g, b)

    # -- saving ----------------------------------------------------------------------------------
    def save(self, path: Path, options: SaveOptions) -> None:
        """Colorize at full resolution and write ``path`` + its hints sidecar in the background."""
        if self._image is None:
            emit(self.saveFailed, "open a photo first")
            return
        if self._session is None:
            emit(self.saveFailed, self.model_error or "no model is loaded")
            return
        image, session, hints, source = self._image, self._session, self.document.hints(), self._image.path
        strength = self.strength
        serial = self._photo_serial
        self._saving += 1
        emit(self.savingChanged, True)

        def done(outcome: SaveOutcome) -> None:
            self._saving -= 1
            self.settings.save_dir = outcome.path.parent
            self.settings.remember_sidecar(source, outcome.sidecar)
            if serial == self._photo_serial:
                self.document.mark_saved(hints)  # clean only if nothing changed while it saved
            emit(self.savingChanged, self.saving)
            emit(self.saved, outcome)

        def failed(exc: BaseException) -> None:
            self._saving -= 1
            emit(self.savingChanged, self.saving)
            emit(self.saveFailed, describe_error(exc))

        self._io.submit(
            lambda _task: save_colorized(session, image, hints, Path(path), options, strength=strength),
            on_success=done,
            on_error=failed,
        )

    def shutdown(self) -> None:
        """Wait for the workers (the window is closing)."""
        self._preview.shutdown()
        self._io.shutdown()
