"""Bad input: each file gets a one-line reason, the batch goes on, nothing is written for it,
and the original stays byte-identical. Some cases must simply work (1-pixel-wide, CMYK, palette)."""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer_gui.core import imageio
from colorizer_gui.core.batch import BatchOptions, BatchReport, FileResult, FileStatus, run_batch
from colorizer_gui.core.imageio import read_image, write_image
from colorizer_gui.core.session import ColorizerSession


@pytest.fixture()
def session(tiny_model: Path) -> ColorizerSession:
    return ColorizerSession(tiny_model, provider="cpu", threads=1)


@pytest.fixture()
def photo(shared_data: Path) -> np.ndarray:
    """A real gray photo, downscaled."""
    first = sorted((shared_data / "val").glob("*.jpg"))[0]
    rgb = read_image(first).pixels
    small = cv2.resize(rgb, (80, round(80 * rgb.shape[0] / rgb.shape[1])), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)


def jpeg_bytes(pixels: np.ndarray, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_with(
    tmp_path: Path, session: ColorizerSession, photo: np.ndarray, name: str, content: bytes
) -> tuple[FileResult, BatchReport, Path]:
    """Run a folder holding one good photo and the bad file; return the bad file's result."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    write_image(folder / "good.png", photo)
    bad = folder / name
    bad.write_bytes(content)
    before = sha(bad)
    out = tmp_path / "out"
    report = run_batch(session, [folder], BatchOptions(output_dir=out))
    by_name = {r.source.name: r for r in report.results}
    assert by_name["good.png"].status is FileStatus.OK, "one bad file must not stop the batch"
    assert (out / "good.png").is_file()
    assert sha(bad) == before, "the original must stay byte-identical"
    assert not [p for p in out.rglob("*") if imageio.is_temp_file(p)]
    return by_name[name], report, out


def assert_failed(result: FileResult, out: Path, *words: str) -> None:
    assert result.status is FileStatus.FAILED
    assert result.output is None
    assert "\n" not in result.reason and result.reason
    for word in words:
        assert word in result.reason.lower(), result.reason
    assert not (out / result.source.name).exists()
    assert not list(out.glob(Path(result.source.name).stem + ".*"))


def test_zero_byte_file(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    result, _, out = run_with(tmp_path, session, photo, "empty.jpg", b"")
    assert_failed(result, out, "empty")


def test_truncated_jpeg(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    data = jpeg_bytes(photo)
    result, _, out = run_with(tmp_path, session, photo, "cut.jpg", data[: len(data) * 2 // 3])
    assert_failed(result, out, "truncated")


def test_text_file_named_jpg(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    result, _, out = run_with(tmp_path, session, photo, "notes.jpg", b"Just some notes, not a photo.\n")
    assert_failed(result, out, "not a jpeg")


@pytest.mark.parametrize("kind", ["gif", "pdf"])
def test_unsupported_format(tmp_path: Path, session: ColorizerSession, photo: np.ndarray, kind: str) -> None:
    if kind == "gif":
        buf = io.BytesIO()
        Image.fromarray(photo).save(buf, "GIF")
        content = buf.getvalue()
    else:
        content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    result, _, out = run_with(tmp_path, session, photo, f"scan.{kind}", content)
    assert_failed(result, out, kind, "not supported")


def test_one_pixel_wide_image_works(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    column = np.ascontiguousarray(photo[:, 40:41])
    buf = cv2.imencode(".png", column)[1].tobytes()
    result, _, out = run_with(tmp_path, session, photo, "line.png", buf)
    assert result.status is FileStatus.OK, result.reason
    colour = read_image(out / "line.png")
    assert colour.size == (1, photo.shape[0]) and colour.pixels.shape == (photo.shape[0], 1, 3)


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 99)) + chunk(b"IEND", b"")


def _jpeg_claiming(photo: np.ndarray, width: int, height: int) -> bytes:
    data = bytearray(jpeg_bytes(photo))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_header_claiming_100000_squared_is_refused_before_decoding(
    tmp_path: Path, session: ColorizerSession, photo: np.ndarray, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_decode = imageio._decode_pixels
    decoded_sizes: list[int] = []

    def watching_decode(fmt: str, data: bytes) -> np.ndarray:
        decoded_sizes.append(len(data))
        return real_decode(fmt, data)

    monkeypatch.setattr(imageio, "_decode_pixels", watching_decode)
    content = _png_claiming(100_000, 100_000) if kind == "png" else _jpeg_claiming(photo, 65_000, 65_000)
    result, _, out = run_with(tmp_path, session, photo, f"bomb.{kind}", content)
    assert_failed(result, out, "megapixels", "limit")
    assert len(decoded_sizes) == 1  # only good.png reached the decoder


def test_cmyk_jpeg_is_converted(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    cmyk = Image.fromarray(photo).convert("RGB").convert("CMYK")
    buf = io.BytesIO()
    cmyk.save(buf, "JPEG")
    result, _, out = run_with(tmp_path, session, photo, "print.jpg", buf.getvalue())
    assert result.status is FileStatus.OK, result.reason
    assert "CMYK" in result.reason  # the warning travels into the report
    assert read_image(out / "print.jpg").pixels.shape == (*photo.shape, 3)


def test_palette_png_works(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    buf = io.BytesIO()
    Image.fromarray(photo).convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(buf, "PNG")
    result, _, out = run_with(tmp_path, session, photo, "pal.png", buf.getvalue())
    assert result.status is FileStatus.OK, result.reason
    assert read_image(out / "pal.png").pixels.shape == (*photo.shape, 3)


def _refusing_open(target_name: str) -> Callable[..., object]:
    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)).name == target_name:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)  # type: ignore[call-overload]

    return fake_open


def test_unreadable_file(
    tmp_path: Path, session: ColorizerSession, photo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod 000 does not stop reading: emulate it at the reader's open().
    monkeypatch.setattr(imageio, "open", _refusing_open("locked.jpg"), raising=False)
    result, _, out = run_with(tmp_path, session, photo, "locked.jpg", jpeg_bytes(photo))
    assert_failed(result, out, "permission denied")


def test_output_folder_under_a_regular_file(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / "a.png"
    write_image(src, photo)
    before = sha(src)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output folder should be")
    report = run_batch(session, [folder], BatchOptions(output_dir=blocker / "out"))
    (result,) = report.results
    assert result.status is FileStatus.FAILED and "output folder" in result.reason
    assert report.report_path is None and sha(src) == before


def test_output_folder_without_write_permission(
    tmp_path: Path, session: ColorizerSession, photo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_os_open = os.open

    def no_create(path: object, flags: int, mode: int = 0o777) -> int:
        if Path(str(path)).parent == out and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_os_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(imageio.os, "open", no_create)
    folder = tmp_path / "in"
    folder.mkdir()
    write_image(folder / "a.png", photo)
    report = run_batch(session, [folder], BatchOptions(output_dir=out))
    (result,) = report.results
    assert result.status is FileStatus.FAILED and "permission denied" in result.reason
    assert list(out.iterdir()) == []


def test_disk_full_while_writing(
    tmp_path: Path, session: ColorizerSession, photo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_encode = imageio._encode_to

    def full_for_victim(fh: io.BufferedWriter, fmt: str, pixels: np.ndarray, *rest: object) -> None:
        if pixels.shape[1] == 33:  # only the victim image is 33 pixels wide
            fh.write(b"\x89PNG\r\n\x1a\n partial data")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_encode(fh, fmt, pixels, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(imageio, "_encode_to", full_for_victim)
    victim = cv2.imencode(".png", np.ascontiguousarray(photo[:, :33]))[1].tobytes()
    result, _, out = run_with(tmp_path, session, photo, "victim.png", victim)
    assert_failed(result, out, "disk is full")
    assert sorted(p.name for p in out.iterdir()) == ["colorizer-report.csv", "good.png"]


def test_unicode_and_spaces_in_paths(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    folder = tmp_path / "Archiv Großmutter" / "фото 1930"
    folder.mkdir(parents=True)
    src = folder / "été à Paris 写真.jpg"
    src.write_bytes(jpeg_bytes(photo))
    out = tmp_path / "Ausgabe mit Leerzeichen"
    report = run_batch(session, [tmp_path / "Archiv Großmutter"], BatchOptions(output_dir=out))
    assert report.ok == 1, report.results
    result = out / "фото 1930" / "été à Paris 写真.jpg"
    assert read_image(result).pixels.shape == (*photo.shape, 3)


def test_symlink_loop_in_input_tree(tmp_path: Path, session: ColorizerSession, photo: np.ndarray) -> None:
    folder = tmp_path / "in"
    (folder / "a" / "b").mkdir(parents=True)
    write_image(folder / "a" / "b" / "p.png", photo)
    (folder / "a" / "b" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "ring1").symlink_to(folder / "ring2")
    (folder / "ring2").symlink_to(folder / "ring1")
    report = run_batch(session, [folder], BatchOptions(output_dir=tmp_path / "out"))
    assert report.ok == 1 and report.failed == 0
    assert (tmp_path / "out" / "a" / "b" / "p.png").is_file()
