"""Batch planning and running with the tiny model on real (downscaled) photos."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from colorizer_gui.core import color, imageio
from colorizer_gui.core.batch import (
    BatchItem,
    BatchOptions,
    CancelToken,
    FileStatus,
    Progress,
    plan_batch,
    run_batch,
)
from colorizer_gui.core.errors import UsageError
from colorizer_gui.core.hints import HintPoint, Hints, save_hints, sidecar_path
from colorizer_gui.core.imageio import SaveOptions, read_image, write_image
from colorizer_gui.core.session import ColorizerSession


def small_photo(shared_data: Path, index: int, long_side: int = 96) -> np.ndarray:
    """A real val photo, downscaled so the test stays quick, as RGB uint8."""
    photos = sorted((shared_data / "val").glob("*.jpg"))
    rgb = read_image(photos[index % len(photos)]).pixels
    h, w = rgb.shape[:2]
    scale = long_side / max(h, w)
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def gray_of(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


@pytest.fixture()
def session(tiny_model: Path) -> ColorizerSession:
    return ColorizerSession(tiny_model, provider="cpu", threads=1)


@pytest.fixture()
def archive(tmp_path: Path, shared_data: Path) -> Path:
    """scans/{a.jpg, b.png, sub/c.jpg, sub/deeper/d.tif(16 bit)} made from real photos."""
    root = tmp_path / "scans"
    (root / "sub" / "deeper").mkdir(parents=True)
    write_image(root / "a.jpg", gray_of(small_photo(shared_data, 0)))
    write_image(root / "b.png", gray_of(small_photo(shared_data, 1)))
    write_image(root / "sub" / "c.jpg", small_photo(shared_data, 2))
    deep = gray_of(small_photo(shared_data, 3)).astype(np.uint16) * 257
    write_image(root / "sub" / "deeper" / "d.tif", deep)
    (root / "notes.txt").write_text("not an image, ignored by the walk")
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mean_ab(rgb: np.ndarray) -> tuple[float, float]:
    """Mean Lab chroma over mid-tone pixels (where the gamut does not clip)."""
    lab = color.srgb_to_lab(color.to_unit_float(rgb))
    mid = (lab[..., 0] > 30) & (lab[..., 0] < 70)
    return float(lab[..., 1][mid].mean()), float(lab[..., 2][mid].mean())


def test_plan_mirrors_tree_and_changes_suffix(tmp_path: Path, archive: Path) -> None:
    out = tmp_path / "out"
    items = plan_batch([archive], BatchOptions(output_dir=out))
    rel = sorted(str(i.output.relative_to(out)) for i in items)
    assert rel == ["a.jpg", "b.png", os.path.join("sub", "c.jpg"), os.path.join("sub", "deeper", "d.tif")]
    as_png = plan_batch([archive], BatchOptions(output_dir=out, output_format="png"))
    assert sorted(i.output.name for i in as_png) == ["a.png", "b.png", "c.png", "d.png"]
    single = plan_batch([archive / "sub" / "c.jpg"], BatchOptions(output_dir=out, output_format="tiff"))
    assert single == [BatchItem(archive / "sub" / "c.jpg", out / "c.tif")]


def test_plan_keeps_colliding_outputs_apart(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("x.jpg", "x.png"):
        write_image(folder / name, np.full((4, 4), 128, np.uint8))
    items = plan_batch([folder], BatchOptions(output_dir=tmp_path / "out", output_format="jpeg"))
    assert sorted(i.output.name for i in items) == ["x.jpg", "x.png.jpg"]


def test_output_inside_input_is_refused_unless_allowed(tmp_path: Path, archive: Path) -> None:
    with pytest.raises(UsageError):
        plan_batch([archive], BatchOptions(output_dir=archive / "colour"))
    items = plan_batch([archive], BatchOptions(output_dir=archive / "colour", allow_output_in_input=True))
    assert len(items) == 4
    (archive / "colour").mkdir()
    write_image(archive / "colour" / "a.jpg", np.zeros((4, 4, 3), np.uint8))
    again = plan_batch([archive], BatchOptions(output_dir=archive / "colour", allow_output_in_input=True))
    assert all("colour" not in i.source.parts for i in again)


def test_plan_survives_symlink_loop(tmp_path: Path, archive: Path) -> None:
    (archive / "sub" / "loop").symlink_to(archive, target_is_directory=True)
    (archive / "self").symlink_to(archive / "self")  # a link to itself
    items = plan_batch([archive], BatchOptions(output_dir=tmp_path / "out"))
    assert len({i.source.resolve() for i in items}) == len(items)
    assert {i.source.name for i in items} >= {"a.jpg", "b.png", "c.jpg", "d.tif"}


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        plan_batch([tmp_path / "nope"], BatchOptions(output_dir=tmp_path / "out"))


def test_run_colorizes_every_file_with_model_colour(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    before = {p: digest(p) for p in archive.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    seen: list[Progress] = []
    report = run_batch(session, [archive], BatchOptions(output_dir=out), progress=seen.append)
    assert (report.ok, report.skipped, report.failed) == (4, 0, 0)
    for result in report.results:
        assert result.output is not None and result.output.is_file()
        colour = read_image(result.output)
        source = read_image(result.source)
        assert colour.size == source.size and colour.pixels.ndim == 3
        a, b = mean_ab(colour.pixels)
        assert abs(a - 20.0) < 4 and abs(b - 30.0) < 4  # the tiny model's constant colour
    deep = read_image(out / "sub" / "deeper" / "d.tif")
    assert deep.bit_depth == 16
    assert {p: digest(p) for p in archive.rglob("*") if p.is_file()} == before
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == 4 and seen[-1].ok == 4
    rows = list(csv.DictReader(report.report_path.open(encoding="utf-8")))  # type: ignore[union-attr]
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert not [p for p in out.rglob("*") if imageio.is_temp_file(p)]


def test_rerun_skips_and_overwrite_redoes(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    out = tmp_path / "out"
    run_batch(session, [archive], BatchOptions(output_dir=out))
    (out / "b.png").unlink()
    again = run_batch(session, [archive], BatchOptions(output_dir=out))
    assert (again.ok, again.skipped) == (1, 3)
    assert (out / "b.png").is_file()
    redo = run_batch(session, [archive], BatchOptions(output_dir=out, overwrite=True))
    assert redo.ok == 4


def test_16_bit_input_as_jpeg_is_8_bit(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    src = archive / "sub" / "deeper" / "d.tif"
    report = run_batch(session, [src], BatchOptions(output_dir=tmp_path / "o", output_format="jpeg"))
    assert report.ok == 1
    out = read_image(tmp_path / "o" / "d.jpg")
    assert out.bit_depth == 8 and out.metadata.source_format == "jpeg"
    wide = run_batch(
        session, [archive / "a.jpg"], BatchOptions(output_dir=tmp_path / "w", save=SaveOptions(bit_depth=16))
    )
    assert wide.ok == 1 and read_image(tmp_path / "w" / "a.jpg").bit_depth == 8  # JPEG cannot hold 16


def test_sidecar_and_hints_file_colour_the_photo(tmp_path: Path, shared_data: Path, session: ColorizerSession) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    photo = folder / "p.png"
    gray = gray_of(small_photo(shared_data, 4))
    write_image(photo, gray)
    h, w = gray.shape
    blue = Hints(image_size=(w, h), points=(HintPoint(x=w / 2, y=h / 2, radius=4 * max(w, h), rgb=(40, 60, 200)),))
    save_hints(sidecar_path(photo), blue)
    report = run_batch(session, [folder], BatchOptions(output_dir=tmp_path / "out"))
    assert report.ok == 1
    blue_ab = mean_ab(np.full((1, 1, 3), (40, 60, 200), np.uint8))
    a, b = mean_ab(read_image(tmp_path / "out" / "p.png").pixels)
    assert b < 0 and abs(b - blue_ab[1]) < abs(b - 30.0)  # blue hint, not the model's base colour

    red = Hints(image_size=(w, h), points=(HintPoint(x=w / 2, y=h / 2, radius=4 * max(w, h), rgb=(200, 40, 40)),))
    red_file = tmp_path / "red.json"
    save_hints(red_file, red)
    opts = BatchOptions(output_dir=tmp_path / "out2", hints_file=red_file)
    assert run_batch(session, [photo], opts).ok == 1
    a, b = mean_ab(read_image(tmp_path / "out2" / "p.png").pixels)
    assert a > 30  # red
    with pytest.raises(UsageError):
        run_batch(session, [photo, photo.with_name("q.png")], opts)


def test_overwrite_keeps_the_hints_the_window_saved_next_to_the_output(
    tmp_path: Path, shared_data: Path, session: ColorizerSession
) -> None:
    """The GUI writes out/p.png and out/p.png.hints.json; a later --overwrite batch of the originals redoes
    p.png with those hints (and their strength), not without them."""
    photo = tmp_path / "in" / "p.png"
    photo.parent.mkdir()
    gray = gray_of(small_photo(shared_data, 4))
    write_image(photo, gray)
    h, w = gray.shape
    out = tmp_path / "out"
    out.mkdir()
    write_image(out / "p.png", np.stack([gray] * 3, axis=-1))  # what the window saved
    green = HintPoint(x=w / 2, y=h / 2, radius=4 * max(w, h), rgb=(40, 180, 60))
    save_hints(sidecar_path(out / "p.png"), Hints(image_size=(w, h), points=(green,), strength=0.5))
    assert run_batch(session, [photo.parent], BatchOptions(output_dir=out, overwrite=True)).ok == 1
    a, _ = mean_ab(read_image(out / "p.png").pixels)
    assert a < -20  # green, from the sidecar next to the output
    assert not sidecar_path(photo).exists()  # nothing was written beside the original


def test_bad_sidecar_fails_that_file_only(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    sidecar_path(archive / "a.jpg").write_text("{not json")
    report = run_batch(session, [archive], BatchOptions(output_dir=tmp_path / "out"))
    failed = [r for r in report.results if r.status is FileStatus.FAILED]
    assert [r.source.name for r in failed] == ["a.jpg"] and "JSON" in failed[0].reason
    assert report.ok == 3 and not (tmp_path / "out" / "a.jpg").exists()


def test_cancel_stops_soon_and_leaves_no_partial_files(
    tmp_path: Path, shared_data: Path, session: ColorizerSession
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        write_image(folder / f"{i:02d}.png", gray_of(small_photo(shared_data, i, 64)))
    token = CancelToken()

    def stop_after_first(p: Progress) -> None:
        if p.ok >= 1:
            token.cancel()

    out = tmp_path / "out"
    report = run_batch(session, [folder], BatchOptions(output_dir=out, jobs=2), progress=stop_after_first, cancel=token)
    assert report.cancelled and len(report.results) == 12
    assert 1 <= report.ok < 12
    assert all(r.reason == "cancelled" for r in report.results if r.status is FileStatus.SKIPPED)
    written = sorted(p.name for p in out.glob("*.png"))
    assert written == sorted(r.output.name for r in report.results if r.status is FileStatus.OK)  # type: ignore[union-attr]
    for name in written:
        assert read_image(out / name).size == read_image(folder / name).size  # complete, decodable files
    assert not [p for p in out.iterdir() if imageio.is_temp_file(p)]
    resumed = run_batch(session, [folder], BatchOptions(output_dir=out))
    assert resumed.ok == 12 - report.ok and resumed.skipped == report.ok


def test_stale_temp_files_are_cleaned(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".b.png{imageio.TEMP_MARKER}dead"
    stale.write_bytes(b"left by a killed run")
    report = run_batch(session, [archive / "b.png"], BatchOptions(output_dir=out))
    assert report.ok == 1 and not stale.exists()


def test_dry_run_writes_nothing(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    out = tmp_path / "out"
    report = run_batch(session, [archive], BatchOptions(output_dir=out, dry_run=True))
    assert report.ok == 4 and report.report_path is None
    assert not out.exists()


def test_a_dry_run_checks_sidecars_and_says_what_they_hold(
    tmp_path: Path, archive: Path, session: ColorizerSession
) -> None:
    size = read_image(archive / "a.jpg").size
    tuned = Hints(image_size=size, points=(HintPoint(5, 5, 3, (9, 9, 9)),), strength=0.6)
    save_hints(sidecar_path(archive / "a.jpg"), tuned)
    sidecar_path(archive / "b.png").write_text("{not json")
    report = run_batch(session, [archive], BatchOptions(output_dir=tmp_path / "out", dry_run=True))
    by_name = {r.source.name: r for r in report.results}
    assert by_name["a.jpg"].reason == "dry run: would be written (1 hint, its own colour strength 60 %)"
    assert by_name["b.png"].status is FileStatus.FAILED and "not valid JSON" in by_name["b.png"].reason
    assert by_name["c.jpg"].reason == "dry run: would be written"
    assert not (tmp_path / "out").exists()


def test_parallel_jobs_give_identical_outputs(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    run_batch(session, [archive], BatchOptions(output_dir=tmp_path / "j1", jobs=1, output_format="png"))
    run_batch(session, [archive], BatchOptions(output_dir=tmp_path / "j3", jobs=3, output_format="png"))
    for one in (tmp_path / "j1").rglob("*.png"):
        three = tmp_path / "j3" / one.relative_to(tmp_path / "j1")
        np.testing.assert_array_equal(read_image(one).pixels, read_image(three).pixels)


def test_alpha_survives_the_batch(tmp_path: Path, session: ColorizerSession) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    gray = np.tile(np.linspace(40, 200, 48).astype(np.uint8), (32, 1))
    alpha = np.tile(np.linspace(0, 255, 32).astype(np.uint8)[:, None], (1, 48))
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    write_image(folder / "logo.png", rgb, alpha=alpha)
    assert run_batch(session, [folder], BatchOptions(output_dir=tmp_path / "out")).ok == 1
    out = read_image(tmp_path / "out" / "logo.png")
    assert out.alpha is not None
    np.testing.assert_array_equal(out.alpha, alpha)


def test_kill_9_mid_write_leaves_no_partial_output(tmp_path: Path, archive: Path, session: ColorizerSession) -> None:
    """A writer killed with SIGKILL leaves only a recognisable temp file, which the next run removes."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "b.png"
    script = (
        "import sys, time, numpy as np\n"
        "from pathlib import Path\n"
        "from colorizer_gui.core import imageio\n"
        "def stuck(fh, *args):\n"
        "    fh.write(b'\\x89PNG half of an image'); fh.flush()\n"
        "    print('WRITING', flush=True); time.sleep(120)\n"
        "imageio._encode_to = stuck\n"
        "imageio.write_image(Path(sys.argv[1]), np.zeros((64, 64, 3), np.uint8))\n"
    )
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "WRITING"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not target.exists()
    temps = [p for p in out.iterdir() if imageio.is_temp_file(p)]
    assert len(temps) == 1 and temps[0].name.startswith(".b.png")
    report = run_batch(session, [archive / "b.png"], BatchOptions(output_dir=out))
    assert report.ok == 1 and read_image(target).pixels.ndim == 3
    assert not [p for p in out.iterdir() if imageio.is_temp_file(p)]
