"""emit() must not drain references from True (PySide6 6.12 + CPython 3.11 abort after a few thousand)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from colorizer_gui.gui.qtcompat import emit


class _Source(QObject):
    ping = Signal()
    value = Signal(object)


def test_emit_keeps_the_reference_count_of_true(qapp) -> None:  # type: ignore[no-untyped-def]
    source = _Source()
    got: list[object] = []
    source.ping.connect(lambda: got.append(1))
    source.value.connect(got.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emit(source.ping)
        emit(source.value, i)
    assert len(got) == 1000
    assert abs(sys.getrefcount(True) - before) < 50
