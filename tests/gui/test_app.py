"""The entry point and the small dialogs: main() runs and returns, options round-trip, About reads the card."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from colorizer_gui.core.imageio import SaveOptions
from colorizer_gui.gui import app
from colorizer_gui.gui.about_dialog import model_card_summary
from colorizer_gui.gui.main_window import MainWindow
from colorizer_gui.gui.save_options_dialog import SaveOptionsDialog
from colorizer_gui.gui.settings import AppSettings

from .conftest import gray_photo


def test_main_opens_the_given_photo_and_returns_the_loop_status(qtbot, tmp_path: Path, tiny_model: Path) -> None:  # type: ignore[no-untyped-def]
    photo = gray_photo(tmp_path / "a.png", level=100)
    seen: list[object] = []

    def check_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[-1].editor.has_result and not windows[-1].editor.busy:
            seen.append(windows[-1].editor.path)
            QApplication.exit(0)
        else:
            QTimer.singleShot(20, check_and_quit)

    QTimer.singleShot(0, check_and_quit)
    status = app.main([str(photo), "--model", str(tiny_model), "--settings", str(tmp_path / "s.ini")])
    assert status == 0
    assert seen == [photo]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    assert AppSettings.from_file(tmp_path / "s.ini").recent_files == [photo]


def test_save_options_dialog_round_trip(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = SaveOptionsDialog(SaveOptions(format="tiff", quality=80, bit_depth=16, tiff_compression="lzw"))
    qtbot.addWidget(dialog)
    assert dialog.options() == SaveOptions(format="tiff", quality=80, bit_depth=16, tiff_compression="lzw")
    assert not dialog.quality.isEnabled() and dialog.depth_box.isEnabled()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("jpeg"))
    assert dialog.quality.isEnabled() and not dialog.depth_box.isEnabled()
    assert dialog.options().format == "jpeg" and dialog.options().bit_depth is None
    suffix_dialog = SaveOptionsDialog(SaveOptions(), format="webp")
    qtbot.addWidget(suffix_dialog)
    assert suffix_dialog.options().format == "webp"


def test_model_card_summary_reads_the_first_lines_next_to_the_model(tmp_path: Path) -> None:
    model = tmp_path / "colorizer.onnx"
    (tmp_path / "MODEL_CARD.md").write_text("# Colorizer model\n\nTrained on 11k photos.\n" + "more\n" * 40)
    summary = model_card_summary(model, lines=3)
    assert summary == "# Colorizer model\nTrained on 11k photos.\nmore"
