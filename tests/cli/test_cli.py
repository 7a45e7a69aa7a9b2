"""The ``colorizer`` command end to end: exit codes, outputs, report, resume, options."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from colorizer_gui import __version__, cli
from colorizer_gui.core import imageio
from colorizer_gui.core.batch import CancelToken
from colorizer_gui.core.hints import HintPoint, Hints, save_hints, sidecar_path
from colorizer_gui.core.imageio import read_image, write_image

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def photos(tmp_path: Path, shared_data: Path) -> Path:
    """A folder of small real B&W photos (historic set, downscaled) and one synthetic 16-bit scan."""
    folder = tmp_path / "in"
    (folder / "family").mkdir(parents=True)
    for i, src in enumerate(sorted((shared_data / "historic").glob("*.jpg"))[:3]):
        rgb = read_image(src).pixels
        small = cv2.resize(rgb, (64, round(64 * rgb.shape[0] / rgb.shape[1])), interpolation=cv2.INTER_AREA)
        write_image((folder if i < 2 else folder / "family") / src.name, small)
    ramp = np.tile(np.linspace(0, 65535, 48).astype(np.uint16), (32, 1))
    write_image(folder / "family" / "scan.tif", ramp)
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report_rows(out: Path) -> list[dict[str, str]]:
    with (out / "colorizer-report.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_batch_run_writes_mirrored_outputs_and_report(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model)], capsys)
    assert code == 0, err
    sources = sorted(p.relative_to(photos) for p in photos.rglob("*") if p.is_file())
    for rel in sources:
        colour = read_image(out / rel)
        assert colour.pixels.ndim == 3 and colour.size == read_image(photos / rel).size
    assert read_image(out / "family" / "scan.tif").bit_depth == 16
    rows = report_rows(out)
    assert len(rows) == 4 and {r["status"] for r in rows} == {"ok"}
    assert "ok 4, skipped 0, failed 0" in err and "Traceback" not in err
    assert "4/4" in err  # the progress bar's last line (no TTY: plain lines)


def test_rerun_skips_and_overwrite_redoes(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = [str(photos), "-o", str(out), "--model", str(tiny_model)]
    assert run(argv, capsys)[0] == 0
    code, _, err = run(argv, capsys)
    assert code == 0 and "ok 0, skipped 4" in err
    assert {r["status"] for r in report_rows(out)} == {"skipped"}
    code, _, err = run([*argv, "--overwrite"], capsys)
    assert code == 0 and "ok 4, skipped 0" in err


def test_failed_file_gives_exit_1_and_one_line(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (photos / "broken.jpg").write_text("this is not a JPEG")
    out = tmp_path / "out"
    code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model)], capsys)
    assert code == 1
    failed_lines = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == 1 and "broken.jpg" in failed_lines[0] and "not a JPEG" in failed_lines[0]
    assert not (out / "broken.jpg").exists()
    assert [r["status"] for r in report_rows(out)].count("ok") == 4


def test_dry_run_writes_nothing(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model), "--dry-run"], capsys)
    assert code == 0 and "would write 4" in err
    assert not out.exists()


def test_format_and_bit_depth_options(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = [str(photos), "-o", str(out), "--model", str(tiny_model), "--format", "tiff", "--bit-depth", "16"]
    code, _, err = run([*argv, "--compression", "lzw", "--quiet"], capsys)
    assert code == 0 and err == ""  # --quiet: nothing unless something fails
    tifs = sorted(out.rglob("*.tif"))
    assert len(tifs) == 4 and all(read_image(p).bit_depth == 16 for p in tifs)
    code, _, _ = run([str(photos), "-o", str(tmp_path / "j"), "--model", str(tiny_model), "--format", "jpeg"], capsys)
    assert code == 0 and read_image(tmp_path / "j" / "family" / "scan.jpg").bit_depth == 8
    code, _, err = run([*argv[:-2], "--format", "jpeg", "--bit-depth", "16"], capsys)
    assert code == 2 and "8-bit only" in err


def test_hints_file_for_single_input(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = next(photos.glob("*.jpg"))
    w, h = read_image(photo).size
    hints = tmp_path / "green.json"
    save_hints(hints, Hints(image_size=(w, h), points=(HintPoint(w / 2, h / 2, 2.0 * max(w, h), (40, 180, 60)),)))
    out = tmp_path / "out"
    code, _, err = run([str(photo), "-o", str(out), "--model", str(tiny_model), "--hints", str(hints)], capsys)
    assert code == 0, err
    rgb = read_image(out / photo.name).pixels.astype(int)
    mid = rgb[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4]
    assert (mid[..., 1] > mid[..., 0]).mean() > 0.9  # green hint, not the tiny model's warm base colour
    code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model), "--hints", str(hints)], capsys)
    assert code == 2 and "exactly one input" in err


def test_strength_scales_the_colour_of_every_output(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--strength 50%`` halves the automatic chroma and ``0`` leaves each photo's gray, at full size."""
    chroma = {}
    for strength in ("1", "50%", "0"):
        out = tmp_path / f"out-{strength.rstrip('%')}"
        code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model), "--strength", strength], capsys)
        assert code == 0, err
        chroma[strength] = np.concatenate(
            [_lab_chroma(read_image(out / p.relative_to(photos)).pixels) for p in sorted(photos.rglob("*.jpg"))]
        )
    assert chroma["1"].mean() > 10
    assert chroma["50%"].mean() == pytest.approx(chroma["1"].mean() / 2, rel=0.1)
    assert chroma["0"].max() < 1.0


def test_a_sidecar_strength_wins_over_the_flag_for_its_photo(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A photo tuned in the GUI keeps its strength in a batch; the others follow ``--strength``."""
    tuned, *others = sorted(photos.rglob("*.jpg"))
    save_hints(sidecar_path(tuned), Hints(image_size=read_image(tuned).size, strength=0.0))
    out = tmp_path / "out"
    code, _, err = run([str(photos), "-o", str(out), "--model", str(tiny_model), "--strength", "150%"], capsys)
    assert code == 0, err
    assert _lab_chroma(read_image(out / tuned.relative_to(photos)).pixels).max() < 1.0
    assert all(_lab_chroma(read_image(out / p.relative_to(photos)).pixels).mean() > 10 for p in others)


def _lab_chroma(rgb: np.ndarray) -> np.ndarray:
    """Lab chroma (hypot of a and b) of every pixel of an 8-bit RGB image."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    return np.hypot(lab[..., 1], lab[..., 2]).ravel()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "no inputs"),
        (["{tmp}/missing", "-o", "{tmp}/o"], "does not exist"),
        (["{tmp}/empty", "-o", "{tmp}/o"], "no images found"),
        (["{photos}"], "no output folder"),
        (["{photos}", "-o", "{tmp}/o", "--model", "{tmp}/none.onnx"], "model file does not exist"),
        (["{photos}", "-o", "{tmp}/o", "--format", "gif"], "invalid choice"),
        (["{photos}", "-o", "{photos}/colour"], "inside the input folder"),
        (["{photos}", "-o", "{tmp}/o", "--jobs", "0"], "at least 1"),
        (["{photos}", "-o", "{tmp}/o", "--strength", "250%"], "must be 0..2"),
        (["{photos}", "-o", "{tmp}/o", "--strength", "vivid"], "such as 0.8 or 80%"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path,
    photos: Path,
    tiny_model: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    words: str,
) -> None:
    (tmp_path / "empty").mkdir()
    filled = [a.format(tmp=tmp_path, photos=photos) for a in argv]
    if "--model" not in filled:
        filled += ["--model", str(tiny_model)] if filled else []
    code, out, err = run(filled, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("colorizer: error:") and words in lines[0], err
    assert "Traceback" not in err + out


def test_version_does_not_load_onnxruntime(tiny_model: Path) -> None:
    code = (
        "import sys; from colorizer_gui import cli; rc = cli.main(['--version', '--model', sys.argv[1]]); "
        "print('ORT_LOADED' if 'onnxruntime' in sys.modules else 'ORT_NOT_LOADED'); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tiny_model)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"colorizer {__version__}" in done.stdout
    assert "model: tiny-test-1" in done.stdout
    assert "ORT_NOT_LOADED" in done.stdout


def test_list_providers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--list-providers"], capsys)
    assert code == 0 and out.split()[-1] == "cpu"


def test_batch_word_is_accepted(
    tmp_path: Path, photos: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(["batch", str(photos), "-o", str(tmp_path / "o"), "--model", str(tiny_model)], capsys)
    assert code == 0 and len(report_rows(tmp_path / "o")) == 4


def _many(tmp_path: Path, n: int = 10) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        write_image(folder / f"{i:02d}.png", np.tile(np.linspace(20, 230, 40).astype(np.uint8), (30 + i, 1)))
    return folder


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_cancels_cleanly(
    tmp_path: Path,
    tiny_model: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    presses: int,
) -> None:
    folder = _many(tmp_path)
    original = cli.TextProgress.__call__

    def press_ctrl_c(self: cli.TextProgress, progress: object) -> None:
        original(self, progress)  # type: ignore[arg-type]
        if getattr(progress, "ok", 0) == 1 and not getattr(self, "_pressed", False):
            self._pressed = True  # type: ignore[attr-defined]
            for _ in range(presses):
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(cli.TextProgress, "__call__", press_ctrl_c)
    out = tmp_path / "out"
    code, _, err = run([str(folder), "-o", str(out), "--model", str(tiny_model), "--jobs", "1"], capsys)
    assert code == 130
    assert ("cancelled:" in err) if presses == 1 else ("aborted" in err)
    assert "Traceback" not in err
    written = list(out.glob("*.png")) if out.exists() else []
    assert 1 <= len(written) < 10
    for path in written:  # whatever exists is complete
        assert read_image(path).size == read_image(folder / path.name).size
    assert not [p for p in out.iterdir() if imageio.is_temp_file(p)]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_interrupt_handler_cancels_then_aborts() -> None:
    import io

    token = CancelToken()
    handler = cli._Interrupts(token, io.StringIO())
    handler._handle(signal.SIGINT, None)
    assert token.cancelled
    with pytest.raises(KeyboardInterrupt):
        handler._handle(signal.SIGINT, None)
