"""Background work for the GUI: live preview, open/save, batch; the event loop never waits on them.

* :class:`PreviewWorker` re-colorizes on a one-thread executor. Each request
  snapshots the hints with an id; a newer request makes older ones stale (a
  queued one is skipped, a running one's result is dropped), so only the
  newest result is ever applied. Requests are debounced: the first after a
  quiet spell starts at once, a burst is folded into one run.
* :class:`TaskRunner` runs one-off jobs (open, save) and reports back through
  Qt signals, which cross to the GUI thread as queued calls.
* :class:`BatchWorker` runs :func:`core.batch.run_batch` with a cancel token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, QTimer, Signal

from colorizer_gui.core import pipeline, provenance
from colorizer_gui.core.errors import ColorizerError
from colorizer_gui.core.hints import Hints, save_hints, sidecar_path
from colorizer_gui.core.imageio import LoadedImage, SaveOptions, write_image
from colorizer_gui.core.session import ColorizerSession

from .qtcompat import emit

__all__ = [
    "BatchWorker",
    "PreviewResult",
    "PreviewSource",
    "PreviewWorker",
    "SaveOutcome",
    "Task",
    "TaskRunner",
    "describe_error",
    "save_colorized",
]

log = logging.getLogger(__name__)

DEBOUNCE_MS = 40
#: Long side at which a quick first pass runs when the model's own working size is larger; the
#: pass at the model's size follows unless a newer edit makes it stale. Chroma is smooth, so the
#: quick pass is close, and it is what keeps a stroke's preview within ~100 ms on a laptop CPU.
INTERACTIVE_WORKING_SIZE = 192
#: During a long drag, a preview still starts at least this often.
MAX_WAIT_MS = 150


def describe_error(exc: BaseException) -> str:
    """A one-line message for the user: the engine's worded reason, else the exception's text."""
    if isinstance(exc, ColorizerError):
        where = f"{exc.path.name}: " if exc.path is not None else ""
        return f"{where}{exc.reason}"
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    return f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------- preview
@dataclass(frozen=True)
class PreviewSource:
    """What every preview of one photo needs; replaced as a whole when the photo or model changes.

    ``pixels`` is what the model sees (the photo, maybe already reduced for speed);
    ``display`` is the copy the sharp second pass is applied to (None: no second pass).
    """

    session: ColorizerSession
    pixels: npt.NDArray[Any]
    display: npt.NDArray[Any] | None = None


@dataclass(frozen=True)
class PreviewResult:
    request_id: int
    rgb: npt.NDArray[np.uint8]  # (h, w, 3) at working size
    chroma: pipeline.ChromaPrediction
    seconds: float  # run time of this pass in the worker
    inference_s: float | None  # of which the model itself; None when its earlier answer was reused
    final: bool = True  # False for the quick low-resolution pass that a full pass follows


class PreviewWorker(QObject):
    """Debounced, newest-wins live colorization on one background thread."""

    ready = Signal(object)  # PreviewResult
    refined = Signal(int, object)  # request id, (H, W, 3) uint8 at display size
    failed = Signal(int, str)
    busyChanged = Signal(bool)
    # The worker thread reports here; the slots re-emit in the GUI thread. Every receiver of ``ready``
    # then has the result before ``busy`` clears (a queued event per receiver could arrive after it).
    _arrived = Signal(object)
    _broke = Signal(int, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
        interactive_size: int | None = INTERACTIVE_WORKING_SIZE,
    ) -> None:
        super().__init__(parent)
        self._interactive_size = interactive_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview")
        # The sharp pass runs on its own thread so it never delays the next live preview.
        self._sharp_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview-sharp")
        self._source: PreviewSource | None = None
        # The automatic prediction per working size of the last photo (worker thread only): with hint
        # spreading the model's input ignores the hints, so a hint edit reuses it instead of rerunning.
        self._automatic: tuple[PreviewSource | None, dict[int | None, pipeline.ChromaPrediction]] = (None, {})
        self._strength = 1.0
        self._latest = 0
        self._future: Future[None] | None = None
        self._pending: Hints | None = None
        self._first_pending = 0.0
        self._last_submit = -1e9
        self._busy = False
        self._debounce_ms = debounce_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._submit_pending)
        self._arrived.connect(self._on_arrived)
        self._broke.connect(self._on_broke)

    @property
    def latest_id(self) -> int:
        """Id of the newest request; results with another id are stale."""
        return self._latest

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def strength(self) -> float:
        """Colour strength of the next previews (``pipeline.ColorizeOptions.strength``)."""
        return self._strength

    def set_strength(self, strength: float) -> None:
        """Use this strength from the next request on; the automatic answer is kept, so the model does not rerun."""
        self._strength = float(strength)

    def set_source(self, source: PreviewSource | None) -> None:
        """Switch photo or model; results still in flight for the old one become stale."""
        self._source = source
        self._pending = None
        self._timer.stop()
        self._latest += 1
        self._set_busy(False)

    def request(self, hints: Hints) -> None:
        """Ask for a preview with these hints (debounced; the newest request wins)."""
        if self._source is None:
            return
        now = time.perf_counter()
        if self._pending is None:
            self._first_pending = now
        self._pending = hints
        quiet = (now - self._last_submit) * 1000 >= self._debounce_ms
        if quiet and not self._timer.isActive() and not self._running():
            self._submit_pending()
        elif (now - self._first_pending) * 1000 < MAX_WAIT_MS or not self._timer.isActive():
            self._timer.start(self._debounce_ms)

    def request_now(self, hints: Hints) -> None:
        """Start a preview at once (a photo was just opened): no debounce."""
        self._pending = hints
        self._submit_pending()

    def shutdown(self) -> None:
        """Stop taking requests and wait for the running one (called when the window closes)."""
        self._timer.stop()
        self._source = None
        self._latest += 1
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._sharp_executor.shutdown(wait=True, cancel_futures=True)

    # -- internals -------------------------------------------------------------------------------
    def _running(self) -> bool:
        return self._future is not None and not self._future.done()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            emit(self.busyChanged, busy)

    def _submit_pending(self) -> None:
        self._timer.stop()
        hints, self._pending = self._pending, None
        source = self._source
        if hints is None or source is None:
            return
        self._latest += 1
        request_id = self._latest
        if self._future is not None:
            self._future.cancel()  # only works while it waits; a running one is dropped on arrival
        self._last_submit = time.perf_counter()
        self._set_busy(True)
        self._future = self._executor.submit(self._run, request_id, source, hints, self._strength)

    def _run(self, request_id: int, source: PreviewSource, hints: Hints, strength: float) -> None:
        """Worker thread: a quick pass (if the model's size is larger), the full pass, then the sharp one."""
        if request_id != self._latest:
            return
        quick = self._interactive_size
        sizes: list[int | None] = [None]
        if quick is not None and quick < source.session.info.working_size:
            sizes.insert(0, quick)
        chroma = None
        for size in sizes:
            if request_id != self._latest:
                return
            try:
                start = time.perf_counter()
                chroma, inference_s = self._predict(source, hints, size, strength)
                rgb = pipeline.preview_rgb(chroma)
                seconds = time.perf_counter() - start
            except Exception as exc:  # reported to the user, never swallowed
                log.exception("preview failed")
                emit(self._broke, request_id, describe_error(exc))
                return
            emit(self._arrived, PreviewResult(request_id, rgb, chroma, seconds, inference_s, final=size is None))
        if chroma is not None and source.display is not None and request_id == self._latest:
            self._sharp_executor.submit(self._sharpen, request_id, source.display, chroma)

    def _predict(
        self, source: PreviewSource, hints: Hints, size: int | None, strength: float
    ) -> tuple[pipeline.ChromaPrediction, float | None]:
        """Worker thread: the prediction with these hints and the model's run time (None when reused).

        The cache holds automatic predictions at strength 1; any other strength is derived from them.
        """
        cached_source, cache = self._automatic
        if cached_source is not source:
            cache = {}
            self._automatic = (source, cache)
        automatic, inference_s = self._automatic_at(source, cache, size)
        if hints.is_empty() and strength == 1:
            return automatic, inference_s
        options = pipeline.ColorizeOptions(working_size=size, strength=strength)
        chroma = pipeline.predict_chroma(
            source.session,
            source.pixels,
            hints=hints,
            options=options,
            automatic=automatic,
        )
        return chroma, inference_s

    def _automatic_at(
        self,
        source: PreviewSource,
        cache: dict[int | None, pipeline.ChromaPrediction],
        size: int | None,
    ) -> tuple[pipeline.ChromaPrediction, float | None]:
        """Worker thread: the automatic prediction at ``size``, running the network once per inference size.

        The full pass's copy defines the network's answer. A quick pass that comes first makes the full
        prediction (needed next anyway) and carries its answer, so the full preview is exactly what an
        export computes.
        """
        if size in cache:
            return cache[size], None
        session = source.session
        options = pipeline.ColorizeOptions(working_size=size)

        def net_size(working: int | None) -> int:
            return pipeline.inference_size(session, pipeline.ColorizeOptions(working_size=working))

        earlier = next((c for s, c in cache.items() if net_size(s) == net_size(size)), None)
        inference_s: float | None = None
        if earlier is None and size is not None and net_size(None) == net_size(size):
            earlier, inference_s = self._automatic_at(source, cache, None)
        automatic = pipeline.predict_chroma(session, source.pixels, options=options, automatic=earlier)
        if earlier is None:
            inference_s = float(session.last_inference_s)
        cache[size] = automatic
        return automatic, inference_s

    def _sharpen(self, request_id: int, display: npt.NDArray[Any], chroma: pipeline.ChromaPrediction) -> None:
        """Second pass: the chroma on the photo's own lightness, so the view is not blurry."""
        if request_id != self._latest:
            return
        try:
            h, w = display.shape[:2]
            sharp = pipeline.apply_chroma(display, replace(chroma, image_size=(w, h)), out_bit_depth=8)
        except Exception:  # the blurry preview stays; nothing the user must act on
            log.exception("sharp preview failed")
            return
        if request_id == self._latest:
            emit(self.refined, request_id, sharp)

    def _on_arrived(self, result: PreviewResult) -> None:
        emit(self.ready, result)
        if result.request_id == self._latest and result.final:
            self._set_busy(False)

    def _on_broke(self, request_id: int, message: str) -> None:
        emit(self.failed, request_id, message)
        if request_id == self._latest:
            self._set_busy(False)


# ------------------------------------------------------------------------------------ one-off jobs
class Task(QObject):
    """Signals of one background job; they arrive in the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(object)


class TaskRunner(QObject):
    """Runs callables on a small pool and calls back in the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 1, name: str = "task") -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        self._tasks: set[Task] = set()

    def submit(
        self,
        fn: Callable[[Task], object],
        *,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> Task:
        task = Task(self)
        self._tasks.add(task)
        task.succeeded.connect(on_success)
        task.failed.connect(on_error)
        if on_progress is not None:
            task.progress.connect(on_progress)
        task.succeeded.connect(lambda _r, t=task: self._forget(t))
        task.failed.connect(lambda _e, t=task: self._forget(t))
        self._executor.submit(self._run, task, fn)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def _forget(self, task: Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()

    @staticmethod
    def _run(task: Task, fn: Callable[[Task], object]) -> None:
        try:
            result = fn(task)
        except Exception as exc:  # handed to on_error, which words it for the user
            log.debug("background task failed", exc_info=True)
            emit(task.failed, exc)
        else:
            emit(task.succeeded, result)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class SaveOutcome:
    path: Path
    sidecar: Path
    seconds: float


def save_colorized(
    session: ColorizerSession,
    image: LoadedImage,
    hints: Hints,
    path: Path,
    options: SaveOptions,
    *,
    strength: float = 1.0,
) -> SaveOutcome:
    """Colorize at full resolution, write the picture atomically, then its hints sidecar."""
    start = time.perf_counter()
    rgb = pipeline.colorize(
        session,
        image.pixels,
        hints=None if hints.is_empty() else hints,
        out_bit_depth=options.bit_depth,
        options=pipeline.ColorizeOptions(strength=strength),
    )
    note = provenance.colorization_note(session.info.version, strength, hints.count)
    write_image(path, rgb, alpha=image.alpha, metadata=image.metadata, options=options, colorization=note)
    sidecar = sidecar_path(path)
    save_hints(sidecar, hints)
    return SaveOutcome(path=path, sidecar=sidecar, seconds=time.perf_counter() - start)


# ------------------------------------------------------------------------------------------ batch
class BatchWorker(QObject):
    """Runs one batch at a time in the background; Cancel sets the engine's token."""

    progress = Signal(object)  # core.batch.Progress
    finished = Signal(object)  # core.batch.BatchReport
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = TaskRunner(self, threads=1, name="batch")
        self._token: Any = None

    @property
    def running(self) -> bool:
        return self._token is not None

    def start(
        self,
        session_factory: Callable[[], ColorizerSession],
        inputs: Sequence[Path],
        options: Any,
    ) -> None:
        """Start a batch; ``session_factory`` runs in the worker (a new provider may load slowly)."""
        from colorizer_gui.core import batch

        if self.running:
            raise RuntimeError("a batch is already running")
        token = batch.CancelToken()
        self._token = token

        def job(task: Task) -> object:
            session = session_factory()
            return batch.run_batch(
                session, list(inputs), options, progress=lambda p: emit(task.progress, p), cancel=token
            )

        self._runner.submit(job, on_success=self._done, on_error=self._error, on_progress=self._forward_progress)

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self._runner.shutdown()

    def _forward_progress(self, progress: object) -> None:
        emit(self.progress, progress)

    def _done(self, report: object) -> None:
        self._token = None
        emit(self.finished, report)

    def _error(self, exc: BaseException) -> None:
        self._token = None
        emit(self.failed, describe_error(exc))
