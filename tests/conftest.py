"""Fixtures shared by every test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The prepared photo data sets in ../shared/data (or $COLORIZER_SHARED_DATA)."""
    root = Path(os.environ.get("COLORIZER_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    if not (root / "val").is_dir():
        pytest.skip(f"shared data not found at {root}")
    return root


@pytest.fixture()
def tiny_model(tmp_path: Path) -> Path:
    """A contract-following ONNX model: hint colour where hinted, constant colour elsewhere."""
    from tests.support.tiny_models import make_tiny_model

    return make_tiny_model(tmp_path / "tiny.onnx")
