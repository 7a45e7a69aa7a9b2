"""The batch dock runs core.batch in the background: outputs, failures, cancel, open folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QUrl

from colorizer_gui.core import color
from colorizer_gui.core.hints import Hints, save_hints, sidecar_path
from colorizer_gui.core.imageio import TEMP_MARKER, read_image, write_image


def _photos(folder: Path, count: int, size: int = 64) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths = []
    for i in range(count):
        path = folder / f"scan_{i:03d}.png"
        write_image(path, rng.integers(0, 255, (size, size), dtype=np.uint8))
        paths.append(path)
    return paths


def test_batch_writes_outputs_lists_failures_and_opens_the_folder(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = window.batch_panel
    source = tmp_path / "in"
    _photos(source, 3)
    (source / "broken.jpg").write_text("not a jpeg")
    out = tmp_path / "out"
    opened: list[QUrl] = []
    panel.url_opener = opened.append
    panel.add_input(source)
    panel.set_output(out)
    panel.format_box.setCurrentIndex(panel.format_box.findData("png"))
    assert not panel.open_output_button.isEnabled()
    with qtbot.waitSignal(panel.batchFinished, timeout=60000) as blocker:
        assert panel.start()
        assert panel.cancel_button.isEnabled() and not panel.start_button.isEnabled()
    report = blocker.args[0]
    assert (report.ok, report.failed, report.cancelled) == (3, 1, False)
    for i in range(3):
        result = read_image(out / f"scan_{i:03d}.png")
        assert result.pixels.ndim == 3 and result.size == (64, 64)
    assert panel.failures.count() == 1
    assert panel.failures.item(0).text().startswith("broken.jpg — ")
    assert panel.progress_bar.value() == panel.progress_bar.maximum() == 4
    assert "3 colorized" in panel.status.text() and "1 failed" in panel.status.text()
    assert panel.open_output_button.isEnabled()
    panel.open_output_button.click()
    assert opened == [QUrl.fromLocalFile(str(out))]
    assert window.settings.batch_output == out and window.settings.batch_inputs == [source]

    # A rerun skips what exists (the default), so nothing is redone.
    with qtbot.waitSignal(panel.batchFinished, timeout=60000) as again:
        panel.start()
    assert (again.args[0].ok, again.args[0].skipped) == (0, 3)


def test_cancel_stops_early_and_leaves_no_partial_file(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = window.batch_panel
    sources = _photos(tmp_path / "in", 40, size=256)
    out = tmp_path / "out"
    panel.add_input(tmp_path / "in")
    panel.set_output(out)
    panel.format_box.setCurrentIndex(panel.format_box.findData("png"))

    def cancel_after_first(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.done >= 1:
            panel.cancel()

    window.batch_worker.progress.connect(cancel_after_first)
    with qtbot.waitSignal(panel.batchFinished, timeout=60000) as blocker:
        panel.start()
    report = blocker.args[0]
    assert report.cancelled
    assert 1 <= report.ok < len(sources)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in written if TEMP_MARKER in p.name]
    images = [p for p in written if p.suffix == ".png"]
    assert len(images) == report.ok
    for path in images:
        assert read_image(path).size == (256, 256)  # every file there is complete
    assert "Cancelled" in panel.status.text()
    assert panel.start_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_start_explains_what_is_missing(make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = window.batch_panel
    assert not panel.start()
    assert "input" in panel.status.text()
    panel.add_input(tmp_path)
    assert not panel.start()
    assert "output" in panel.status.text()
    assert not panel.running


def test_batch_colour_strength_reaches_every_output_and_is_remembered(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = window.batch_panel
    _photos(tmp_path / "in", 2)
    panel.add_input(tmp_path / "in")
    chroma = {}
    for percent in (100, 40):
        out = tmp_path / f"out-{percent}"
        panel.set_output(out)
        panel.strength_box.setValue(percent)
        with qtbot.waitSignal(panel.batchFinished, timeout=60000) as blocker:
            assert panel.start()
        assert blocker.args[0].ok == 2
        rgb = np.concatenate([read_image(p).pixels.reshape(-1, 3) for p in sorted(out.glob("*.png"))])
        lab = color.srgb_to_lab(rgb.astype(np.float32) / 255.0)
        chroma[percent] = float(np.hypot(lab[:, 1], lab[:, 2]).mean())
    assert chroma[100] > 10
    assert chroma[40] == pytest.approx(0.4 * chroma[100], rel=0.1)
    assert window.settings.batch_strength == 40


def test_a_photo_saved_with_its_own_strength_keeps_it_in_a_batch(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = window.batch_panel
    first, second = _photos(tmp_path / "in", 2)
    save_hints(sidecar_path(first), Hints(image_size=(64, 64), strength=0.0))
    panel.add_input(tmp_path / "in")
    panel.set_output(tmp_path / "out")
    panel.strength_box.setValue(100)
    with qtbot.waitSignal(panel.batchFinished, timeout=60000) as blocker:
        assert panel.start()
    assert blocker.args[0].ok == 2
    gray = read_image(tmp_path / "out" / first.name).pixels.astype(int)
    colour = read_image(tmp_path / "out" / second.name).pixels.astype(int)
    assert np.ptp(gray, axis=2).max() <= 1  # its own 0 % won over the batch's 100 %
    assert np.ptp(colour, axis=2).mean() > 5
