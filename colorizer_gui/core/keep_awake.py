"""Hold off system sleep while a batch runs, so an overnight run is not stopped by a sleeping laptop.

Only sleep is held off: the screen may still blank and lock. Each platform
has its own way, and every way is best effort: where none works the batch
runs as before. On Windows the calling thread asks the kernel; on macOS and
Linux a small helper process holds the lock, and it is tied to this process
(``caffeinate -w``, ``tail --pid``) so a crash can never leave it behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["keep_awake", "system_environment"]

log = logging.getLogger(__name__)

_ES_CONTINUOUS = 0x80000000
_ES_SYSTEM_REQUIRED = 0x00000001
#: How long a sleep-lock helper is given to fail before the lock counts as held.
_START_S = 0.3


@contextmanager
def keep_awake(reason: str) -> Iterator[bool]:
    """Keep the computer from sleeping inside the ``with`` block; yields whether that could be arranged."""
    if sys.platform == "win32":
        with _windows() as held:
            yield held
        return
    with _helper(_helper_command(reason)) as held:
        yield held


def _helper_command(reason: str) -> list[str] | None:
    """The command that holds the lock until it is stopped or this process ends, or None."""
    pid = str(os.getpid())
    if sys.platform == "darwin":
        return ["caffeinate", "-i", "-w", pid] if shutil.which("caffeinate") else None
    if shutil.which("systemd-inhibit") and shutil.which("tail"):
        return [
            "systemd-inhibit",
            "--what=sleep:idle",
            "--who=Colorizer",
            f"--why={reason}",
            "--mode=block",
            "tail",
            f"--pid={pid}",
            "-f",
            "/dev/null",
        ]
    return None


def system_environment() -> dict[str, str]:
    """The environment for a system program: in the packaged app, without the bundle's library path.

    PyInstaller's bootloader puts the bundle's libraries first on ``LD_LIBRARY_PATH`` and keeps the
    user's own in ``LD_LIBRARY_PATH_ORIG``; a system tool must load the system's libraries.
    """
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


@contextmanager
def _helper(command: list[str] | None) -> Iterator[bool]:
    process = None
    if command is not None:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=system_environment(),
            )
        except OSError as exc:
            log.info("cannot hold off sleep (%s): %s", command[0], exc)
    held = False
    if process is not None:
        try:
            process.wait(timeout=_START_S)  # a helper that cannot take the lock gives up at once
            log.info("cannot hold off sleep: %s exited with %s", command and command[0], process.returncode)
        except subprocess.TimeoutExpired:
            held = True
    try:
        yield held
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def _windows() -> Iterator[bool]:
    try:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        held = bool(kernel32.SetThreadExecutionState(_ES_CONTINUOUS | _ES_SYSTEM_REQUIRED))
    except (AttributeError, OSError) as exc:
        log.info("cannot hold off sleep: %s", exc)
        kernel32, held = None, False
    try:
        yield held
    finally:
        if held and kernel32 is not None:
            kernel32.SetThreadExecutionState(_ES_CONTINUOUS)  # back to the system's own rules
