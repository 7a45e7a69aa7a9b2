"""Every name in ``colorizer_gui.core.__all__`` resolves, and importing core pulls in no Qt or torch."""

from __future__ import annotations

import subprocess
import sys

import colorizer_gui.core as core


def test_all_public_names_resolve() -> None:
    for name in core.__all__:
        assert getattr(core, name).__module__.startswith("colorizer_gui.core"), name


def test_core_imports_no_qt_and_no_torch() -> None:
    code = (
        "import sys, colorizer_gui.core as c; [getattr(c, n) for n in c.__all__]; "
        "bad = [m for m in ('PySide6', 'torch') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
