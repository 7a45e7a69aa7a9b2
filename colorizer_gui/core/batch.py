"""Plan and run a batch: every file ends ok, skipped or failed with a reason, and a report says which.

The run is a bounded three-stage pipeline so the model never waits for the
disk: a reader pool decodes ahead, the calling thread runs the model
(``predict_chroma``), and a writer pool applies the chroma at full resolution
and encodes. At most ``jobs + 1`` photos wait at each hand-over, which bounds
memory. numpy, the image codecs and onnxruntime release the GIL, so the stages overlap.
"""

from __future__ import annotations

import csv
import io
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from colorizer_gui.core import imageio, provenance
from colorizer_gui.core.errors import ColorizerError, ImageTooLargeError, ImageWriteError, UsageError
from colorizer_gui.core.hints import Hints, load_hints, sidecar_path
from colorizer_gui.core.imageio import DEFAULT_MAX_PIXELS, LoadedImage, SaveOptions
from colorizer_gui.core.keep_awake import keep_awake
from colorizer_gui.core.strength import check_strength

if TYPE_CHECKING:
    from colorizer_gui.core.pipeline import ChromaPrediction, ColorizeOptions
    from colorizer_gui.core.session import ColorizerSession

__all__ = [
    "BatchItem",
    "BatchOptions",
    "BatchReport",
    "CancelToken",
    "FileResult",
    "FileStatus",
    "Progress",
    "plan_batch",
    "run_batch",
]

#: Image-like suffixes we cannot read; a folder walk still lists them so the report says why.
_KNOWN_UNSUPPORTED = frozenset({".gif", ".pdf", ".heic", ".heif", ".avif", ".jp2", ".jxl", ".psd", ".dng"})
_REPORT_FIELDS = ("source", "output", "status", "reason", "seconds")


class CancelToken:
    """Thread-safe "please stop" flag shared by a front end and a running batch."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class FileStatus(str, Enum):
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class BatchItem:
    source: Path
    output: Path


@dataclass(frozen=True)
class FileResult:
    source: Path
    output: Path | None
    status: FileStatus
    reason: str
    seconds: float


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    ok: int
    skipped: int
    failed: int
    elapsed_s: float
    eta_s: float | None
    current: Path | None
    last: FileResult | None


@dataclass(frozen=True)
class BatchOptions:
    """What a batch does; ``output_format`` None keeps each input's format where it is writable."""

    output_dir: Path
    save: SaveOptions = field(default_factory=SaveOptions)
    output_format: str | None = None
    overwrite: bool = False
    jobs: int = 2
    dry_run: bool = False
    hints_file: Path | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS
    allow_output_in_input: bool = False
    report_name: str = "colorizer-report.csv"
    #: Scale of the automatic colour (``pipeline.ColorizeOptions.strength``): 1 is the model's own.
    #: A photo whose hints sidecar sets its own ``strength`` keeps that one.
    strength: float = 1.0
    #: Hold off system sleep while files are being colorized (``core.keep_awake``).
    keep_awake: bool = True


@dataclass(frozen=True)
class BatchReport:
    results: tuple[FileResult, ...]
    report_path: Path | None
    cancelled: bool

    def _count(self, status: FileStatus) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def ok(self) -> int:
        return self._count(FileStatus.OK)

    @property
    def skipped(self) -> int:
        return self._count(FileStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self._count(FileStatus.FAILED)


# --------------------------------------------------------------------------- planning


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _wanted(name: str, *, explicit: bool) -> bool:
    if name.startswith("._") or imageio.is_temp_file(Path(name)):  # macOS resource forks, our temp files
        return False
    suffix = Path(name).suffix.lower()
    return explicit or suffix in imageio.SUPPORTED_INPUT_SUFFIXES or suffix in _KNOWN_UNSUPPORTED


def _walk(root: Path, skip: Path) -> list[Path]:
    """Image files under ``root`` (relative), following folder links but each real folder once."""
    found: list[Path] = []
    seen: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):  # a link loop that cannot even be resolved
            continue
        if real in seen or _inside(real, skip):
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # unreadable folder: nothing to list (its files cannot be reported by name)
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    stack.append(path)
                elif (entry.is_file() or entry.is_symlink()) and _wanted(entry.name, explicit=False):
                    found.append(path.relative_to(root))
            except OSError:
                continue
    return sorted(found)


def _output_suffix(source: Path, output_format: str | None) -> str:
    suffix = source.suffix.lower()
    if output_format is None:
        kept = imageio.format_for_suffix(suffix)  # the input's own format, if we can write it
        return source.suffix if kept else imageio.OUTPUT_FORMATS["png"]
    if output_format not in imageio.OUTPUT_FORMATS:
        raise UsageError(f"unknown output format {output_format!r}; choose one of {', '.join(imageio.OUTPUT_FORMATS)}")
    if imageio.format_for_suffix(suffix) == output_format:
        return source.suffix
    return imageio.OUTPUT_FORMATS[output_format]


def plan_batch(inputs: Sequence[Path], options: BatchOptions) -> list[BatchItem]:
    """Map inputs (files and folders, recursive) to outputs that mirror their tree under ``output_dir``.

    A file maps to ``output_dir/<stem><suffix>``, a file found in folder ``D``
    to ``output_dir/<path relative to D>``. Two sources that would share an
    output keep their own suffix in the name (``a.tif.jpg``).

    Raises
    ------
    UsageError
        Missing inputs, or an output folder inside an input folder without
        ``allow_output_in_input``.
    """
    out_dir = Path(options.output_dir).absolute()
    out_real = out_dir.resolve()
    pairs: list[tuple[Path, Path]] = []  # (source, relative output without suffix change)
    for raw in inputs:
        source = Path(raw)
        if source.is_dir():
            if _inside(out_real, source.resolve()) and not options.allow_output_in_input:
                raise UsageError(
                    f"the output folder {out_dir} is inside the input folder {source}; "
                    "choose another output folder so originals and results stay apart",
                    path=source,
                )
            pairs.extend((source / rel, rel) for rel in _walk(source, out_real))
        elif source.exists() or source.is_symlink():
            if _wanted(source.name, explicit=True):
                pairs.append((source, Path(source.name)))
        else:
            raise UsageError("the input does not exist", path=source)
    items: list[BatchItem] = []
    taken: set[Path] = set()
    seen_sources: set[Path] = set()
    for source, rel in pairs:
        key = source.absolute()
        if key in seen_sources:
            continue
        seen_sources.add(key)
        suffix = _output_suffix(source, options.output_format)
        output = out_dir / rel.with_suffix(suffix)
        if output in taken or output.absolute() == key:
            output = out_dir / rel.with_name(f"{rel.name}{suffix}")
        taken.add(output)
        items.append(BatchItem(source=source, output=output))
    return items


# --------------------------------------------------------------------------- running


@dataclass
class _Loaded:
    index: int
    item: BatchItem
    image: LoadedImage
    hints: Hints | None
    started: float


class _Tally:
    """Results in plan order plus the counts the progress callback reports."""

    def __init__(self, total: int, progress: Callable[[Progress], None] | None) -> None:
        self.results: dict[int, FileResult] = {}
        self.total = total
        self.start = time.perf_counter()
        self.worked_s = 0.0
        self.worked = 0
        self._progress = progress
        self.current: Path | None = None

    def add(self, index: int, result: FileResult) -> None:
        self.results[index] = result
        if result.status is not FileStatus.SKIPPED:
            self.worked += 1
        self.report(result)

    def report(self, last: FileResult | None = None) -> None:
        if self._progress is None:
            return
        done = len(self.results)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.worked * (self.total - done) if self.worked else None
        counts = {s: 0 for s in FileStatus}
        for r in self.results.values():
            counts[r.status] += 1
        self._progress(
            Progress(
                done=done,
                total=self.total,
                ok=counts[FileStatus.OK],
                skipped=counts[FileStatus.SKIPPED],
                failed=counts[FileStatus.FAILED],
                elapsed_s=elapsed,
                eta_s=eta,
                current=self.current,
                last=last,
            )
        )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ColorizerError):
        return exc.reason
    if isinstance(exc, MemoryError):
        return "not enough memory for this image (lower --max-pixels or close other programs)"
    return f"unexpected error ({type(exc).__name__}: {exc})"


def _hints_for(item: BatchItem, hints_file: Path | None) -> Hints | None:
    """``--hints``, else the sidecar next to the photo, else the one the GUI saved next to its output.

    The last lets ``--overwrite`` redo a photo someone tuned and saved in the window, hints and all.
    """
    if hints_file is not None:
        return load_hints(hints_file)
    for path in (sidecar_path(item.source), sidecar_path(item.output)):
        if path.is_file():
            return load_hints(path)
    return None


def _clean_stale_temps(items: Sequence[BatchItem]) -> None:
    """Remove temp files a killed run left next to the outputs we are about to write."""
    by_folder: dict[Path, set[str]] = {}
    for item in items:
        by_folder.setdefault(item.output.parent, set()).add(item.output.name)
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            target = entry.name[1:].split(imageio.TEMP_MARKER, 1)[0]
            if imageio.is_temp_file(Path(entry.name)) and target in names:
                Path(entry.path).unlink(missing_ok=True)


def _write_report(options: BatchOptions, results: Sequence[FileResult]) -> Path | None:
    path = Path(options.output_dir) / options.report_name
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(_REPORT_FIELDS)
    for r in results:
        writer.writerow([r.source, r.output or "", r.status.value, r.reason, f"{r.seconds:.3f}"])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with imageio.atomic_output(path) as tmp:
            tmp.write_text(buf.getvalue(), encoding="utf-8", newline="")
    except (OSError, ImageWriteError):
        return None
    return path


def run_batch(
    session: ColorizerSession,
    inputs: Sequence[Path],
    options: BatchOptions,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
) -> BatchReport:
    """Colorize every planned file; one bad file never stops the rest.

    Existing outputs are skipped (so a rerun resumes) unless ``overwrite``.
    ``progress`` is called on the calling thread after each file; ``cancel``
    stops the run soon, finishing only files already being written (atomically).

    Raises
    ------
    UsageError
        Bad inputs or options (see :func:`plan_batch`), or ``hints_file`` with more than one image.
    """
    items = plan_batch(inputs, options)
    if options.hints_file is not None and len(items) != 1:
        raise UsageError(
            f"--hints applies to exactly one input image, not {len(items)}; "
            "for a batch put a <file name>.hints.json sidecar next to each photo",
            path=options.hints_file,
        )
    if options.jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {options.jobs}")
    try:
        check_strength(options.strength)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    cancel = cancel or CancelToken()
    tally = _Tally(len(items), progress)
    tally.report()
    todo: list[tuple[int, BatchItem]] = []
    for index, item in enumerate(items):
        if item.output.exists() and not options.overwrite:
            tally.add(index, FileResult(item.source, item.output, FileStatus.SKIPPED, "output exists", 0.0))
        else:
            todo.append((index, item))
    if options.dry_run:
        _dry_run(todo, options, tally)
    elif todo:
        _clean_stale_temps([item for _, item in todo])
        reason = f"colorizing {len(todo)} photo{'s' if len(todo) != 1 else ''}"
        with keep_awake(reason) if options.keep_awake else nullcontext():
            _Runner(session, options, cancel, tally).run(todo)
    for index, item in enumerate(items):
        if index not in tally.results:
            tally.add(index, FileResult(item.source, None, FileStatus.SKIPPED, "cancelled", 0.0))
    results = tuple(tally.results[i] for i in range(len(items)))
    report_path = None if options.dry_run else _write_report(options, results)
    return BatchReport(results=results, report_path=report_path, cancelled=cancel.cancelled)


def _dry_run_reason(hints: Hints | None) -> str:
    """``dry run: would be written``, with the photo's hints and own strength when it has them."""
    extras = []
    if hints is not None and not hints.is_empty():
        count = hints.count
        extras.append(f"{count} hint{'s' if count != 1 else ''}")
    if hints is not None and hints.strength is not None:
        extras.append(f"its own colour strength {hints.strength * 100:.0f} %")
    return "dry run: would be written" + (f" ({', '.join(extras)})" if extras else "")


def _dry_run(todo: Sequence[tuple[int, BatchItem]], options: BatchOptions, tally: _Tally) -> None:
    """Say what would happen, checking headers and hints sidecars only; nothing is written."""
    for index, item in todo:
        try:
            width, height = imageio.probe_image_size(item.source)
            if width * height > options.max_pixels:
                raise ImageTooLargeError(
                    f"{width}x{height} is above the limit of {options.max_pixels / 1e6:.0f} megapixels",
                    path=item.source,
                )
            hints = _hints_for(item, options.hints_file)  # a bad sidecar shows now, not at 3 a.m.
            result = FileResult(item.source, item.output, FileStatus.OK, _dry_run_reason(hints), 0.0)
        except ColorizerError as exc:
            result = FileResult(item.source, None, FileStatus.FAILED, exc.reason, 0.0)
        tally.add(index, result)


class _Runner:
    """The bounded read -> infer -> write pipeline for one batch."""

    def __init__(self, session: ColorizerSession, options: BatchOptions, cancel: CancelToken, tally: _Tally):
        from colorizer_gui.core import pipeline  # loaded only when a batch really runs

        self._pipeline = pipeline
        self.session = session
        self.options = options
        self.cancel = cancel
        self.tally = tally
        self.depth = options.jobs + 1
        self.colorize = pipeline.ColorizeOptions(strength=options.strength)

    def _read(self, index: int, item: BatchItem) -> _Loaded:
        started = time.perf_counter()
        image = imageio.read_image(item.source, max_pixels=self.options.max_pixels)
        return _Loaded(index, item, image, _hints_for(item, self.options.hints_file), started)

    def _options(self, loaded: _Loaded) -> ColorizeOptions:
        """The batch's options, with the photo's own strength where its sidecar sets one."""
        own = loaded.hints.strength if loaded.hints is not None else None
        return self.colorize if own is None else replace(self.colorize, strength=own)

    def _finish(self, loaded: _Loaded, chroma: ChromaPrediction) -> FileResult:
        item, image = loaded.item, loaded.image
        if self.cancel.cancelled:
            return FileResult(item.source, None, FileStatus.SKIPPED, "cancelled", 0.0)
        fmt = self.options.output_format or imageio.format_for_suffix(item.output.suffix) or "png"
        depth = 8 if fmt in ("jpeg", "webp") else (self.options.save.bit_depth or image.bit_depth)
        rgb = self._pipeline.apply_chroma(image.pixels, chroma, out_bit_depth=depth)
        try:
            item.output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImageWriteError(
                f"cannot create the output folder {item.output.parent} ({exc.strerror or exc})",
                path=item.output,
            ) from exc
        save = SaveOptions(
            format=fmt,
            quality=self.options.save.quality,
            bit_depth=depth,
            tiff_compression=self.options.save.tiff_compression,
        )
        hints = loaded.hints
        note = provenance.colorization_note(
            self.session.info.version, chroma.strength, 0 if hints is None else hints.count
        )
        imageio.write_image(
            item.output, rgb, alpha=image.alpha, metadata=image.metadata, options=save, colorization=note
        )
        reason = "; ".join(image.metadata.warnings)
        return FileResult(item.source, item.output, FileStatus.OK, reason, time.perf_counter() - loaded.started)

    def _fail(self, index: int, item: BatchItem, exc: BaseException, started: float) -> None:
        seconds = time.perf_counter() - started
        self.tally.add(index, FileResult(item.source, None, FileStatus.FAILED, _reason(exc), seconds))

    def _collect_write(self, writes: deque[tuple[int, BatchItem, float, Future[FileResult]]]) -> None:
        index, item, started, future = writes.popleft()
        if future.cancelled():
            return
        try:
            self.tally.add(index, future.result())
        except Exception as exc:  # each file's own failure, recorded with its reason
            self._fail(index, item, exc, started)

    def run(self, todo: Sequence[tuple[int, BatchItem]]) -> None:
        jobs = self.options.jobs
        queue = iter(todo)
        reads: deque[tuple[int, BatchItem, Future[_Loaded]]] = deque()
        writes: deque[tuple[int, BatchItem, float, Future[FileResult]]] = deque()
        with (
            ThreadPoolExecutor(jobs, thread_name_prefix="colorizer-read") as readers,
            ThreadPoolExecutor(jobs, thread_name_prefix="colorizer-write") as writers,
        ):
            try:
                while True:
                    while len(reads) < self.depth and not self.cancel.cancelled:
                        nxt = next(queue, None)
                        if nxt is None:
                            break
                        reads.append((nxt[0], nxt[1], readers.submit(self._read, *nxt)))
                    if not reads or self.cancel.cancelled:
                        break
                    index, item, future = reads.popleft()
                    started = time.perf_counter()
                    try:
                        loaded = future.result()
                        self.tally.current = item.source
                        chroma = self._pipeline.predict_chroma(
                            self.session, loaded.image.pixels, hints=loaded.hints, options=self._options(loaded)
                        )
                    except Exception as exc:  # unreadable file, bad sidecar, model failure: this file only
                        self._fail(index, item, exc, started)
                        continue
                    while writes and writes[0][3].done():
                        self._collect_write(writes)
                    while len(writes) >= self.depth:
                        self._collect_write(writes)
                    writes.append((index, item, loaded.started, writers.submit(self._finish, loaded, chroma)))
            finally:
                for _, _, future in reads:
                    future.cancel()
                for _, _, _, wfuture in writes:
                    if self.cancel.cancelled:
                        wfuture.cancel()
                while writes:
                    self._collect_write(writes)
                self.tally.current = None
