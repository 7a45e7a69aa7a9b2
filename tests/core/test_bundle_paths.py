"""The shipped model is found from a source checkout, a wheel install and a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from colorizer_gui import _bundle
from colorizer_gui.core import session
from tests.support.tiny_models import make_tiny_model


def test_wheel_install_share_folder_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session.MODEL_ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    model = make_tiny_model(tmp_path / "venv" / "share" / "colorizer" / "models" / "colorizer.onnx")
    roots = _bundle.data_roots()
    assert roots[-1] == tmp_path / "venv" / "share" / "colorizer"
    # Pretend the source checkout has no model, as in a wheel install.
    monkeypatch.setattr(_bundle, "data_roots", lambda: [tmp_path / "nowhere", roots[-1]])
    monkeypatch.setattr(session, "data_roots", _bundle.data_roots)
    assert session.find_model() == model


def test_frozen_bundle_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "meipass"), raising=False)
    assert _bundle.data_roots()[0] == tmp_path / "meipass"
    (tmp_path / "meipass" / "resources").mkdir(parents=True)
    assert _bundle.resource_dir() == tmp_path / "meipass" / "resources"
