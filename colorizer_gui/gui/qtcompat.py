"""Work around a PySide6 reference-count bug so long sessions do not crash.

PySide6 6.12.0 on CPython < 3.12 returns ``True`` from ``SignalInstance.emit``
without taking a reference, so every ``emit()`` called from Python takes one
reference off ``True``; after a few thousand emits the interpreter aborts with
"bool_dealloc: deallocating True or False". Python 3.12+ makes bools immortal,
where the bug is harmless. :func:`emit` measures the binding once and gives the
missing reference back only where it is really missing, so it is a no-op on
fixed versions. All GUI code emits through it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

__all__ = ["emit", "emit_steals_result"]

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _measure() -> bool:
    probe = _Probe()
    rounds = 64
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0)):  # give back what the probe itself took
        _incref(True)
    return lost >= rounds // 2


_STEALS = _measure()


def emit_steals_result() -> bool:
    """True when this PySide6 build has the bug (measured once at import)."""
    return _STEALS


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, repairing the reference the buggy binding drops."""
    result = signal.emit(*args)  # type: ignore[func-returns-value]  # it returns a bool at run time
    if _STEALS and result is not None:
        _incref(result)
