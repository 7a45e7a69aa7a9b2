"""Make docs/screenshot.png: the app with a historic photo, a few colour hints and the before/after split.

    .venv/bin/python scripts/screenshot.py                   # models/colorizer.onnx, else the tiny test model
    .venv/bin/python scripts/screenshot.py --model m.onnx --photo ../shared/data/historic/x.jpg

Runs on Qt's offscreen platform (no display needed; ``xvfb-run`` works too). The
hints go through the real tools (point, brush), the script waits for the live
preview and its sharp pass, then grabs the window. The PNG is palette-reduced
so it stays under 400 KB for the README.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PHOTO = REPO.parent / "shared" / "data" / "historic" / "ddcolor_New_York_Riverfront_December_15_1931.jpg"
OUT = REPO / "docs" / "screenshot.png"
MAX_BYTES = 400_000
SKY, WATER, BRICK, WOOD = (95, 150, 215), (55, 100, 120), (170, 88, 62), (150, 112, 78)


def _model(explicit: Path | None, tmp: Path) -> Path:
    """The shipped model when it loads, else the tiny test model (the README shot is redone later)."""
    from colorizer_gui.core.errors import ColorizerError
    from colorizer_gui.core.session import ColorizerSession

    candidate = explicit or REPO / "models" / "colorizer.onnx"
    try:
        ColorizerSession(candidate, provider="cpu")
        return candidate
    except ColorizerError as exc:
        if explicit is not None:
            raise
        print(f"models/colorizer.onnx not usable ({exc.reason}); using the tiny test model", file=sys.stderr)
    from tests.support.tiny_models import make_tiny_model

    return make_tiny_model(tmp / "tiny.onnx", working_size=384)


def _spin(predicate, timeout_s: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not finish in time")
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def _save_small_png(image, path: Path) -> int:  # type: ignore[no-untyped-def]
    """Palette PNG (256 colours, dithered), scaled down only if still above the size limit."""
    import numpy as np
    from PIL import Image
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    array = np.frombuffer(rgb.constBits(), dtype=np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    picture = Image.fromarray(array[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).copy())
    scale = 1.0
    while True:
        sized = (
            picture
            if scale == 1.0
            else picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS)
        )
        buffer = io.BytesIO()
        sized.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= MAX_BYTES or scale < 0.5:
            break
        scale *= 0.9
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)
    return buffer.tell()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--photo", type=Path, default=PHOTO)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from colorizer_gui.gui.app import create_window
    from colorizer_gui.gui.resources import icon
    from colorizer_gui.gui.settings import APPLICATION, ORGANIZATION, AppSettings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(icon("colorizer"))
    tmp = Path(tempfile.mkdtemp(prefix="colorizer-shot-"))
    window = create_window(
        settings=AppSettings.from_file(tmp / "settings.ini"), model=_model(args.model, tmp), provider="cpu"
    )
    window.resize(1280, 800)
    window.show()
    editor = window.editor
    sharp_ids: set[int] = set()
    editor.preview_worker.refined.connect(lambda rid, _rgb: sharp_ids.add(rid))
    window.open_path(args.photo)
    _spin(lambda: editor.image is not None and (editor.has_result or not editor.can_colorize) and not editor.busy)

    left = Qt.MouseButton.LeftButton
    panel, tools = window.color_panel, window.tools
    width, height = editor.image.size  # type: ignore[union-attr]
    sx, sy = width / 1000, height / 696  # hint positions are chosen on the default photo

    def stroke(points: list[tuple[float, float]], rgb: tuple[int, int, int], size: int) -> None:
        panel.set_color(rgb)
        panel.brush_width.setValue(round(size * sx))
        brush = tools["brush"]
        brush.press(points[0][0] * sx, points[0][1] * sy, left)
        for x, y in points[1:]:
            brush.move(x * sx, y * sy)
        brush.release(points[-1][0] * sx, points[-1][1] * sy)

    def point(x: float, y: float, rgb: tuple[int, int, int]) -> None:
        panel.set_color(rgb)
        panel.point_radius.setValue(round(12 * sx))
        tools["point"].press(x * sx, y * sy, left)
        tools["point"].release(x * sx, y * sy)

    window.select_tool("brush")
    stroke([(380, 60), (520, 40), (660, 110), (720, 150)], SKY, 34)
    stroke([(470, 480), (640, 470), (820, 485), (960, 470)], WATER, 30)
    point(585, 300, BRICK)
    window.select_tool("point")
    point(590, 590, WOOD)  # the last click leaves its suggestions in the Hints panel
    window.split_action.trigger()
    window.canvas.set_split_fraction(0.33)
    _spin(lambda: not editor.busy)
    _spin(lambda: editor.preview_worker.latest_id in sharp_ids or not editor.can_colorize, timeout_s=60)
    app.processEvents()
    size = _save_small_png(window.grab().toImage(), args.out)
    print(f"wrote {args.out} ({size / 1000:.0f} KB)")
    window.document.undo_stack.setClean()  # a script never answers the unsaved-hints question
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
