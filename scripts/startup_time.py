"""Time from launching Colorizer to its main window being shown (goal: under 2 s, one-folder build).

Usage::

    python scripts/startup_time.py                          # from source: python -m colorizer_gui
    python scripts/startup_time.py dist/colorizer/colorizer # the one-folder bundle
    python scripts/startup_time.py --runs 5 --limit 2.0 dist/colorizer/colorizer

The app runs headless (``QT_QPA_PLATFORM=offscreen``) with ``COLORIZER_EXIT_AFTER_SHOW=1``
and ``--gui --settings <fresh ini>`` appended (a first start, the user's settings untouched).
``colorizer_gui/__main__.py`` then prints ``COLORIZER_WINDOW_SHOWN <s>`` once the first
top-level window is visible and quits. The wall time from ``Popen`` to that line is the
start-up time, interpreter or bootloader included. The first run is reported apart (cold
file cache); the median covers the rest. Standard library only, so any Python runs it.

Exit status: 0 all runs showed a window (and the median is within ``--limit`` if given),
1 a run showed no window, 2 the median is over ``--limit``.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MARKER = "COLORIZER_WINDOW_SHOWN"
REPO_ROOT = Path(__file__).resolve().parent.parent


def time_one_launch(command: list[str], *, timeout_s: float) -> tuple[float, float]:
    """Launch once; return (wall seconds until the marker, seconds the app itself reported).

    Each launch gets a fresh settings file, so it times a first start and leaves the
    user's own Colorizer settings alone.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COLORIZER_EXIT_AFTER_SHOW": "1"}
    lines: queue.Queue[str | None] = queue.Queue()
    settings_dir = tempfile.TemporaryDirectory(prefix="colorizer-startup-")
    command = [*command, "--gui", "--settings", str(Path(settings_dir.name) / "settings.ini")]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            remaining = timeout_s - (time.perf_counter() - started)
            try:
                line = lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                raise RuntimeError(f"no window after {timeout_s:.0f} s") from None
            if line is None:
                tail = "".join(seen[-15:]).rstrip()
                raise RuntimeError(f"exited with {process.wait()} before showing a window:\n{tail}")
            if line.startswith(MARKER):
                wall = time.perf_counter() - started
                fields = line.split()
                if len(fields) < 2 or fields[1].startswith("never"):
                    raise RuntimeError(line.strip())
                return wall, float(fields[1])
            seen.append(line)
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        settings_dir.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="launches to time (default 3)")
    parser.add_argument("--limit", type=float, help="exit 2 when the median is above this (s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="give up on a launch after this long")
    parser.add_argument("command", nargs="*", help="program to launch (default: python -m colorizer_gui)")
    args = parser.parse_args(argv)
    command = [str(Path(args.command[0]).resolve()), *args.command[1:]] if args.command else []
    command = command or [sys.executable, "-m", "colorizer_gui"]

    walls: list[float] = []
    for run in range(1, args.runs + 1):
        try:
            wall, inside = time_one_launch(command, timeout_s=args.timeout)
        except RuntimeError as exc:
            print(f"startup run {run}: FAILED: {exc}", file=sys.stderr)
            return 1
        walls.append(wall)
        print(f"startup run {run}: window shown after {wall:.3f} s (Python part {inside:.3f} s)")
    rest = walls[1:] or walls
    median = statistics.median(rest)
    print(f"startup: first {walls[0]:.3f} s, median of the other runs {median:.3f} s ({' '.join(command)})")
    if args.limit is not None and median > args.limit:
        print(f"startup: median {median:.3f} s is over the {args.limit:.1f} s goal", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
