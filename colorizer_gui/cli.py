"""The ``colorizer`` command: colorize files and folders into an output folder.

``colorizer INPUT... -o OUT`` runs :func:`colorizer_gui.core.batch.run_batch`
with a text progress bar on stderr. Exit status: 0 all files ok (or skipped),
1 some files failed, 2 usage error (bad option, no inputs, no model),
130 cancelled with Ctrl+C. Every error is one line; there are no tracebacks.
``--version`` reads the model's version straight from the ONNX file, so it
never loads onnxruntime.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO, TextIO

from colorizer_gui import __version__
from colorizer_gui.core import contract
from colorizer_gui.core.errors import ColorizerError, ModelError, ProviderError, UsageError
from colorizer_gui.core.imageio import DEFAULT_MAX_PIXELS, OUTPUT_FORMATS, SaveOptions
from colorizer_gui.core.session import PROVIDER_ALIASES

if TYPE_CHECKING:
    from colorizer_gui.core.batch import BatchReport, CancelToken, Progress

__all__ = ["TextProgress", "main", "read_model_version"]

PROG = "colorizer"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


class _UsageExit(Exception):
    """argparse wants to stop: a usage error (message) or --help (code 0)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and returns instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageExit(EXIT_USAGE, f"{message} (see {PROG} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _UsageExit(status)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _quality(text: str) -> int:
    value = _positive_int(text)
    if value > 100:
        raise argparse.ArgumentTypeError(f"must be 1..100, got {value}")
    return value


def _strength(text: str) -> float:
    """Colour strength as a factor (0.8) or a percentage (80%)."""
    from colorizer_gui.core.strength import STRENGTH_RANGE, check_strength

    percent = text.strip().endswith("%")
    try:
        value = float(text.strip().rstrip("%")) / (100.0 if percent else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.8 or 80%, got {text!r}") from None
    try:
        return check_strength(value)
    except ValueError:
        low, high = STRENGTH_RANGE
        raise argparse.ArgumentTypeError(f"must be {low:g}..{high:g} ({low:.0%}..{high:.0%}), got {text}") from None


def _pixels(text: str) -> int:
    """A pixel count, with an optional M (millions) suffix: 300M, 50000000."""
    text = text.strip()
    factor = 1_000_000 if text[-1:].lower() == "m" else 1
    return _positive_int(text[:-1] if factor > 1 else text) * factor


def build_parser() -> argparse.ArgumentParser:
    """The option set; provider choices come from the session layer's aliases."""
    p = _Parser(
        prog=PROG,
        description="Colorize black-and-white photos. Folders are searched recursively and their tree "
        "is mirrored in the output folder; existing outputs are skipped, so a rerun resumes.",
        epilog="A <file name>.hints.json next to a photo is used as its colour hints.",
    )
    p.add_argument("inputs", nargs="*", type=Path, metavar="INPUT", help="image files and/or folders")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="output folder (created if needed)")
    p.add_argument("--model", type=Path, help="ONNX model (default: $COLORIZER_MODEL or models/colorizer.onnx)")
    p.add_argument("--provider", choices=["auto", *PROVIDER_ALIASES], default="auto", help="execution provider")
    p.add_argument("--list-providers", action="store_true", help="list the usable execution providers and exit")
    p.add_argument("--format", choices=list(OUTPUT_FORMATS), help="output format (default: keep the input's)")
    p.add_argument("--quality", type=_quality, default=95, help="JPEG/WebP quality 1..100 (default 95)")
    p.add_argument("--bit-depth", type=int, choices=[8, 16], help="PNG/TIFF bit depth (default: the input's)")
    p.add_argument("--compression", choices=["zlib", "lzw", "none"], default="zlib", help="TIFF compression")
    p.add_argument("--hints", type=Path, metavar="FILE", help="hints JSON for a single input image")
    p.add_argument(
        "--strength",
        type=_strength,
        default=1.0,
        metavar="S",
        help=(
            "colour strength of the automatic guess, 0..2 or 0%%..200%%; hints keep their colour, and a photo "
            "whose hints sidecar sets a strength keeps its own (default 1)"
        ),
    )
    p.add_argument("--jobs", type=_positive_int, default=2, help="reader/writer threads (default 2)")
    p.add_argument("--dry-run", action="store_true", help="show what would be done, write nothing")
    p.add_argument("--overwrite", action="store_true", help="redo outputs that already exist")
    p.add_argument(
        "--allow-sleep",
        action="store_true",
        help="let the computer sleep during the batch (by default sleep is held off until it ends)",
    )
    p.add_argument(
        "--max-pixels",
        type=_pixels,
        default=DEFAULT_MAX_PIXELS,
        help=f"refuse larger images, e.g. 500M (default {DEFAULT_MAX_PIXELS // 1_000_000}M)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary, only failures")
    p.add_argument("--version", action="store_true", help="print the app and model versions and exit")
    return p


# ------------------------------------------------------------------- model version without onnxruntime


def _varint(fh: BinaryIO) -> int | None:
    shift = result = 0
    while True:
        byte = fh.read(1)
        if not byte:
            return None
        result |= (byte[0] & 0x7F) << shift
        if byte[0] < 0x80:
            return result
        shift += 7
        if shift > 63:
            raise ValueError("bad varint")


def _fields(fh: BinaryIO, end: int | None) -> dict[int, list[bytes]]:
    """Length-delimited fields of one protobuf message; big ones (the graph) are skipped by seeking."""
    found: dict[int, list[bytes]] = {}
    while end is None or fh.tell() < end:
        key = _varint(fh)
        if key is None:
            break
        number, wire = key >> 3, key & 7
        if wire == 0:
            _varint(fh)
        elif wire == 1:
            fh.seek(8, os.SEEK_CUR)
        elif wire == 5:
            fh.seek(4, os.SEEK_CUR)
        elif wire == 2:
            length = _varint(fh) or 0
            if number == 14:  # ModelProto.metadata_props
                found.setdefault(number, []).append(fh.read(length))
            else:
                fh.seek(length, os.SEEK_CUR)
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return found


def _entry(raw: bytes) -> tuple[str, str]:
    """(key, value) of one StringStringEntryProto."""
    buf = io.BytesIO(raw)
    key = value = ""
    while buf.tell() < len(raw):
        tag = _varint(buf)
        if tag is None or tag & 7 != 2:
            break
        text = buf.read(_varint(buf) or 0).decode("utf-8", "replace")
        if tag >> 3 == 1:
            key = text
        elif tag >> 3 == 2:
            value = text
    return key, value


def read_model_version(path: Path) -> str:
    """The ``colorizer.model_version`` metadata of an ONNX file, parsed from the protobuf directly."""
    with open(path, "rb") as fh:
        entries = _fields(fh, None).get(14, [])
    for raw in entries:
        key, value = _entry(raw)
        if key == contract.META_KEYS["version"]:
            return value
    return "unknown (no version in the model metadata)"


def _print_version(model: Path | None) -> int:
    from colorizer_gui.core.session import find_model

    print(f"{PROG} {__version__}")
    try:
        path = find_model(model)
    except ModelError as exc:
        print(f"model: not found ({exc.reason})")
        return EXIT_OK
    try:
        print(f"model: {read_model_version(path)} ({path})")
    except (OSError, ValueError) as exc:
        print(f"model: unreadable ({exc}) ({path})")
    return EXIT_OK


# --------------------------------------------------------------------------- progress


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class TextProgress:
    """A dependency-free progress bar: redrawn in place on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, width: int = 28, interval_s: float = 5.0) -> None:
        self.stream = stream
        self.quiet = quiet
        self.width = width
        self.interval_s = interval_s
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_line = 0.0
        self._drawn = False

    def line(self, progress: Progress) -> str:
        done, total = progress.done, max(progress.total, 1)
        filled = int(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        worked = progress.ok + progress.failed
        rate = worked / progress.elapsed_s if progress.elapsed_s > 0 else 0.0
        return (
            f"[{bar}] {done}/{progress.total}  {rate:.1f} img/s  ETA {_clock(progress.eta_s)}"
            f"  ok {progress.ok}  skipped {progress.skipped}  failed {progress.failed}"
        )

    def __call__(self, progress: Progress) -> None:
        last = progress.last
        if last is not None and last.status.value == "failed":
            self._clear()
            self.stream.write(f"failed: {last.source}: {last.reason}\n")
        if self.quiet:
            return
        now = time.monotonic()
        final = progress.done == progress.total
        if self.tty:
            self.stream.write("\r" + self.line(progress))
            self._drawn = True
        elif final or now - self._last_line >= self.interval_s:
            self.stream.write(self.line(progress) + "\n")
            self._last_line = now
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\r\033[K")

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.flush()


# --------------------------------------------------------------------------- Ctrl+C


class _Interrupts:
    """First Ctrl+C cancels through the token (files in flight finish); a second one aborts."""

    def __init__(self, token: CancelToken, stream: TextIO) -> None:
        self.token = token
        self.stream = stream
        self._previous: object = None
        self._installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.token.cancelled:
            raise KeyboardInterrupt
        self.token.cancel()
        self.stream.write("\ncancelling after the files in progress (Ctrl+C again to abort)\n")
        self.stream.flush()

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- main


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")


def _describe(exc: ColorizerError) -> str:
    return f"{exc.path}: {exc.reason}" if exc.path is not None else exc.reason


def _list_providers() -> int:
    from colorizer_gui.core.session import available_providers

    for name in available_providers():
        print(name)
    return EXIT_OK


def _summary(report: BatchReport, seconds: float, dry_run: bool) -> str:
    verb = "would write" if dry_run else "ok"
    text = f"{verb} {report.ok}, skipped {report.skipped}, failed {report.failed} in {seconds:.1f} s"
    if report.cancelled:
        text = "cancelled: " + text
    if report.report_path is not None:
        text += f"; report: {report.report_path}"
    return text


def _run(args: argparse.Namespace) -> int:
    from colorizer_gui.core.batch import BatchOptions, CancelToken, plan_batch, run_batch
    from colorizer_gui.core.session import ColorizerSession

    if not args.inputs:
        raise UsageError(f"no inputs given; usage: {PROG} INPUT... -o OUT")
    if args.output is None:
        raise UsageError("no output folder given; add -o OUT")
    if args.bit_depth == 16 and args.format in ("jpeg", "webp"):
        raise UsageError(f"--bit-depth 16 needs --format png or tiff ({args.format} is 8-bit only)")
    if args.hints is not None and not args.hints.is_file():
        raise UsageError("the hints file does not exist", path=args.hints)
    options = BatchOptions(
        output_dir=args.output,
        save=SaveOptions(quality=args.quality, bit_depth=args.bit_depth, tiff_compression=args.compression),
        output_format=args.format,
        overwrite=args.overwrite,
        jobs=args.jobs,
        dry_run=args.dry_run,
        hints_file=args.hints,
        max_pixels=args.max_pixels,
        strength=args.strength,
        keep_awake=not args.allow_sleep,
    )
    if not plan_batch(args.inputs, options):
        raise UsageError("no images found in " + ", ".join(str(p) for p in args.inputs))
    session = ColorizerSession(args.model, provider=args.provider)
    if not args.quiet:
        sys.stderr.write(f"model {session.info.version} on {session.active_provider}; writing to {args.output}\n")
    token = CancelToken()
    bar = TextProgress(sys.stderr, quiet=args.quiet)
    started = time.perf_counter()
    try:
        with _Interrupts(token, sys.stderr):
            report = run_batch(session, args.inputs, options, progress=bar, cancel=token)
    finally:
        bar.close()
    if not args.quiet:
        sys.stderr.write(_summary(report, time.perf_counter() - started, args.dry_run) + "\n")
    if report.cancelled:
        return EXIT_CANCELLED
    return EXIT_FAILED if report.failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of raising SystemExit."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["batch"] and not Path("batch").exists():
        args_list = args_list[1:]  # ``colorizer batch ...`` as the bundled executable documents it
    try:
        args = build_parser().parse_args(args_list)
        if args.version:
            return _print_version(args.model)
        if args.list_providers:
            return _list_providers()
        return _run(args)
    except _UsageExit as exc:
        if exc.message:
            _error(exc.message)
        return exc.code
    except (UsageError, ModelError, ProviderError) as exc:
        _error(_describe(exc))
        return EXIT_USAGE
    except ColorizerError as exc:
        _error(_describe(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{PROG}: aborted\n")
        return EXIT_CANCELLED
    except Exception as exc:  # last line of defence: one line, never a traceback
        _error(f"unexpected {type(exc).__name__}: {exc}")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
