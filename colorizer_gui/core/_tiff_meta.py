"""TIFF metadata in and out: IFD0 text tags, the EXIF sub-IFD, and raw tag bytes (XMP, IPTC).

tifffile reads every tag but refuses to write an EXIF pointer (34665), so an
output gets a placeholder entry that :func:`link_exif_ifd` turns into the
pointer once the file is written and the sub-IFD can be appended after it.
Pillow's IFD reader/writer does the value encoding, as it does for JPEG EXIF.
"""

from __future__ import annotations

import os
import struct
import warnings
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
from PIL import Image, TiffImagePlugin

from colorizer_gui.core import _metadata as meta
from colorizer_gui.core import provenance

__all__ = [
    "EXIF_PLACEHOLDER",
    "link_exif_ifd",
    "read_exif_ifd",
    "tag_bytes",
    "tags_to_exif",
    "text_tags",
    "writable_exif_ifd",
]

#: IFD0 text tags worth carrying into a TIFF output (Make, Model, DateTime, Artist, Copyright).
TEXT_TAGS = (271, 272, 306, 315, 33432)
_DATETIME = 306
_DESCRIPTION = 270
_DATETIME_ORIGINAL = 0x9003
_INTEROP_IFD = 0xA005
_PLACEHOLDER_TAG = 34664  # unassigned, and sorts where 34665 goes, so renaming it keeps IFD0 in order
#: tifffile extratag for the placeholder (LONG, count 1, value 0, first page only).
EXIF_PLACEHOLDER: tuple[int, int, int, int, bool] = (_PLACEHOLDER_TAG, 4, 1, 0, True)
_CLASSIC_LIMIT = 2**32 - 1


@dataclass(frozen=True)
class _Layout:
    endian: str  # "<" or ">"
    big: bool
    head: bytes  # the file header as Pillow's IFD reader wants it


def _layout(head: bytes) -> _Layout | None:
    """Byte order and offset size from a TIFF header; None for big-endian BigTIFF, which Pillow misreads."""
    if head[:4] == b"II*\x00":
        return _Layout("<", False, head[:8])
    if head[:4] == b"MM\x00*":
        return _Layout(">", False, head[:8])
    if head[:4] == b"II+\x00" and len(head) >= 16:
        return _Layout("<", True, head[:16])
    return None


def _find_ifd0_entry(fh: BinaryIO, layout: _Layout, tag: int) -> tuple[int, int] | None:
    """(file position, value field as a number) of ``tag``'s entry in IFD0, or None if absent."""
    e = layout.endian
    if layout.big:
        (ifd0,) = struct.unpack(e + "Q", layout.head[8:16])
        count_fmt, entry_fmt = "Q", "HHQQ"
    else:
        (ifd0,) = struct.unpack(e + "L", layout.head[4:8])
        count_fmt, entry_fmt = "H", "HHLL"
    count_size, entry_size = struct.calcsize(count_fmt), struct.calcsize(e + entry_fmt)
    fh.seek(ifd0)
    (count,) = struct.unpack(e + count_fmt, fh.read(count_size))
    if count > 65535:
        raise ValueError("the TIFF's first IFD is damaged")
    table = fh.read(count * entry_size)
    for i in range(count):
        code, _typ, _n, value = struct.unpack_from(e + entry_fmt, table, i * entry_size)
        if code == tag:
            return ifd0 + count_size + i * entry_size, value
    return None


def read_exif_ifd(fh: BinaryIO) -> dict[int, Any]:
    """The EXIF sub-IFD of a TIFF's first page, tag -> value as Pillow's ``Exif.get_ifd(0x8769)`` gives it.

    Empty when there is none; raises (ValueError, struct.error, ...) when one is
    there but cannot be read, so the caller can say it was dropped.
    """
    fh.seek(0)
    layout = _layout(fh.read(16))
    if layout is None:
        raise ValueError("EXIF in a big-endian BigTIFF is not supported")
    found = _find_ifd0_entry(fh, layout, meta.EXIF_IFD)
    if found is None:
        return {}
    size = fh.seek(0, os.SEEK_END)
    if not len(layout.head) <= found[1] < size:
        raise ValueError("the EXIF pointer points outside the file")
    ifd = TiffImagePlugin.ImageFileDirectory_v2(layout.head, group=meta.EXIF_IFD)
    fh.seek(found[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns per damaged entry; the entry is simply skipped
        ifd.load(fh)
        values = {tag: v[0] if isinstance(v, tuple) and len(v) == 1 else v for tag, v in ifd.items()}
    values.pop(_INTEROP_IFD, None)  # an offset into the source file, meaningless elsewhere
    return values


def writable_exif_ifd(sub: dict[int, Any]) -> dict[int, Any]:
    """``sub`` if Pillow can encode every value of it, else empty (decided before the TIFF is written)."""
    if not sub:
        return {}
    try:
        _ifd_bytes(sub, b"II*\x00\x08\x00\x00\x00", 8)
    except Exception:  # an exotic value: the sub-IFD is optional, the pixels are not
        return {}
    return sub


def _ifd_bytes(sub: dict[int, Any], head: bytes, offset: int) -> bytes:
    ifd = TiffImagePlugin.ImageFileDirectory_v2(head, group=meta.EXIF_IFD)
    for tag, value in sub.items():
        ifd[tag] = value
    return bytes(ifd.tobytes(offset))


def link_exif_ifd(fh: BinaryIO, sub: dict[int, Any]) -> bool:
    """Append ``sub`` to the classic TIFF just written to ``fh`` and turn the placeholder into its pointer.

    False (and the placeholder, an unknown LONG tag, stays) if the file is not
    a classic TIFF with the placeholder or the IFD would not fit in 4 GiB.
    """
    fh.seek(0)
    layout = _layout(fh.read(16))
    if layout is None or layout.big:
        return False
    found = _find_ifd0_entry(fh, layout, _PLACEHOLDER_TAG)
    if found is None:
        return False
    end = fh.seek(0, os.SEEK_END)
    offset = end + (end & 1)  # IFDs start on a word boundary
    blob = _ifd_bytes(sub, layout.head, offset)
    if offset + len(blob) > _CLASSIC_LIMIT:
        return False
    fh.write(b"\x00" * (offset - end) + blob)
    fh.seek(found[0])
    fh.write(struct.pack(layout.endian + "HHLL", meta.EXIF_IFD, 4, 1, offset))
    return True


def text_tags(source: bytes | None, *, date_from_original: bool = False) -> list[tuple[int, str | bytes]]:
    """Descriptive IFD0 text tags of an EXIF block, for writing into a TIFF.

    ``date_from_original`` puts DateTimeOriginal into DateTime (306) when the
    source has no DateTime, for a TIFF that cannot hold the EXIF sub-IFD.
    """
    exif = meta.load_exif(source)
    if exif is None:
        return []
    tags: list[tuple[int, str | bytes]] = [
        (tag, meta.writable_read_text(exif[tag])) for tag in TEXT_TAGS if isinstance(exif.get(tag), str) and exif[tag]
    ]
    original = meta.exif_sub_ifd(source).get(_DATETIME_ORIGINAL) if date_from_original else None
    if isinstance(original, str) and original and all(tag != _DATETIME for tag, _ in tags):
        tags = sorted([*tags, (_DATETIME, original)])
    return tags


def tags_to_exif(tags: dict[int, object], sub_ifd: dict[int, Any] | None = None) -> bytes | None:
    """Raw EXIF holding a TIFF's descriptive IFD0 tags and its EXIF sub-IFD, so other formats can carry them."""
    exif = Image.Exif()
    for tag in TEXT_TAGS:
        value = tags.get(tag)
        if isinstance(value, str) and value:
            exif[tag] = meta.writable_text(value)
    caption = provenance.source_caption(tags.get(_DESCRIPTION))
    if caption:  # the scan's caption; outputs write it with our marker after it
        exif[_DESCRIPTION] = meta.writable_text(caption)
    if sub_ifd:
        exif.get_ifd(meta.EXIF_IFD).update(sub_ifd)
    elif not len(exif):
        return None
    try:
        return bytes(exif.tobytes())
    except Exception:  # a sub-IFD value Pillow cannot write back: keep the IFD0 text tags
        return tags_to_exif(tags) if sub_ifd else None


def tag_bytes(value: object) -> bytes | None:
    """A TIFF tag's raw bytes (XMP, IPTC) however tifffile decoded them, or None."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif isinstance(value, np.ndarray):
        value = value.tobytes()
    elif isinstance(value, tuple) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        value = bytes(value)
    return bytes(value) if isinstance(value, (bytes, bytearray)) and value else None
