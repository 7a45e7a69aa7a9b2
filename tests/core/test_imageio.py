"""Image I/O: formats, bit depths, alpha, orientation, metadata, pixel limit, atomic writes."""

from __future__ import annotations

import errno
import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile
from PIL import Image, ImageCms, ImageOps

from colorizer_gui import __version__
from colorizer_gui.core import imageio
from colorizer_gui.core.errors import ImageReadError, ImageTooLargeError, ImageWriteError, UsageError
from colorizer_gui.core.imageio import (
    ImageMetadata,
    SaveOptions,
    atomic_output,
    probe_image_size,
    read_image,
    write_image,
)


def gradient_rgb(h: int = 24, w: int = 40, dtype: type = np.uint8) -> np.ndarray:
    """An asymmetric colour ramp, so flips and channel swaps show."""
    top = np.iinfo(dtype).max
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * top // (w - 1), y * top // (h - 1), (x + y) * top // (w + h - 2)], axis=-1)
    return rgb.astype(dtype)


def srgb_icc() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if imageio.TEMP_MARKER in p.name)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("gray", [False, True])
@pytest.mark.parametrize("fmt", ["png", "tiff"])
def test_lossless_roundtrip_keeps_depth_and_shape(tmp_path: Path, fmt: str, gray: bool, dtype: type) -> None:
    rgb = gradient_rgb(dtype=dtype)
    pixels = rgb[:, :, 1].copy() if gray else rgb
    out = tmp_path / f"out{imageio.OUTPUT_FORMATS[fmt]}"
    write_image(out, pixels)
    loaded = read_image(out)
    assert loaded.bit_depth == (16 if dtype == np.uint16 else 8)
    assert loaded.is_gray is gray
    assert loaded.size == (40, 24)
    np.testing.assert_array_equal(loaded.pixels, pixels)
    assert loaded.metadata.source_format == fmt


@pytest.mark.parametrize("compression", ["none", "zlib", "lzw"])
def test_tiff_compressions_roundtrip_16_bit(tmp_path: Path, compression: str) -> None:
    rgb = gradient_rgb(dtype=np.uint16)
    out = tmp_path / "scan.tif"
    write_image(out, rgb, options=SaveOptions(tiff_compression=compression))
    with tifffile.TiffFile(out) as tif:
        page = tif.pages.first
        expected = {"none": 1, "zlib": 8, "lzw": 5}[compression]
        assert int(page.compression) == expected
        assert page.tags["Software"].value == f"Colorizer {__version__}"
        assert page.tags["ImageDescription"].value == "Colorized by Colorizer"
    np.testing.assert_array_equal(read_image(out).pixels, rgb)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_lossy_formats_are_8_bit_and_close(tmp_path: Path, fmt: str) -> None:
    rgb16 = gradient_rgb(64, 80, np.uint16)
    out = tmp_path / f"x{imageio.OUTPUT_FORMATS[fmt]}"
    write_image(out, rgb16, options=SaveOptions(quality=98))
    loaded = read_image(out)
    assert loaded.bit_depth == 8 and loaded.pixels.dtype == np.uint8
    expected = (rgb16.astype(np.float64) / 257).round()
    assert np.abs(loaded.pixels.astype(np.float64) - expected).mean() < 3.0


def test_bit_depth_option_widens_8_bit_png(tmp_path: Path) -> None:
    rgb = gradient_rgb()
    out = tmp_path / "wide.png"
    write_image(out, rgb, options=SaveOptions(bit_depth=16))
    loaded = read_image(out)
    assert loaded.bit_depth == 16
    np.testing.assert_array_equal(loaded.pixels, rgb.astype(np.uint16) * 257)


def test_bmp_and_real_photo_read_as_rgb(tmp_path: Path, shared_data: Path) -> None:
    photo = sorted((shared_data / "val").glob("*.jpg"))[0]
    loaded = read_image(photo)
    bgr = cv2.imdecode(np.fromfile(photo, np.uint8), cv2.IMREAD_COLOR)
    np.testing.assert_array_equal(loaded.pixels, bgr[:, :, ::-1])
    bmp = tmp_path / "photo.bmp"
    bmp.write_bytes(cv2.imencode(".bmp", bgr)[1].tobytes())
    again = read_image(bmp)
    assert again.metadata.source_format == "bmp"
    np.testing.assert_array_equal(again.pixels, loaded.pixels)
    assert probe_image_size(bmp) == loaded.size


@pytest.mark.parametrize("fmt", ["png", "tiff", "webp"])
def test_alpha_passes_through(tmp_path: Path, fmt: str) -> None:
    rgb = gradient_rgb()
    alpha = np.tile(np.linspace(0, 255, 40, dtype=np.uint8), (24, 1))
    out = tmp_path / f"a{imageio.OUTPUT_FORMATS[fmt]}"
    write_image(out, rgb, alpha=alpha, options=SaveOptions(quality=100))
    loaded = read_image(out)
    assert loaded.alpha is not None
    np.testing.assert_array_equal(loaded.alpha, alpha)
    if fmt != "webp":
        np.testing.assert_array_equal(loaded.pixels, rgb)


def test_16_bit_rgba_png_read(tmp_path: Path) -> None:
    rgb = gradient_rgb(dtype=np.uint16)
    alpha = np.full((24, 40), 40000, np.uint16)
    path = tmp_path / "rgba16.png"
    cv2.imwrite(str(path), np.dstack([rgb[:, :, ::-1], alpha]))
    loaded = read_image(path)
    assert loaded.bit_depth == 16 and loaded.alpha is not None
    np.testing.assert_array_equal(loaded.pixels, rgb)
    np.testing.assert_array_equal(loaded.alpha, alpha)


def test_gray_alpha_png_stays_2d(tmp_path: Path) -> None:
    la = np.dstack([np.full((5, 7), 100, np.uint8), np.full((5, 7), 200, np.uint8)])
    path = tmp_path / "la.png"
    Image.fromarray(la, "LA").save(path)
    loaded = read_image(path)
    assert loaded.pixels.shape == (5, 7) and loaded.is_gray
    assert (loaded.pixels == 100).all() and loaded.alpha is not None and (loaded.alpha == 200).all()


def test_gray_png_colour_key_becomes_alpha(tmp_path: Path) -> None:
    gray = np.arange(6 * 8, dtype=np.uint8).reshape(6, 8)
    path = tmp_path / "key.png"
    Image.fromarray(gray).save(path, transparency=5)  # a tRNS chunk: gray level 5 is transparent
    loaded = read_image(path)
    assert loaded.is_gray and loaded.alpha is not None
    np.testing.assert_array_equal(loaded.pixels, gray)
    np.testing.assert_array_equal(loaded.alpha, np.where(gray == 5, 0, 255))


def test_16_bit_rgb_png_written_and_read_exactly(tmp_path: Path) -> None:
    rgb = gradient_rgb(dtype=np.uint16)
    path = tmp_path / "rgb16.png"
    write_image(path, rgb)
    np.testing.assert_array_equal(cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:, :, ::-1], rgb)  # any reader agrees
    np.testing.assert_array_equal(read_image(path).pixels, rgb)


def test_palette_png_becomes_rgb(tmp_path: Path) -> None:
    index = np.arange(6 * 8, dtype=np.uint8).reshape(6, 8) % 3
    im = Image.fromarray(index, "P")
    im.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (253 * 3))
    path = tmp_path / "palette.png"
    im.save(path)
    loaded = read_image(path)
    assert loaded.pixels.shape == (6, 8, 3)
    np.testing.assert_array_equal(loaded.pixels, np.asarray(im.convert("RGB")))


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path: Path) -> None:
    rgb = np.zeros((16, 16, 3), np.uint8)
    rgb[:, :8] = (200, 30, 30)
    rgb[:, 8:] = (30, 30, 200)
    path = tmp_path / "cmyk.jpg"
    Image.fromarray(rgb).convert("CMYK").save(path, quality=100)
    loaded = read_image(path)
    assert loaded.pixels.shape == (16, 16, 3)
    assert np.abs(loaded.pixels.astype(int) - rgb).max() < 12
    assert any("CMYK" in w for w in loaded.metadata.warnings)


def _oriented_png(path: Path, stored: np.ndarray, orientation: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(stored).save(path, exif=exif)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow(tmp_path: Path, orientation: int) -> None:
    stored = gradient_rgb(12, 20)
    stored[0, 0] = (255, 255, 255)  # a marker corner
    path = tmp_path / f"o{orientation}.png"
    _oriented_png(path, stored, orientation)
    with Image.open(path) as im:
        expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.pixels, expected)
    assert loaded.size == ((20, 12) if orientation <= 4 else (12, 20))


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_jpeg_orientation_applied_and_reset_on_write(tmp_path: Path, orientation: int) -> None:
    stored = np.zeros((30, 50, 3), np.uint8)
    stored[:15, :25] = (250, 250, 250)  # bright top-left quarter in storage
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # Make, must survive
    path = tmp_path / "cam.jpg"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    loaded = read_image(path)
    with Image.open(path) as im:
        expected = np.asarray(ImageOps.exif_transpose(im))
    assert loaded.pixels.shape == expected.shape
    assert np.abs(loaded.pixels.astype(int) - expected).max() <= 2
    out = tmp_path / "cam-out.jpg"
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    with Image.open(out) as im:
        tags = im.getexif()
        assert tags[0x0112] == 1
        assert tags[0x010F] == "TestCam"
        assert tags[0x0131] == f"Colorizer {__version__}"
        assert tags[0x010E] == "Colorized by Colorizer"
        assert im.size == loaded.size


@pytest.mark.parametrize("fmt", ["jpeg", "png", "tiff", "webp"])
def test_icc_profile_and_tags_are_kept(tmp_path: Path, fmt: str) -> None:
    icc = srgb_icc()
    src = tmp_path / "src.jpg"
    exif = Image.Exif()
    exif[0x0110] = "ModelX"
    Image.fromarray(gradient_rgb()).save(src, icc_profile=icc, exif=exif)
    loaded = read_image(src)
    assert loaded.metadata.icc_profile == icc
    out = tmp_path / f"out{imageio.OUTPUT_FORMATS[fmt]}"
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    again = read_image(out)
    assert again.metadata.icc_profile == icc
    if fmt == "tiff":
        with tifffile.TiffFile(out) as tif:
            assert tif.pages.first.tags["Model"].value == "ModelX"
        return
    with Image.open(out) as im:
        tags = im.getexif()
        assert tags[0x0110] == "ModelX" and tags[0x0112] == 1
        assert tags[0x0131] == f"Colorizer {__version__}"
        if fmt == "png":
            assert im.text["Description"] == "Colorized by Colorizer"
            assert im.text["Software"] == f"Colorizer {__version__}"


def test_gray_profile_is_dropped_for_colour_output(tmp_path: Path) -> None:
    gray_icc = bytearray(srgb_icc())
    gray_icc[16:20] = b"GRAY"
    meta = ImageMetadata("jpeg", icc_profile=bytes(gray_icc))
    out = tmp_path / "c.png"
    write_image(out, gradient_rgb(), metadata=meta)
    assert read_image(out).metadata.icc_profile is None


def test_multipage_tiff_uses_first_page_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    first = gradient_rgb(dtype=np.uint16)[:, :, 0]
    with tifffile.TiffWriter(path) as tw:
        tw.write(first, photometric="minisblack")
        tw.write(np.zeros((8, 8), np.uint16), photometric="minisblack")
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.pixels, first)
    assert loaded.bit_depth == 16 and loaded.is_gray
    assert any("multi-page" in w for w in loaded.metadata.warnings)


def test_miniswhite_tiff_is_inverted(tmp_path: Path) -> None:
    path = tmp_path / "mw.tif"
    stored = np.array([[0, 255], [10, 245]], np.uint8)
    tifffile.imwrite(path, stored, photometric="miniswhite")
    np.testing.assert_array_equal(read_image(path).pixels, 255 - stored)


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_pixel_limit_refuses_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_claiming(100_000, 100_000))
    assert probe_image_size(bomb) == (100_000, 100_000)
    with pytest.raises(ImageTooLargeError) as err:
        read_image(bomb)
    assert "100000x100000" in err.value.reason
    small = tmp_path / "small.png"
    write_image(small, gradient_rgb())
    with pytest.raises(ImageTooLargeError):
        read_image(small, max_pixels=100)
    assert read_image(small, max_pixels=40 * 24).size == (40, 24)


def test_tiff_pixel_limit_uses_page_shape(tmp_path: Path) -> None:
    path = tmp_path / "big.tif"
    tifffile.imwrite(path, np.zeros((300, 400), np.uint8))
    with pytest.raises(ImageTooLargeError):
        read_image(path, max_pixels=100_000)
    assert probe_image_size(path) == (400, 300)


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "result.png"
    out.write_bytes(b"previous result")

    def disk_full(fh: io.BufferedWriter, *args: object) -> None:
        fh.write(b"\x89PNG partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(imageio, "_encode_to", disk_full)
    with pytest.raises(ImageWriteError) as err:
        write_image(out, gradient_rgb())
    assert "disk is full" in err.value.reason
    assert out.read_bytes() == b"previous result"
    assert leftovers(tmp_path) == []


def test_atomic_output_renames_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "t.bin"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        assert imageio.is_temp_file(tmp) and tmp.parent == tmp_path
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert not target.exists() and leftovers(tmp_path) == []
    with atomic_output(target) as tmp:
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole" and leftovers(tmp_path) == []


def test_write_into_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ImageWriteError) as err:
        write_image(blocker / "out.png", gradient_rgb())
    assert "folder" in err.value.reason


def test_unicode_path_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "Фото архив 日本"
    folder.mkdir()
    out = folder / "grand-mère 1932.jpg"
    write_image(out, gradient_rgb())
    assert read_image(out).size == (40, 24)


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_image(tmp_path / "x.gif", gradient_rgb())
    with pytest.raises(UsageError):
        write_image(tmp_path / "x.jpg", gradient_rgb(), options=SaveOptions(quality=0))
    with pytest.raises(UsageError):
        write_image(tmp_path / "x.tif", gradient_rgb(), options=SaveOptions(tiff_compression="jpeg"))
    assert list(tmp_path.iterdir()) == []


def test_truncated_png_is_refused(tmp_path: Path) -> None:
    full = tmp_path / "full.png"
    write_image(full, gradient_rgb(64, 64))
    cut = tmp_path / "cut.png"
    cut.write_bytes(full.read_bytes()[:-40])
    with pytest.raises(ImageReadError) as err:
        read_image(cut)
    assert "truncated" in err.value.reason


def test_32_bit_bmp_with_empty_alpha_byte_is_opaque(tmp_path: Path) -> None:
    bgra = np.dstack([gradient_rgb()[:, :, ::-1], np.zeros((24, 40), np.uint8)])
    path = tmp_path / "x.bmp"
    path.write_bytes(cv2.imencode(".bmp", bgra)[1].tobytes())
    loaded = read_image(path)
    assert loaded.alpha is None
    np.testing.assert_array_equal(loaded.pixels, gradient_rgb())
