"""The main window end to end with the tiny model (hint colour where hinted, (20, 30) elsewhere)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from colorizer_gui.core import color
from colorizer_gui.core.hints import load_hints, sidecar_path
from colorizer_gui.core.imageio import SaveOptions, read_image
from colorizer_gui.gui.settings import AppSettings

from .conftest import gray_photo, open_photo, wait_idle
from .events import click_image, drag_image, drop

BASE_AB = (20.0, 30.0)  # the tiny model's colour where there is no hint
BLUE = (40, 90, 220)


def expected_rgb(gray_level: int, rgb: tuple[int, int, int]) -> np.ndarray:
    """What the tiny model makes of a hint colour on a flat gray: the hint's ab at the photo's L."""
    light = color.gray_to_lab_l(np.array([gray_level / 255.0], dtype=np.float32))[0]
    ab = color.srgb_to_lab(np.array([rgb], dtype=np.float32) / 255.0)[0, 1:]
    lab = np.array([[light, ab[0], ab[1]]], dtype=np.float32)
    return color.from_unit_float(color.lab_to_srgb(lab), 8)[0].astype(int)


def base_rgb(gray_level: int) -> np.ndarray:
    light = color.gray_to_lab_l(np.array([gray_level / 255.0], dtype=np.float32))[0]
    lab = np.array([[light, *BASE_AB]], dtype=np.float32)
    return color.from_unit_float(color.lab_to_srgb(lab), 8)[0].astype(int)


def test_dropping_a_file_opens_and_colorizes_it(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    photo = gray_photo(tmp_path / "flat.png", level=120)
    with qtbot.waitSignal(window.editor.previewApplied, timeout=20000):
        drop(window, [photo])
    assert window.editor.path == photo
    assert window.canvas.has_result()
    assert tuple(window.editor.sample_result(64, 48)) == tuple(base_rgb(120))
    assert "tiny-test-1" in window.model_label.text()
    assert "cpu" in window.provider_label.text()
    assert window.inference_label.text().endswith(" ms")
    assert window.settings.recent_files == [photo]


def test_dropping_a_folder_fills_the_batch_panel(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    folder = tmp_path / "scans"
    folder.mkdir()
    drop(window, [folder])
    qtbot.waitUntil(lambda: window.batch_panel.input_paths() == [folder], timeout=5000)
    assert window.batch_panel.isVisible()
    assert window.editor.path is None


def test_stroke_colours_the_preview_and_is_saved_with_its_sidecar(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    # A bright band above a dark field: the stroke colours the field it is on, not the band.
    photo = gray_photo(tmp_path / "flat.png", width=128, height=96, level=60, top_band=(16, 230))
    open_photo(qtbot, window, photo)
    window.select_tool("brush")
    window.color_panel.set_color(BLUE)
    window.color_panel.brush_width.setValue(20)
    with qtbot.waitSignal(window.editor.previewApplied, timeout=20000):
        drag_image(window.canvas, [(20, 48), (50, 48), (80, 48), (108, 48)])
    wait_idle(qtbot, window)
    assert len(window.document.strokes) == 1
    assert window.document.undo_stack.count() == 1
    assert np.abs(np.array(window.editor.sample_result(64, 48)) - expected_rgb(60, BLUE)).max() <= 1
    assert np.abs(np.array(window.editor.sample_result(64, 8)) - base_rgb(230)).max() <= 1
    # A quarter of the photo away on the same flat field, the stroke's colour has spread almost all the way.
    spread = np.array(window.editor.sample_result(64, 80)) - base_rgb(60)
    assert np.all(np.abs(spread - (expected_rgb(60, BLUE) - base_rgb(60))) <= 0.1 * np.abs(spread) + 1)

    # What is on screen, with the hint overlay hidden, is the colorized result.
    window.hints_action.trigger()
    shot = window.canvas.grab().toImage()
    view = window.canvas.image_to_view(QPointF(64, 48)).toPoint()
    pixel = shot.pixelColor(QPoint(int(view.x() * shot.devicePixelRatio()), int(view.y() * shot.devicePixelRatio())))
    assert np.abs(np.array([pixel.red(), pixel.green(), pixel.blue()]) - expected_rgb(60, BLUE)).max() <= 2

    out = tmp_path / "out" / "flat-colour.png"
    out.parent.mkdir()
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert window.save_to(out, SaveOptions(format="png"))
    saved = read_image(out)
    assert saved.size == (128, 96)
    assert np.abs(saved.pixels[48, 64].astype(int) - expected_rgb(60, BLUE)).max() <= 2
    assert np.abs(saved.pixels[5, 64].astype(int) - base_rgb(230)).max() <= 2
    hints = load_hints(sidecar_path(out))
    assert hints.image_size == (128, 96)
    assert hints.strokes[0].rgb == BLUE and hints.strokes[0].width == 20

    # Opening the photo again brings its hints back (they were saved next to the output).
    window.document.clear()
    open_photo(qtbot, window, photo)
    assert window.document.strokes == hints.strokes
    assert window.document.undo_stack.count() == 0


def test_undo_redo_points_strokes_and_clear_update_the_preview(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    window.color_panel.set_color(BLUE)
    window.color_panel.point_radius.setValue(10)
    window.select_tool("point")
    click_image(window.canvas, 30, 30)
    window.select_tool("brush")
    drag_image(window.canvas, [(70, 70), (110, 70)])
    wait_idle(qtbot, window)
    assert len(window.document.points) == 1 and len(window.document.strokes) == 1
    blue = expected_rgb(120, BLUE)
    assert np.abs(np.array(window.editor.sample_result(30, 30)) - blue).max() <= 1

    window.clear_action.trigger()
    wait_idle(qtbot, window)
    assert window.document.is_empty()
    assert tuple(window.editor.sample_result(30, 30)) == tuple(base_rgb(120))

    window.undo_action.trigger()  # clear undone
    wait_idle(qtbot, window)
    assert len(window.document.points) == 1 and len(window.document.strokes) == 1
    assert np.abs(np.array(window.editor.sample_result(30, 30)) - blue).max() <= 1
    window.undo_action.trigger()  # stroke
    window.undo_action.trigger()  # point
    wait_idle(qtbot, window)
    assert window.document.is_empty()
    assert tuple(window.editor.sample_result(30, 30)) == tuple(base_rgb(120))
    window.redo_action.trigger()
    wait_idle(qtbot, window)
    assert len(window.document.points) == 1 and window.document.strokes == ()
    assert np.abs(np.array(window.editor.sample_result(30, 30)) - blue).max() <= 1


def test_hint_edits_reuse_the_models_answer_for_the_photo(qtbot, make_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The model's input ignores the hints, so after the first preview only the spreading reruns."""
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    session = window.editor.session
    runs: list[int] = []
    real = session.predict_ab
    monkeypatch.setattr(session, "predict_ab", lambda model_input: runs.append(1) or real(model_input))
    shown = window.inference_label.text()
    window.color_panel.set_color(BLUE)
    window.color_panel.point_radius.setValue(10)
    window.select_tool("point")
    click_image(window.canvas, 30, 30)
    wait_idle(qtbot, window)
    window.undo_action.trigger()
    wait_idle(qtbot, window)
    window.redo_action.trigger()
    wait_idle(qtbot, window)
    assert runs == []
    assert window.inference_label.text() == shown  # no model run to report
    assert np.abs(np.array(window.editor.sample_result(30, 30)) - expected_rgb(120, BLUE)).max() <= 1

    open_photo(qtbot, window, gray_photo(tmp_path / "other.png", level=90))
    assert runs  # a new photo is a new model run


def test_colour_strength_scales_preview_and_save_keeps_hints(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    """The slider rescales the automatic colour without rerunning the model; a hint keeps its colour."""
    window = make_window()
    # The hint spreads over the dark field; the bright band above keeps the automatic colour.
    photo = gray_photo(tmp_path / "flat.png", width=128, height=96, level=60, top_band=(16, 160))
    open_photo(qtbot, window, photo)
    window.color_panel.set_color(BLUE)
    window.color_panel.point_radius.setValue(10)
    window.select_tool("point")
    click_image(window.canvas, 30, 60)
    wait_idle(qtbot, window)
    session = window.editor.session
    runs: list[int] = []
    real = session.predict_ab
    monkeypatch.setattr(session, "predict_ab", lambda model_input: runs.append(1) or real(model_input))

    def chroma_at(x: float, y: float) -> float:
        rgb = np.array([window.editor.sample_result(x, y)], dtype=np.float32) / 255.0
        return float(np.hypot(*color.srgb_to_lab(rgb)[0, 1:]))

    full = chroma_at(124, 3)
    window.color_panel.strength_slider.setValue(50)  # dragging the slider moves the spin box too
    wait_idle(qtbot, window)
    assert window.color_panel.strength.value() == 50 and window.editor.strength == 0.5
    assert full > 20 and chroma_at(124, 3) == pytest.approx(full / 2, abs=1.5)
    assert np.abs(np.array(window.editor.sample_result(30, 60)) - expected_rgb(60, BLUE)).max() <= 1
    window.color_panel.strength.setValue(0)
    wait_idle(qtbot, window)
    assert chroma_at(124, 3) < 2.5  # the model adds nothing; the hint leaks faintly across the edge
    assert runs == []  # every strength came from the one automatic answer

    out = tmp_path / "out" / "flat-colour.png"
    out.parent.mkdir()
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert window.save_to(out, SaveOptions(format="png"))
    saved = read_image(out).pixels
    assert np.ptp(saved[3, 124].astype(int)) <= 3  # gray but for the hint's faint leak
    assert np.abs(saved[60, 30].astype(int) - expected_rgb(60, BLUE)).max() <= 2
    assert load_hints(sidecar_path(out)).strength == 0  # the sidecar keeps the photo's strength
    with Image.open(out) as im:  # the output says how it was made
        version = window.editor.session.info.version
        assert im.text["Description"] == f"Colorized by Colorizer (model {version}, colour strength 0 %, 1 hint)"
    assert not window.document.is_modified


def test_colour_strength_is_the_photos_own_undoable_edit(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A slider drag is one undo step; the strength is saved with the photo and comes back with it."""
    window = make_window()
    panel, doc = window.color_panel, window.document
    assert not panel.strength.isEnabled() and not window.stronger_action.isEnabled()  # no photo yet
    photo = gray_photo(tmp_path / "flat.png", width=96, height=64, level=120)
    open_photo(qtbot, window, photo)
    assert panel.strength.isEnabled() and doc.strength is None and not doc.is_modified

    for percent in (90, 80, 70, 60):  # a drag
        panel.strength_slider.setValue(percent)
    wait_idle(qtbot, window)
    assert doc.strength == 0.6 and doc.undo_stack.count() == 1 and doc.is_modified
    assert window.undo_action.text() == "&Undo Colour strength 60 %"
    window.undo_action.trigger()
    wait_idle(qtbot, window)
    assert doc.strength is None and panel.strength.value() == 100 and panel.strength_slider.value() == 100
    assert window.editor.strength == 1.0 and not doc.is_modified
    full_colour = window.editor.sample_result(48, 32)
    window.redo_action.trigger()
    wait_idle(qtbot, window)
    assert panel.strength.value() == 60 and window.editor.strength == 0.6
    assert window.editor.sample_result(48, 32) != full_colour  # the preview followed the redo

    # Clearing the hints leaves the strength, which is not a hint.
    window.select_tool("point")
    click_image(window.canvas, 20, 20)
    window.clear_action.trigger()
    assert doc.strength == 0.6

    out = tmp_path / "out" / "flat.png"
    out.parent.mkdir()
    with qtbot.waitSignal(window.editor.saved, timeout=30000):
        assert window.save_to(out, SaveOptions(format="png"))
    other = gray_photo(tmp_path / "other.png", width=96, height=64, level=90)
    open_photo(qtbot, window, other)
    assert doc.strength is None and panel.strength.value() == 100  # a new photo starts at the model's own
    open_photo(qtbot, window, photo)  # its sidecar was remembered where it was saved
    assert doc.strength == 0.6 and panel.strength.value() == 60 and window.editor.strength == 0.6
    assert "colour strength 60 %" in window.statusBar().currentMessage()
    assert doc.undo_stack.count() == 0


def test_strength_and_size_keys(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    panel = window.color_panel
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert panel.strength.value() == 120 and window.document.undo_stack.count() == 1  # held key: one step
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.strength == pytest.approx(1.1)
    window.document.undo_stack.push(QUndoCommand("another edit"))
    for _ in range(25):
        window.weaker_action.trigger()
    assert panel.strength.value() == 0  # stops at the end of the range
    window.own_strength_action.trigger()
    assert window.editor.strength == 1.0 and panel.strength.value() == 100

    window.select_tool("brush")
    panel.brush_width.setValue(20)
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight)
    assert panel.brush_width.value() == 25
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    assert panel.brush_width.value() == 19
    window.select_tool("point")
    panel.point_radius.setValue(2)
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight)
    assert panel.point_radius.value() == 3 and panel.brush_width.value() == 19  # at least a pixel


def test_only_the_newest_preview_is_applied(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    applied: list[int] = []
    window.editor.previewApplied.connect(lambda rid, _final: applied.append(rid))
    window.color_panel.point_radius.setValue(8)
    for i, rgb in enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0), *[BLUE] * 6]):
        window.document.add_point(10 + 10 * i, 48, rgb, 8)
    wait_idle(qtbot, window)
    assert applied, "no preview arrived"
    assert applied == sorted(applied)
    assert applied[-1] == window.editor.preview_worker.latest_id
    assert len(applied) < 10  # debounced: the burst did not run ten times
    last = window.document.points[-1]
    assert np.abs(np.array(window.editor.sample_result(last.x, last.y)) - expected_rgb(120, BLUE)).max() <= 1


def test_suggestions_for_a_clicked_spot_recolour_the_point(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    window.select_tool("point")
    click_image(window.canvas, 60, 40)
    suggestions = window.color_panel.suggestions
    assert suggestions[0].label == "model"
    assert suggestions[0].ab == pytest.approx(BASE_AB, abs=0.01)
    assert window.color_panel.suggestion_buttons[1].isVisible()
    window.color_panel.suggestion_buttons[2].click()
    chosen = suggestions[2].rgb
    assert window.document.points[0].rgb == chosen
    assert window.color_panel.color() == chosen
    window.undo_action.trigger()
    assert window.document.points[0].rgb != chosen


def test_eyedropper_takes_the_colour_of_the_result(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    window.select_tool("eyedropper")
    click_image(window.canvas, 64, 48)
    assert window.color_panel.color() == tuple(base_rgb(120))
    assert window.document.is_empty()


def test_a_text_file_named_jpg_shows_an_error_and_the_app_goes_on(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not a photo\n")
    with qtbot.waitSignal(window.errorShown, timeout=20000) as blocker:
        window.open_path(bad)
    assert "notes.jpg" in blocker.args[0]
    assert isinstance(window.message_box, QMessageBox) and window.message_box.isVisible()
    assert "Traceback" not in window.message_box.text()
    assert window.editor.path is None
    window.message_box.close()
    good = gray_photo(tmp_path / "good.png", level=90)
    open_photo(qtbot, window, good)
    assert window.editor.path == good


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_a_bad_model_still_opens_the_window_and_explains_the_fix(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, kind: str
) -> None:
    model = tmp_path / "colorizer.onnx"
    if kind == "corrupt":
        model.write_bytes(b"\x08\x01garbage, not a protobuf" * 10)
    window = make_window(model=model)
    assert window.banner.isVisible()
    text = window.banner.text()
    assert "models/colorizer.onnx" in text and "$COLORIZER_MODEL" in text and "--model" in text
    assert window.model_label.text() == "No model"
    photo = gray_photo(tmp_path / "flat.png", level=120)
    open_photo(qtbot, window, photo)
    assert window.editor.path == photo
    assert not window.canvas.has_result()
    assert not window.save_action.isEnabled()
    assert not window.batch_panel.start()
    assert "model" in window.batch_panel.status.text().lower()


def test_backslash_held_shows_the_original(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    open_photo(qtbot, window, gray_photo(tmp_path / "flat.png", level=120))
    qtbot.keyPress(window.canvas, Qt.Key.Key_Backslash)
    assert window.canvas.showing_original
    qtbot.keyRelease(window.canvas, Qt.Key.Key_Backslash)
    assert not window.canvas.showing_original


def test_tool_shortcuts_and_about(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    shortcuts = {name: action.shortcut().toString() for name, action in window.tool_actions.items()}
    assert shortcuts == {"point": "P", "brush": "B", "eraser": "E", "eyedropper": "I", "pan": "H"}
    window.tool_actions["eraser"].trigger()
    assert window.canvas.tool is window.tools["eraser"]
    window.show_about()
    from colorizer_gui.gui.about_dialog import AboutDialog

    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.text.toPlainText()
    assert "tiny-test-1" in text and "Apache-2.0" in text and "LGPL" in text
    dialog.close()


def test_settings_survive_a_restart(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ini = tmp_path / "persist.ini"
    window = make_window(settings=AppSettings.from_file(ini))
    photo = gray_photo(tmp_path / "flat.png", level=120)
    open_photo(qtbot, window, photo)
    window.color_panel.set_color(BLUE)
    window.color_panel.brush_width.setValue(33)
    window.settings.save_options = SaveOptions(format="tiff", quality=80, bit_depth=16)
    window.close()
    again = AppSettings.from_file(ini)
    assert again.recent_files == [photo]
    assert again.open_dir == photo.parent
    assert again.color == BLUE and again.brush_width == 33
    assert again.save_options == SaveOptions(format="tiff", quality=80, bit_depth=16)
    assert again.provider == "auto"


def test_a_quick_low_resolution_pass_comes_before_the_full_one(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.tiny_models import make_tiny_model

    window = make_window(model=make_tiny_model(tmp_path / "big.onnx", working_size=384))
    passes: list[tuple[bool, tuple[int, ...]]] = []
    window.editor.previewApplied.connect(lambda _rid, final: passes.append((final, window.editor._chroma.ab.shape)))
    open_photo(qtbot, window, gray_photo(tmp_path / "wide.png", width=800, height=400, level=120))
    assert passes == [(False, (2, 96, 192)), (True, (2, 192, 384))]
    assert window.canvas.has_result()


def test_both_passes_share_one_network_run_when_the_network_sees_the_same_copy(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    """At inference size 160 the quick (192) and full (384) passes show the network the same copy."""
    from colorizer_gui.core.pipeline import predict_chroma
    from colorizer_gui.core.session import ColorizerSession
    from tests.support.tiny_models import make_tiny_model

    runs: list[tuple[int, ...]] = []
    real = ColorizerSession.predict_ab
    monkeypatch.setattr(ColorizerSession, "predict_ab", lambda self, x: runs.append(x.shape) or real(self, x))
    photo = gray_photo(tmp_path / "wide.png", width=800, height=400, level=120)
    shared = make_window(model=make_tiny_model(tmp_path / "m160.onnx", working_size=384, inference_size=160))
    events: list[str] = []
    shared.editor.previewApplied.connect(lambda _rid, final: events.append("full" if final else "quick"))
    shared.editor.busyChanged.connect(lambda busy: events.append("busy" if busy else "idle"))
    open_photo(qtbot, shared, photo)
    assert events == ["busy", "quick", "full", "idle"]  # idle only once the editor has the full pass
    assert shared.editor._chroma.ab.shape == (2, 192, 384)
    assert len(runs) == 1 and max(runs[0][2:]) == 160
    # The full preview is exactly what an export of the photo computes.
    source = shared.editor.preview_worker._source
    assert source is not None
    np.testing.assert_array_equal(shared.editor._chroma.ab, predict_chroma(source.session, source.pixels).ab)
    runs.clear()
    # Without the inference size the network sees each pass's own copy (192, then 384): two runs.
    separate = make_window(model=make_tiny_model(tmp_path / "m384.onnx", working_size=384))
    open_photo(qtbot, separate, photo)
    assert [max(shape[2:]) for shape in runs] == [192, 384]


def test_a_sidecar_next_to_the_photo_is_loaded_and_a_mismatched_one_is_not(qtbot, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from colorizer_gui.core.hints import HintPoint, Hints, save_hints

    window = make_window()
    photo = gray_photo(tmp_path / "flat.png", width=128, height=96, level=120)
    hints = Hints(image_size=(128, 96), points=(HintPoint(x=30, y=40, radius=9, rgb=BLUE),))
    save_hints(sidecar_path(photo), hints)
    open_photo(qtbot, window, photo)
    assert window.document.hints() == hints
    assert np.abs(np.array(window.editor.sample_result(30, 40)) - expected_rgb(120, BLUE)).max() <= 1
    assert "hints reloaded" in window.statusBar().currentMessage()

    other = gray_photo(tmp_path / "other.png", width=64, height=64, level=120)
    save_hints(sidecar_path(other), hints)  # made for a 128x96 photo
    open_photo(qtbot, window, other)
    assert window.document.is_empty()
    assert "not loaded" in window.statusBar().currentMessage()
