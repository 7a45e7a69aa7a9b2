"""The one entry point of ``python -m colorizer_gui`` and of the packaged ``colorizer`` executable.

The bundle ships one program, so its arguments decide what runs (:func:`choose_mode`):

1. ``--self-test [options]`` first: the headless self-test (:mod:`colorizer_gui.selftest`, no Qt).
2. ``--gui [options] [paths]`` first: the GUI with its own options (``--model``, ``--provider``,
   ``--settings``).
3. No argument, or only plain paths (no argument starts with ``-`` and the first is not the
   word ``batch``): the GUI, which opens a photo or lists folders in its batch panel.
4. Anything else, i.e. any option or a leading ``batch`` (``batch in -o out``, ``in -o out``,
   ``--version``, ``--help``, ``--list-providers``): the CLI, :func:`colorizer_gui.cli.main`.
   The CLI cannot act without ``-o OUT``, so plain paths never mean a batch.

macOS adds ``-psn_...`` when an app is started from the Finder; it is dropped first.
The rule looks only at the strings (no file-system access). Each front end is imported
only once chosen, so the CLI and the self-test never load Qt.

``COLORIZER_EXIT_AFTER_SHOW=1`` (read here, at the edge) makes the GUI print
``COLORIZER_WINDOW_SHOWN <seconds>`` once its first top-level window is visible and
then quit; ``scripts/startup_time.py`` uses it to time the start-up.
"""

from __future__ import annotations

import enum
import os
import sys
import time
from collections.abc import Sequence

_STARTED = time.perf_counter()
SELF_TEST_FLAG = "--self-test"
GUI_FLAG = "--gui"
BATCH_WORD = "batch"
EXIT_AFTER_SHOW_ENV = "COLORIZER_EXIT_AFTER_SHOW"
WINDOW_SHOWN_MARKER = "COLORIZER_WINDOW_SHOWN"
#: How long the start-up probe waits for a visible window before it gives up.
_PROBE_TIMEOUT_S = 60.0


class Mode(str, enum.Enum):
    """What the executable runs for a given command line."""

    GUI = "gui"
    CLI = "cli"
    SELF_TEST = "self-test"


def clean_args(argv: Sequence[str]) -> list[str]:
    """Drop the ``-psn_<n>`` process serial number macOS passes to apps started from the Finder."""
    return [arg for arg in argv if not arg.startswith("-psn_")]


def choose_mode(argv: Sequence[str]) -> Mode:
    """Pick the front end for ``argv`` (the arguments after the program name); see the module doc."""
    args = clean_args(argv)
    if args[:1] == [SELF_TEST_FLAG]:
        return Mode.SELF_TEST
    if args[:1] == [GUI_FLAG]:
        return Mode.GUI
    if args[:1] == [BATCH_WORD] or any(arg.startswith("-") for arg in args):
        return Mode.CLI
    return Mode.GUI


def _install_startup_probe() -> None:
    """Report when the first window is visible, then leave the event loop (start-up timing only).

    The GUI owns its ``QApplication``; wrapping ``QApplication.exec`` lets the probe start
    with the event loop without any hook in the GUI code.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    original_exec = QApplication.exec

    def check() -> None:
        if any(widget.isVisible() for widget in QApplication.topLevelWidgets()):
            print(f"{WINDOW_SHOWN_MARKER} {time.perf_counter() - _STARTED:.3f}", flush=True)
            QApplication.exit(0)
        elif time.perf_counter() - _STARTED > _PROBE_TIMEOUT_S:
            print(f"{WINDOW_SHOWN_MARKER} never: no window within {_PROBE_TIMEOUT_S:.0f} s", flush=True)
            QApplication.exit(3)
        else:
            QTimer.singleShot(10, check)

    def exec_with_probe(*_args: object) -> int:
        QTimer.singleShot(0, check)
        return int(original_exec())

    QApplication.exec = exec_with_probe  # type: ignore[method-assign]


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the self-test, the CLI or the GUI and return its exit status."""
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    args = clean_args(sys.argv[1:] if argv is None else argv)
    mode = choose_mode(args)
    if mode is Mode.SELF_TEST:
        from colorizer_gui import selftest

        return selftest.main(args[1:])
    if mode is Mode.CLI:
        from colorizer_gui import cli

        return cli.main(args)
    if os.environ.get(EXIT_AFTER_SHOW_ENV) == "1":
        _install_startup_probe()
    from colorizer_gui.gui import app

    return app.main(args[1:] if args[:1] == [GUI_FLAG] else args)


if __name__ == "__main__":
    raise SystemExit(main())
