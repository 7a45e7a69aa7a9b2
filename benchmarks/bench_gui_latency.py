"""Stroke-end to updated-preview latency of the GUI, on this machine's CPU (goal: <= 100 ms).

Run on demand (not part of the test suite)::

    .venv/bin/python benchmarks/bench_gui_latency.py                      # models/colorizer.onnx, else --arch
    .venv/bin/python benchmarks/bench_gui_latency.py --arch               # real architecture, random weights
    .venv/bin/python benchmarks/bench_gui_latency.py --model path/to.onnx --trials 30

The real app is built offscreen (``create_window``) and a historic photo from
../shared/data/historic is opened. Each trial draws a brush stroke with
synthetic mouse events on the canvas; the clock starts just before the mouse
release is delivered and stops when the editor applies the preview of that
stroke (``Editor.previewApplied`` with the newest request id), i.e. the whole
path: release -> undo command -> debounce -> worker (hints spread over the
photo's automatic prediction, which the model made once when the photo opened,
Lab -> sRGB) -> queued signal -> QImage on the canvas. The first preview is the
quick pass (long side ``INTERACTIVE_WORKING_SIZE``) when the model's working
size is larger; the time to the pass at the model's own size is reported too. Between trials the
sharp second pass is allowed to finish, as when a user pauses between strokes.
A 5 ms heartbeat timer measures the longest stall of the GUI event loop.
``--arch`` exports the training Generator with random weights (needs torch):
the same compute cost as the trained model, before it exists.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

PHOTO = REPO.parent / "shared" / "data" / "historic" / "ddcolor_Audrey_Hepburn.jpg"


def _model(args: argparse.Namespace, tmp: Path) -> tuple[Path, str]:
    if args.model is not None:
        return args.model, "given"
    if args.tiny:
        from tests.support.tiny_models import make_tiny_model

        return make_tiny_model(tmp / "tiny.onnx", working_size=384), "tiny test model"
    shipped = REPO / "models" / "colorizer.onnx"
    if shipped.is_file() and shipped.stat().st_size > 1_000_000 and not args.arch:
        return shipped, "models/colorizer.onnx"
    from training.export import export
    from training.model import Generator

    out = tmp / "arch.onnx"
    export(Generator(pretrained=False).eval(), out, version="random-weights", working_size=384)
    return out, "training Generator, random weights"


def _spin_until(predicate, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the preview did not arrive")
        loop = QEventLoop()
        QTimer.singleShot(2, loop.quit)
        loop.exec()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--arch", action="store_true", help="use the real architecture with random weights")
    ap.add_argument("--tiny", action="store_true", help="use the tiny test model (pipeline overhead only)")
    ap.add_argument("--photo", type=Path, default=PHOTO)
    ap.add_argument("--trials", type=int, default=20)
    args = ap.parse_args(argv)

    from PySide6.QtCore import QPointF

    from colorizer_gui.gui.app import create_window
    from colorizer_gui.gui.settings import AppSettings
    from colorizer_gui.gui.workers import INTERACTIVE_WORKING_SIZE
    from tests.gui.events import _send

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    model, model_kind = _model(args, tmp)
    window = create_window(settings=AppSettings.from_file(tmp / "s.ini"), model=model, provider="cpu")
    window.resize(1280, 860)
    window.show()
    editor = window.editor
    if editor.session is None:
        print(json.dumps({"error": editor.model_error}))
        return 1

    first: dict[int, float] = {}
    applied: dict[int, float] = {}
    sharp: list[int] = []

    def on_applied(rid: int, final: bool) -> None:
        first.setdefault(rid, time.perf_counter())
        if final:
            applied[rid] = time.perf_counter()

    editor.previewApplied.connect(on_applied)
    editor.preview_worker.refined.connect(lambda rid, _img: sharp.append(rid))
    gaps: list[float] = []
    beat = QElapsedTimer()
    beat.start()

    def tick() -> None:
        gaps.append(beat.restart())

    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(tick)

    # Opening runs the model once for both preview passes; hint edits reuse its answer, so the model
    # should not run during the trials.
    session = editor.session
    assert session is not None
    model_runs = [0]
    predict_ab = session.predict_ab

    def counted(model_input):  # type: ignore[no-untyped-def]
        model_runs[0] += 1
        return predict_ab(model_input)

    session.predict_ab = counted  # type: ignore[method-assign]
    window.open_path(args.photo)
    _spin_until(lambda: editor.has_result and not editor.busy)
    runs_on_open, model_runs[0] = model_runs[0], 0
    width, height = editor.image.size  # type: ignore[union-attr]
    window.select_tool("brush")
    canvas = window.canvas
    from PySide6.QtCore import QEvent, Qt

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    latencies, finals, worker_s = [], [], []
    heart.start()
    for trial in range(args.trials + 2):  # the first two warm up
        y = height * (0.15 + 0.7 * (trial % 7) / 6)
        points = [canvas.image_to_view(QPointF(width * (0.2 + 0.05 * k), y)) for k in range(8)]
        _send(canvas, QEvent.Type.MouseButtonPress, points[0], left, left)
        for pos in points[1:]:
            _send(canvas, QEvent.Type.MouseMove, pos, none, left)
        start = time.perf_counter()
        _send(canvas, QEvent.Type.MouseButtonRelease, points[-1], left, none)
        _spin_until(lambda: editor.preview_worker.latest_id in applied)
        latest = editor.preview_worker.latest_id
        end, end_final = first[latest], applied[latest]
        _spin_until(lambda latest=latest: latest in sharp or editor.preview_worker.latest_id != latest)
        if trial >= 2:
            latencies.append((end - start) * 1000)
            finals.append((end_final - start) * 1000)
            worker_s.append((editor.last_preview_s or 0) * 1000)
    heart.stop()
    window.document.undo_stack.setClean()  # a script never answers the unsaved-hints question
    window.close()
    latencies.sort()
    finals.sort()
    result = {
        "model": model_kind,
        "photo": args.photo.name,
        "photo_size": [width, height],
        "working_size": editor.session.info.working_size,
        "cpu_count": os.cpu_count(),
        "trials": len(latencies),
        "stroke_end_to_preview_ms": {
            "median": round(statistics.median(latencies), 1),
            "p90": round(latencies[int(0.9 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
        },
        "stroke_end_to_full_working_size_preview_ms": {
            "median": round(statistics.median(finals), 1),
            "p90": round(finals[int(0.9 * (len(finals) - 1))], 1),
        },
        "quick_pass_long_side": INTERACTIVE_WORKING_SIZE,
        "full_pass_worker_ms_median": round(statistics.median(worker_s), 1),
        "model_runs_on_open": runs_on_open,
        "model_runs_during_trials": model_runs[0],
        "model_inference_ms_on_open": round(session.last_inference_s * 1000, 1),
        "event_loop_gap_ms": {
            "p99": sorted(gaps)[int(0.99 * (len(gaps) - 1))] if gaps else None,
            "max": max(gaps) if gaps else None,
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goal_ms": 100,
    }
    print(json.dumps(result, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
