"""IPTC captions travel JPEG -> JPEG / TIFF and TIFF -> JPEG, checked with Pillow's own IPTC reader."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image, IptcImagePlugin

from colorizer_gui.core import _iptc
from colorizer_gui.core.imageio import read_image, write_image

CAPTION = b"Harbour at low tide, 1931"
IPTC = b"\x1c\x02\x00\x00\x02\x00\x04" + b"\x1c\x02\x78" + struct.pack(">H", len(CAPTION)) + CAPTION


def _resource(resource_id: int, data: bytes, name: bytes = b"") -> bytes:
    pascal = bytes([len(name)]) + name
    pascal += b"\x00" * (len(pascal) & 1)
    padded = data + b"\x00" * (len(data) & 1)
    return b"8BIM" + struct.pack(">H", resource_id) + pascal + struct.pack(">I", len(data)) + padded


def _jpeg_with_app13(path: Path, block: bytes) -> Path:
    """A gray JPEG with a Photoshop APP13 spliced in by hand (as Photoshop or a DAM would have written it)."""
    Image.fromarray(np.full((24, 32), 120, np.uint8)).save(path, quality=95)
    data = path.read_bytes()
    payload = b"Photoshop 3.0\x00" + block
    path.write_bytes(data[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + data[2:])
    return path


def _iptc_of(path: Path) -> dict[tuple[int, int], bytes]:
    with Image.open(path) as im:
        return IptcImagePlugin.getiptcinfo(im) or {}


def test_a_jpegs_iptc_is_found_among_other_resources(tmp_path: Path) -> None:
    block = _resource(0x03ED, b"\x00" * 16) + _resource(0x0BB7, b"odd", name=b"path") + _resource(0x0404, IPTC)
    loaded = read_image(_jpeg_with_app13(tmp_path / "scan.jpg", block))
    assert loaded.metadata.iptc == IPTC
    out = tmp_path / "out.jpg"
    write_image(out, np.stack([loaded.pixels] * 3, axis=-1), metadata=loaded.metadata)
    assert _iptc_of(out)[(2, 120)] == CAPTION
    with Image.open(out) as im:
        assert set(im.info["photoshop"]) == {0x0404}  # the gray original's other resources stay behind
        assert im.getexif()[0x0131].startswith("Colorizer")  # our EXIF came first, and is intact
    assert read_image(out).metadata.iptc == IPTC


def test_jpeg_iptc_goes_into_a_tiff_and_back(tmp_path: Path) -> None:
    loaded = read_image(_jpeg_with_app13(tmp_path / "scan.jpg", _resource(0x0404, IPTC)))
    tif = tmp_path / "out.tif"
    write_image(tif, loaded.pixels, metadata=loaded.metadata)
    with tifffile.TiffFile(tif) as handle:
        assert bytes(handle.pages.first.tags[33723].value) == IPTC
    again = read_image(tif)
    jpeg = tmp_path / "again.jpg"
    write_image(jpeg, again.pixels, metadata=again.metadata)
    assert _iptc_of(jpeg)[(2, 120)] == CAPTION


def test_a_damaged_block_is_dropped_with_a_warning(tmp_path: Path) -> None:
    loaded = read_image(_jpeg_with_app13(tmp_path / "bad.jpg", b"8BIM\x04\x04\x00\x00\xff\xff\xff\xff"))
    assert loaded.metadata.iptc is None and loaded.pixels.shape == (24, 32)
    assert any("IPTC block is damaged" in w for w in loaded.metadata.warnings)


def test_iptc_too_big_for_one_segment_is_left_out_and_the_jpeg_stays_good(tmp_path: Path) -> None:
    huge = IPTC * 3000  # ~110 KB
    assert _iptc.with_iptc(b"\xff\xd8\xff\xd9", huge) is None
    loaded = read_image(_jpeg_with_app13(tmp_path / "scan.jpg", _resource(0x0404, IPTC)))
    out = tmp_path / "out.jpg"
    write_image(out, loaded.pixels, metadata=type(loaded.metadata)("jpeg", iptc=huge))
    assert read_image(out).pixels.shape == (24, 32) and _iptc_of(out) == {}
