"""The packaged app's self-test and the entry point's dispatch rule, run from source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from colorizer_gui import __main__ as entry
from colorizer_gui import __version__, selftest
from colorizer_gui.__main__ import Mode, choose_mode
from tests.support.tiny_models import make_tiny_model

REPO_ROOT = Path(__file__).resolve().parent.parent


def _run_module(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m colorizer_gui`` the way the bundle runs its entry script."""
    env = {key: value for key, value in os.environ.items() if key != "COLORIZER_MODEL"}
    env.update({"QT_QPA_PLATFORM": "offscreen", **(env_extra or {})})
    return subprocess.run(
        [sys.executable, "-m", "colorizer_gui", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sample_photo_is_bundled_and_small() -> None:
    sample = selftest.default_sample()
    assert sample.is_file()
    assert sample.stat().st_size < 150_000


def test_self_test_passes_with_tiny_model(tiny_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.main(["--model", str(tiny_model)]) == 0
    out = capsys.readouterr().out
    assert "provider: cpu" in out
    assert "self-test OK" in out
    assert "tiny-test-1" in out


def test_self_test_finds_model_through_env(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLORIZER_MODEL", str(tiny_model))
    assert selftest.main([]) == 0
    assert str(tiny_model) in capsys.readouterr().out


def test_report_measures_real_colour(tiny_model: Path) -> None:
    report = selftest.run_self_test(model=tiny_model)
    assert report.provider == "cpu"
    assert report.image_size == (640, 274)
    # the tiny model paints Lab (a, b) = (20, 30) everywhere: chroma 36 where the gamut allows it
    assert report.mean_chroma > 20.0
    assert report.luminance_error < selftest.MAX_LUMINANCE_ERROR


def test_codec_check_round_trips_every_output_format() -> None:
    assert selftest.check_codecs() == ("png", "tiff", "webp", "jpeg", "icc")


def test_a_missing_codec_fails_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    from colorizer_gui.core import imageio

    def no_png(*args: object, **kwargs: object) -> bytes:
        raise AttributeError("module 'imagecodecs' has no attribute 'png_encode'")

    monkeypatch.setattr(imageio.imagecodecs, "png_encode", no_png)
    with pytest.raises(selftest.SelfTestFailure, match="PNG codec failed"):
        selftest.check_codecs()


def test_the_app_runs_without_opencv(tiny_model: Path, tmp_path: Path) -> None:
    """Colorize and write every format with ``cv2`` made unimportable, as in the bundle."""
    code = (
        "import sys; sys.modules['cv2'] = None\n"
        "from pathlib import Path\n"
        "from colorizer_gui import selftest, cli\n"
        "import colorizer_gui.gui.editor\n"
        f"report = selftest.run_self_test(model=Path({str(tiny_model)!r}))\n"
        f"sys.exit(cli.main(['batch', str(selftest.default_sample().parent), '--output', {str(tmp_path)!r},"
        f" '--model', {str(tiny_model)!r}, '--format', 'png']))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.glob("*.png"))


def test_corrupt_model_fails_with_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"this is not an ONNX model" * 10)
    assert selftest.main(["--model", str(broken)]) == 1
    err_lines = capsys.readouterr().err.strip().splitlines()
    assert len(err_lines) == 1
    assert err_lines[0].startswith("self-test FAILED: ")
    assert "broken.onnx" in err_lines[0]


def test_missing_model_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.main(["--model", str(tmp_path / "absent.onnx")]) == 1
    assert "self-test FAILED: " in capsys.readouterr().err


def test_gray_output_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gray_model = make_tiny_model(tmp_path / "gray.onnx", base_ab=(0.0, 0.0))
    assert selftest.main(["--model", str(gray_model)]) == 1
    assert "output is gray" in capsys.readouterr().err


def test_changed_luminance_fails() -> None:
    from colorizer_gui.core import imageio

    pixels = imageio.read_image(selftest.default_sample()).pixels
    inverted = np.repeat((255 - pixels)[..., None], 3, axis=2)
    with pytest.raises(selftest.SelfTestFailure, match="luminance changed"):
        selftest._check_result(pixels, inverted)


def test_wrong_shape_fails() -> None:
    pixels = np.full((8, 10), 128, dtype=np.uint8)
    with pytest.raises(selftest.SelfTestFailure, match="shape"):
        selftest._check_result(pixels, np.zeros((8, 9, 3), dtype=np.uint8))


# --- dispatch rule of colorizer_gui/__main__.py -------------------------------------------------


def test_dispatch_rule(tmp_path: Path) -> None:
    photo = str(tmp_path / "photo.jpg")
    out = str(tmp_path / "out")
    # the GUI: nothing, plain paths (a photo, folders for the batch panel), or --gui with GUI options
    assert choose_mode([]) is Mode.GUI
    assert choose_mode([photo]) is Mode.GUI
    assert choose_mode([str(tmp_path), photo]) is Mode.GUI
    assert choose_mode(["-psn_0_12345"]) is Mode.GUI
    assert choose_mode(["--gui", "--model", "m.onnx", photo]) is Mode.GUI
    # the self-test only when --self-test comes first
    assert choose_mode(["--self-test"]) is Mode.SELF_TEST
    assert choose_mode(["--self-test", "--model", "m.onnx"]) is Mode.SELF_TEST
    assert choose_mode(["--model", "m.onnx", "--self-test"]) is Mode.CLI
    # the CLI: any option, or a leading "batch"
    assert choose_mode(["batch", str(tmp_path), "-o", out]) is Mode.CLI
    assert choose_mode([str(tmp_path), "-o", out]) is Mode.CLI
    assert choose_mode(["batch"]) is Mode.CLI
    assert choose_mode(["--version"]) is Mode.CLI
    assert choose_mode(["--help"]) is Mode.CLI
    assert choose_mode(["--list-providers"]) is Mode.CLI


def test_self_test_through_entry_point_without_qt(tiny_model: Path) -> None:
    code = (
        "import sys\n"
        "from colorizer_gui.__main__ import main\n"
        f"rc = main(['--self-test', '--model', {str(tiny_model)!r}])\n"
        "print('qt loaded:', 'PySide6' in sys.modules)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "provider: cpu" in done.stdout
    assert "qt loaded: False" in done.stdout


def test_module_entry_runs_self_test(tiny_model: Path) -> None:
    done = _run_module("--self-test", env_extra={"COLORIZER_MODEL": str(tiny_model)})
    assert done.returncode == 0, done.stderr
    assert "self-test OK" in done.stdout


def test_module_entry_dispatches_to_cli() -> None:
    done = _run_module("--version")
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout + done.stderr


def test_module_entry_runs_a_batch_through_the_cli(tiny_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    sample = selftest.default_sample()
    (source / sample.name).write_bytes(sample.read_bytes())
    out = tmp_path / "out"
    done = _run_module("batch", str(source), "-o", str(out), "--model", str(tiny_model), "--quiet")
    assert done.returncode == 0, done.stderr
    written = sorted(path.name for path in out.rglob("*.jpg"))
    assert written == [sample.name]


@pytest.mark.slow
def test_module_entry_opens_gui_and_reports_shown_window(tiny_model: Path, tmp_path: Path) -> None:
    done = _run_module(
        "--gui",
        "--settings",
        str(tmp_path / "settings.ini"),
        env_extra={entry.EXIT_AFTER_SHOW_ENV: "1", "COLORIZER_MODEL": str(tiny_model)},
    )
    assert done.returncode == 0, done.stderr
    marker = [line for line in done.stdout.splitlines() if line.startswith(entry.WINDOW_SHOWN_MARKER)]
    assert len(marker) == 1
    assert float(marker[0].split()[1]) > 0.0


# --- what build.spec prunes from the bundle (packaging/bundle_rules.py) -------------------------


def _rules():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO_ROOT / "packaging"))
    try:
        import bundle_rules
    finally:
        sys.path.remove(str(REPO_ROOT / "packaging"))
    return bundle_rules


def test_bundle_keeps_the_display_back_ends_each_platform_needs() -> None:
    rules = _rules()
    linux = "PySide6/Qt/plugins/platforms/lib{}.so"
    for kept in ("qxcb", "qwayland", "qoffscreen", "qminimal"):
        assert rules.keep_binary(linux.format(kept), "linux")
    for dropped in ("qeglfs", "qvnc", "qlinuxfb", "qvkkhrdisplay"):
        assert not rules.keep_binary(linux.format(dropped), "linux")
    assert rules.keep_binary("PySide6\\plugins\\platforms\\qwindows.dll", "win32")
    assert not rules.keep_binary("PySide6\\plugins\\platforms\\qdirect2d.dll", "win32")
    assert rules.keep_binary("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "darwin")


def test_bundle_drops_unused_qt_parts_and_keeps_the_widget_stack() -> None:
    rules = _rules()
    assert rules.keep_binary("PySide6/Qt/lib/libQt6Widgets.so.6", "linux")
    assert rules.keep_binary("PySide6/Qt/lib/libQt6Svg.so.6", "linux")
    assert rules.keep_binary("PySide6/Qt/plugins/imageformats/libqsvg.so", "linux")
    assert rules.keep_binary("PySide6/Qt/plugins/iconengines/libqsvgicon.so", "linux")
    assert not rules.keep_binary("PySide6/Qt/plugins/imageformats/libqpdf.so", "linux")
    assert not rules.keep_binary("PySide6/Qt/lib/libQt6Quick.so.6", "linux")
    assert not rules.keep_binary("PySide6/Qt6Qml.dll", "win32")
    assert not rules.keep_binary("PySide6/Qt/lib/libQt6Pdf.so.6", "linux")
    assert not rules.keep_binary("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "linux")
    assert not rules.keep_data("PySide6/Qt/translations/qtbase_de.qm", "linux")
    assert rules.keep_data("resources/samples/solvay_conference_1927.jpg", "linux")


def test_bundle_drops_the_unused_onnxruntime_c_library_on_linux_only() -> None:
    rules = _rules()
    assert not rules.keep_binary("onnxruntime/capi/libonnxruntime.so.1.32.0", "linux")
    assert rules.keep_binary("onnxruntime/capi/libonnxruntime_providers_shared.so", "linux")
    assert rules.keep_binary("onnxruntime/capi/onnxruntime.dll", "win32")
    assert rules.keep_binary("onnxruntime/capi/DirectML.dll", "win32")


def test_libraries_only_pruned_plugins_needed_are_dropped() -> None:
    rules = _rules()
    entries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/QtGui.abi3.so", "/src/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libX11.so.6", "/src/libX11.so.6", "BINARY"),
        ("libpango-1.0.so.0", "/src/libpango-1.0.so.0", "BINARY"),  # only the dropped GTK theme used it
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),  # the bootloader loads it
        ("libfoo.so.1", "/src/libfoo-1.2.so", "BINARY"),  # linked by its SONAME only
    ]
    needed = {
        "/src/libqxcb.so": ("libQt6XcbQpa.so.6", "libQt6Gui.so.6"),
        "/src/QtGui.abi3.so": ("libQt6Gui.so.6", "libfoo.so.1"),
        "/src/libQt6XcbQpa.so.6": ("libX11.so.6", "libc.so.6"),
    }
    sonames = {"/src/libfoo-1.2.so": "libfoo.so.1"}

    def dynamic(src: str) -> tuple[str | None, tuple[str, ...]]:
        return sonames.get(src), needed.get(src, ())

    assert rules.unreachable_libraries(entries, dynamic) == {"libpango-1.0.so.0"}


def test_symlinks_to_pruned_libraries_are_found() -> None:
    rules = _rules()
    entries = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
    ]
    present = {"PySide6/Qt/lib/libQt6Gui.so.6", "libQt6Gui.so.6", "libQt6Network.so.6"}
    assert rules.dangling_symlinks(entries, present) == {"libQt6Network.so.6"}
