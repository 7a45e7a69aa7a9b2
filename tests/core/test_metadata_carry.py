"""Resolution, XMP, IPTC and the EXIF sub-IFD travel from every input format into every output format.

Sources are written by Pillow or tifffile (never by the code under test) and
outputs are checked with those independent readers.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image, PngImagePlugin, TiffImagePlugin

from colorizer_gui.core import imageio
from colorizer_gui.core.imageio import ImageMetadata, SaveOptions, read_image, write_image

W, H = 32, 24
XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Harbour at dawn, 1931 \xc3\xa9t\xc3\xa9</rdf:li>'
    b"</rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)
DATE_ORIGINAL = "1931:05:06 07:08:09"
IPTC = b"\x1c\x02\x00\x00\x02\x00\x04\x1c\x02\x78\x00\x0dHarbour, 1931"
EXIF_CODES = {"none": 1, "inch": 2, "cm": 3}
SOURCES = ["jpeg", "png", "tiff8", "tiff16", "webp"]
OUTPUTS = ["jpeg", "png", "tiff", "webp"]
# (x, y, unit) as the source states it: square, unequal axes (catches swaps), centimetres
RESOLUTIONS = [(600.0, 600.0, "inch"), (300.0, 150.0, "inch"), (236.22, 118.11, "cm")]


def pixels(dtype: type = np.uint8) -> np.ndarray:
    top = np.iinfo(dtype).max
    y, x = np.mgrid[0:H, 0:W]
    return np.stack([x * top // (W - 1), y * top // (H - 1), (x + y) * top // (W + H - 2)], axis=-1).astype(dtype)


def to_dpi(x: float, y: float, unit: str) -> tuple[float, float]:
    factor = 2.54 if unit == "cm" else 1.0
    return x * factor, y * factor


def exif_with(x: float, y: float, unit: str, **extra: object) -> Image.Exif:
    exif = Image.Exif()
    exif[0x011A], exif[0x011B], exif[0x0128] = x, y, EXIF_CODES[unit]
    for code, value in extra.items():
        exif[int(code.lstrip("t"))] = value
    return exif


def jfif_unit(data: bytes, unit: int, x: int, y: int) -> bytes:
    """Rewrite the JFIF density Pillow wrote (APP0 right after SOI)."""
    assert data[6:11] == b"JFIF\x00"
    return data[:13] + bytes([unit]) + struct.pack(">HH", x, y) + data[18:]


def write_source(path: Path, kind: str, x: float, y: float, unit: str, xmp: bytes | None = XMP) -> None:
    """A scan with a known resolution and XMP packet, written by Pillow or tifffile."""
    rgb = pixels(np.uint16 if kind == "tiff16" else np.uint8)
    if kind == "jpeg":
        buf = io.BytesIO()
        kwargs: dict[str, object] = {"quality": 95, "exif": exif_with(x, y, unit)}
        if xmp:
            kwargs["xmp"] = xmp
        Image.fromarray(rgb).save(buf, "JPEG", **kwargs)
        data = buf.getvalue()
        if unit != "none":  # JFIF in the source's own unit, as a scanner would write it
            data = jfif_unit(data, 1 if unit == "inch" else 2, round(x), round(y))
        path.write_bytes(data)
    elif kind == "png":
        info = PngImagePlugin.PngInfo()
        if xmp:
            info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        Image.fromarray(rgb).save(path, pnginfo=info, dpi=to_dpi(x, y, unit))
    elif kind == "webp":
        kwargs = {"quality": 95, "exif": exif_with(x, y, unit)}
        if xmp:
            kwargs["xmp"] = xmp
        Image.fromarray(rgb).save(path, "WEBP", **kwargs)
    else:
        extratags = [(700, 1, len(xmp), xmp, True)] if xmp else []
        tifffile.imwrite(path, rgb, resolution=(x, y), resolutionunit=EXIF_CODES[unit], extratags=extratags)


def source_path(tmp_path: Path, kind: str) -> Path:
    return tmp_path / ("src" + {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}.get(kind, ".tif"))


def out_path(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / f"out{imageio.OUTPUT_FORMATS[fmt]}"


def tiff_tag(path: Path, code: int) -> object:
    with tifffile.TiffFile(path) as tif:
        tag = tif.pages.first.tags.get(code)
        return None if tag is None else tag.value


def tiff_rational(value: object) -> float:
    assert isinstance(value, tuple) and len(value) == 2
    return value[0] / value[1]


def assert_output_resolution(path: Path, fmt: str, x: float, y: float, unit: str) -> None:
    """Check the output with Pillow/tifffile: the format's own field and EXIF."""
    dpi = to_dpi(x, y, unit)
    with Image.open(path) as im:
        info, exif = dict(im.info), im.getexif()
    if fmt == "tiff":
        assert tiff_rational(tiff_tag(path, 282)) == pytest.approx(x, rel=1e-6)
        assert tiff_rational(tiff_tag(path, 283)) == pytest.approx(y, rel=1e-6)
        assert int(tiff_tag(path, 296)) == EXIF_CODES[unit]  # type: ignore[call-overload]
        assert info["dpi"] == pytest.approx(dpi, rel=1e-4)
        return
    assert float(exif[0x011A]) == pytest.approx(x, rel=1e-6)
    assert float(exif[0x011B]) == pytest.approx(y, rel=1e-6)
    assert exif[0x0128] == EXIF_CODES[unit]
    if fmt == "jpeg":
        assert info["jfif_unit"] == 1
        assert info["jfif_density"] == (round(dpi[0]), round(dpi[1]))  # JFIF holds whole dpi
    elif fmt == "png":
        assert info["dpi"] == pytest.approx(dpi, abs=0.02)  # pHYs counts whole pixels per metre


@pytest.mark.parametrize("out_fmt", OUTPUTS)
@pytest.mark.parametrize("src_kind", SOURCES)
@pytest.mark.parametrize(("x", "y", "unit"), RESOLUTIONS)
def test_resolution_and_xmp_travel(tmp_path: Path, src_kind: str, out_fmt: str, x: float, y: float, unit: str) -> None:
    src = source_path(tmp_path, src_kind)
    write_source(src, src_kind, x, y, unit)
    loaded = read_image(src)
    meta = loaded.metadata
    if src_kind == "png" and unit == "cm":  # pHYs counts per metre; whole dpi values read as inches
        x, y, unit = round(x * 2.54), round(y * 2.54), "inch"
    assert meta.resolution == pytest.approx((x, y), abs=0.01)
    assert meta.resolution_unit == unit
    assert meta.dpi == pytest.approx(to_dpi(x, y, unit), abs=0.02)
    assert meta.xmp == XMP
    assert meta.warnings == ()

    out = out_path(tmp_path, out_fmt)
    write_image(out, loaded.pixels, metadata=meta)
    assert_output_resolution(out, out_fmt, x, y, unit)
    with Image.open(out) as im:
        assert im.info.get("xmp") == XMP
    if out_fmt == "tiff":
        assert tiff_tag(out, 700) == XMP
    again = read_image(out).metadata
    assert again.resolution == pytest.approx((x, y), abs=0.01)
    assert again.resolution_unit == unit
    assert again.xmp == XMP


@pytest.mark.parametrize("out_fmt", OUTPUTS)
def test_orientation_6_swaps_x_and_y_resolution(tmp_path: Path, out_fmt: str) -> None:
    stored = pixels()
    src = tmp_path / "turned.jpg"
    buf = io.BytesIO()
    Image.fromarray(stored).save(buf, "JPEG", exif=exif_with(300, 150, "inch", t274=6), dpi=(300, 150))
    src.write_bytes(buf.getvalue())
    loaded = read_image(src)
    assert loaded.size == (H, W)  # turned by 90 degrees
    assert loaded.metadata.resolution == (150.0, 300.0)
    out = out_path(tmp_path, out_fmt)
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    assert_output_resolution(out, out_fmt, 150, 300, "inch")
    if out_fmt != "tiff":
        with Image.open(out) as im:
            assert im.getexif()[0x0112] == 1


def test_tiff_orientation_6_swaps_resolution(tmp_path: Path) -> None:
    src = tmp_path / "turned.tif"
    tifffile.imwrite(src, pixels(), resolution=(300, 150), resolutionunit=2, extratags=[(274, 3, 1, 6, True)])
    loaded = read_image(src)
    assert loaded.size == (H, W)
    assert loaded.metadata.resolution == (150.0, 300.0)


def test_unit_none_is_an_aspect_ratio_not_dpi(tmp_path: Path) -> None:
    src = tmp_path / "aspect.tif"
    tifffile.imwrite(src, pixels(), resolution=(2, 1), resolutionunit=1)
    meta = read_image(src).metadata
    assert meta.resolution == (2.0, 1.0) and meta.resolution_unit == "none"
    assert meta.dpi is None
    png, tif, jpg = tmp_path / "a.png", tmp_path / "a.tif", tmp_path / "a.jpg"
    for out in (png, tif, jpg):
        write_image(out, pixels(), metadata=meta)
    with Image.open(png) as im:
        assert "dpi" not in im.info and im.info["aspect"] == (2, 1)  # pHYs unit 0
    assert int(tiff_tag(tif, 296)) == 1 and tiff_rational(tiff_tag(tif, 282)) == 2  # type: ignore[call-overload]
    with Image.open(jpg) as im:
        assert im.info.get("jfif_unit") == 0  # no invented dpi in JFIF
        assert im.getexif()[0x0128] == 1
    # a square ratio without a unit says nothing, so it is not carried (tifffile's default output)
    plain = tmp_path / "plain.tif"
    tifffile.imwrite(plain, pixels())
    assert read_image(plain).metadata.resolution is None


def test_jfif_density_in_centimetres(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(pixels()).save(buf, "JPEG")
    src = tmp_path / "cm.jpg"
    src.write_bytes(jfif_unit(buf.getvalue(), 2, 118, 59))  # no EXIF: JFIF alone
    meta = read_image(src).metadata
    assert meta.resolution == (118.0, 59.0) and meta.resolution_unit == "cm"
    out = tmp_path / "cm.tif"
    write_image(out, pixels(), metadata=meta)
    assert int(tiff_tag(out, 296)) == 3 and tiff_rational(tiff_tag(out, 282)) == 118  # type: ignore[call-overload]


def test_jfif_wins_over_a_disagreeing_exif(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(pixels()).save(buf, "JPEG", dpi=(600, 600), exif=exif_with(72, 72, "inch"))
    src = tmp_path / "mixed.jpg"
    src.write_bytes(buf.getvalue())
    meta = read_image(src).metadata
    assert meta.resolution == (600.0, 600.0)
    out = tmp_path / "mixed-out.jpg"
    write_image(out, pixels(), metadata=meta)
    with Image.open(out) as im:
        assert float(im.getexif()[0x011A]) == 600  # the stale EXIF value is replaced


def test_compressed_png_xmp_is_read(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode("utf-8"), zip=True)
    src = tmp_path / "z.png"
    Image.fromarray(pixels()).save(src, pnginfo=info)
    assert read_image(src).metadata.xmp == XMP


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_with(tmp_path: Path, *chunks: bytes) -> Path:
    buf = io.BytesIO()
    Image.fromarray(pixels()).save(buf, "PNG")
    data = buf.getvalue()
    path = tmp_path / "bad.png"
    path.write_bytes(data[:33] + b"".join(chunks) + data[33:])  # right after IHDR
    return path


def test_corrupt_phys_and_xmp_do_not_break_reading(tmp_path: Path) -> None:
    path = _png_with(
        tmp_path,
        _png_chunk(b"pHYs", b"\x00\x01\x02\x03\x04"),  # 5 bytes instead of 9
        _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00not zlib data"),
    )
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.pixels, pixels())
    assert loaded.metadata.resolution is None and loaded.metadata.xmp is None
    assert any("XMP" in w for w in loaded.metadata.warnings)
    zero = _png_with(tmp_path, _png_chunk(b"pHYs", b"\x00" * 8 + b"\x01"))  # zero pixels per metre
    assert read_image(zero).metadata.resolution is None


def test_corrupt_tiff_and_exif_resolution_do_not_break_reading(tmp_path: Path) -> None:
    path = tmp_path / "zero.tif"
    tifffile.imwrite(path, pixels(), resolution=(300, 300), resolutionunit=2)
    with tifffile.TiffFile(path) as tif:
        where = [tif.pages.first.tags[code].valueoffset for code in (282, 283)]
    data = bytearray(path.read_bytes())
    for offset in where:
        data[offset + 4 : offset + 8] = bytes(4)  # denominators 0: 300/0
    path.write_bytes(bytes(data))
    assert read_image(path).metadata.resolution is None
    odd = tmp_path / "unit.tif"
    tifffile.imwrite(odd, pixels(), resolution=(300, 300), resolutionunit=4)  # millimetres: not TIFF baseline
    assert read_image(odd).metadata.resolution is None
    exif = exif_with(300, 300, "inch")
    exif[0x011A] = TiffImagePlugin.IFDRational(300, 0)
    jpg = tmp_path / "nan.jpg"
    Image.fromarray(pixels()).save(jpg, exif=exif)
    loaded = read_image(jpg)
    assert loaded.metadata.resolution is None and loaded.size == (W, H)


def test_damaged_tiff_exif_pointer_does_not_break_reading(tmp_path: Path) -> None:
    path = tmp_path / "exif.tif"
    _pillow_tiff_with_exif(path)
    with tifffile.TiffFile(path) as tif:
        entry = tif.pages.first.tags[34665].offset
    data = bytearray(path.read_bytes())
    data[entry + 8 : entry + 12] = struct.pack("<I", 0xFFFFFF00)  # the sub-IFD now lies far past the end
    path.write_bytes(bytes(data))
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.pixels, pixels())
    out = tmp_path / "out.jpg"
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    with Image.open(out) as im:
        assert 0x9003 not in im.getexif().get_ifd(0x8769)


@pytest.mark.parametrize(
    "meta",
    [
        ImageMetadata("tiff", resolution=(0.0, 300.0)),
        ImageMetadata("tiff", resolution=(math.nan, 300.0)),
        ImageMetadata("tiff", resolution=(300.0, 300.0), resolution_unit="furlong"),  # type: ignore[arg-type]
    ],
)
@pytest.mark.parametrize("out_fmt", OUTPUTS)
def test_unusable_resolution_is_left_out_of_the_output(tmp_path: Path, meta: ImageMetadata, out_fmt: str) -> None:
    out = out_path(tmp_path, out_fmt)
    write_image(out, pixels(), metadata=meta)
    assert read_image(out).metadata.resolution is None


def test_oversized_xmp_is_dropped_for_jpeg_only(tmp_path: Path) -> None:
    big = XMP.replace(b"Harbour", b"Harbour " + b"x" * 70_000)
    meta = ImageMetadata("png", xmp=big)
    for fmt in OUTPUTS:
        out = out_path(tmp_path, fmt)
        write_image(out, pixels(), metadata=meta)
        assert read_image(out).metadata.xmp == (None if fmt == "jpeg" else big)


def _pillow_tiff_with_exif(path: Path, *, iptc: bytes | None = None) -> None:
    """An 8-bit TIFF with an EXIF sub-IFD, written by Pillow (tifffile cannot write one)."""
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[271] = "ScanCo"
    ifd[34665] = {0x9003: DATE_ORIGINAL, 0x829A: 0.004, 0xA420: "reel-7-frame-12"}
    if iptc:
        ifd[33723] = iptc
    Image.fromarray(pixels()).save(path, tiffinfo=ifd, dpi=(600, 600))


@pytest.mark.parametrize("out_fmt", OUTPUTS)
def test_tiff_exif_sub_ifd_travels(tmp_path: Path, out_fmt: str) -> None:
    src = tmp_path / "src.tif"
    _pillow_tiff_with_exif(src)
    loaded = read_image(src)
    out = out_path(tmp_path, out_fmt)
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    with Image.open(out) as im:
        exif = im.getexif()
        sub = exif.get_ifd(0x8769)
    assert sub[0x9003] == DATE_ORIGINAL
    assert sub[0xA420] == "reel-7-frame-12"  # ImageUniqueID: the whole sub-IFD, not one tag
    assert float(sub[0x829A]) == pytest.approx(0.004)
    assert exif[271] == "ScanCo"


@pytest.mark.parametrize("compression", ["none", "zlib", "lzw"])
@pytest.mark.parametrize("bit_depth", [8, 16])
def test_jpeg_exif_sub_ifd_travels_into_tiff(
    tmp_path: Path, compression: str, bit_depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    exif = exif_with(600, 600, "inch", t271="ScanCo")
    exif.get_ifd(0x8769)[0x9003] = DATE_ORIGINAL
    exif.get_ifd(0x8769)[0xA002] = W  # PixelXDimension, rewritten to the true size
    src = tmp_path / "src.jpg"
    Image.fromarray(pixels()).save(src, exif=exif, dpi=(600, 600))
    loaded = read_image(src)
    out = tmp_path / "out.tif"
    with caplog.at_level(logging.WARNING, logger="tifffile"):
        write_image(
            out,
            loaded.pixels,
            metadata=loaded.metadata,
            options=SaveOptions(bit_depth=bit_depth, tiff_compression=compression),
        )
        sub_ifd = tiff_tag(out, 34665)
        np.testing.assert_array_equal(read_image(out).pixels >> (8 if bit_depth == 16 else 0), loaded.pixels)
    assert caplog.records == []
    assert isinstance(sub_ifd, dict) and sub_ifd["DateTimeOriginal"] == DATE_ORIGINAL
    assert tiff_tag(out, 271) == "ScanCo"
    assert tiff_tag(out, 306) is None  # DateTime is not invented when the sub-IFD holds the original date
    with Image.open(out) as im:
        assert im.getexif().get_ifd(0x8769)[0x9003] == DATE_ORIGINAL
    assert read_image(out).metadata.resolution == (600.0, 600.0)


def test_bigtiff_output_keeps_date_original_as_datetime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imageio, "_BIGTIFF_BYTES", 0)  # as if the scan were over 4 GiB
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = DATE_ORIGINAL
    src = tmp_path / "src.jpg"
    Image.fromarray(pixels()).save(src, exif=exif)
    loaded = read_image(src)
    out = tmp_path / "big.tif"
    write_image(out, loaded.pixels, metadata=loaded.metadata, options=SaveOptions(tiff_compression="none"))
    with tifffile.TiffFile(out) as tif:
        assert tif.is_bigtiff
        tags = tif.pages.first.tags
        assert tags[306].value == DATE_ORIGINAL and 34665 not in tags


def test_tiff_iptc_is_kept_in_tiff_output(tmp_path: Path) -> None:
    src = tmp_path / "iptc.tif"
    _pillow_tiff_with_exif(src, iptc=IPTC)
    loaded = read_image(src)
    assert loaded.metadata.iptc == IPTC
    out = tmp_path / "out.tif"
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    assert tiff_tag(out, 33723) == IPTC
    assert read_image(out).metadata.iptc == IPTC


def test_bmp_resolution_is_read(tmp_path: Path) -> None:
    src = tmp_path / "scan.bmp"
    Image.fromarray(pixels()).save(src, dpi=(300, 150))  # BMP keeps pixels per metre
    meta = read_image(src).metadata
    assert meta.resolution == (300.0, 150.0) and meta.resolution_unit == "inch"
    out = tmp_path / "scan.png"
    write_image(out, pixels(), metadata=meta)
    with Image.open(out) as im:
        assert im.info["dpi"] == pytest.approx((300, 150), abs=0.02)


def test_extended_jpeg_xmp_is_reported_not_kept(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(pixels()).save(buf, "JPEG", xmp=XMP)
    data = buf.getvalue()
    body = b"http://ns.adobe.com/xmp/extension/\x00" + b"0" * 32 + struct.pack(">II", 5, 0) + b"<x/>!"
    src = tmp_path / "ext.jpg"
    src.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + data[2:])
    loaded = read_image(src)
    assert loaded.metadata.xmp == XMP  # the main packet still travels
    assert any("extended XMP" in w for w in loaded.metadata.warnings)


def test_metadata_defaults_keep_old_callers_working() -> None:
    meta = ImageMetadata("jpeg")
    assert meta.resolution is None and meta.dpi is None and meta.xmp is None and meta.iptc is None
    assert ImageMetadata("tiff", resolution=(118.11, 118.11), resolution_unit="cm").dpi == pytest.approx(
        (300, 300), abs=0.01
    )


def test_camera_exif_survives_jpeg_to_tiff_to_jpeg(tmp_path: Path) -> None:
    rational = TiffImagePlugin.IFDRational
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub.update(
        {
            0x9000: b"0232",  # ExifVersion, UNDEFINED
            0x829D: rational(28, 10),  # FNumber
            0x8827: 400,  # ISO, SHORT
            0x9204: rational(-1, 3),  # ExposureBiasValue, SRATIONAL
            0x9286: b"ASCII\x00\x00\x00archive note",  # UserComment
            0xA432: (rational(24, 1), rational(70, 1), rational(28, 10), rational(28, 10)),  # LensSpecification
            0x9003: DATE_ORIGINAL,
            0x9291: "42",  # SubSecTimeOriginal
        }
    )
    src = tmp_path / "cam.jpg"
    Image.fromarray(pixels()).save(src, exif=exif)
    first = read_image(src)
    tif = tmp_path / "cam.tif"
    write_image(tif, first.pixels, metadata=first.metadata)
    assert tiff_tag(tif, 34665)["FNumber"] == (14, 5)  # type: ignore[index]
    second = read_image(tif)
    out = tmp_path / "cam-again.jpg"
    write_image(out, second.pixels, metadata=second.metadata)
    with Image.open(src) as a, Image.open(out) as b:
        assert b.getexif().get_ifd(0x8769) == a.getexif().get_ifd(0x8769)


def test_exif_ifd_is_linked_in_a_big_endian_tiff(tmp_path: Path) -> None:
    from colorizer_gui.core import _tiff_meta

    path = tmp_path / "mm.tif"
    with open(path, "w+b") as fh:
        tifffile.imwrite(fh, pixels(), byteorder=">", extratags=[_tiff_meta.EXIF_PLACEHOLDER])
        assert _tiff_meta.link_exif_ifd(fh, {0x9003: DATE_ORIGINAL})
    assert path.read_bytes()[:4] == b"MM\x00*"
    assert tiff_tag(path, 34665) == {"DateTimeOriginal": DATE_ORIGINAL}
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.pixels, pixels())
    out = tmp_path / "mm.jpg"
    write_image(out, loaded.pixels, metadata=loaded.metadata)
    with Image.open(out) as im:
        assert im.getexif().get_ifd(0x8769)[0x9003] == DATE_ORIGINAL
