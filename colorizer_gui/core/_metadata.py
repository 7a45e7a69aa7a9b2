"""Container-level helpers for imageio: header sniffing, metadata blocks, orientation, TIFF layouts.

Parsing the few header bytes ourselves lets the reader check the pixel limit
before any decoder allocates, and pick up ICC, EXIF, XMP and resolution without
decoding twice. Metadata is optional: a damaged block is skipped, never fatal.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, TiffTags

from colorizer_gui.core import _cmyk, _iptc, provenance
from colorizer_gui.core import _resolution as res
from colorizer_gui.core.errors import UnsupportedFormatError

__all__ = [
    "EXIF_IFD",
    "EXIF_ORIENTATION",
    "HeaderInfo",
    "NeedMoreData",
    "apply_orientation",
    "build_exif",
    "exif_caption",
    "exif_orientation",
    "exif_resolution",
    "exif_sub_ifd",
    "exif_with_png_text",
    "icc_matches",
    "load_exif",
    "parse_header",
    "png_with_chunks",
    "readable_text",
    "sniff_format",
    "tiff_pixels",
    "writable_read_text",
    "writable_text",
]

EXIF_ORIENTATION = 0x0112
_EXIF_SOFTWARE = 0x0131
_EXIF_DESCRIPTION = 0x010E
EXIF_IFD = 0x8769
_EXIF_PIXEL_X = 0xA002
_EXIF_PIXEL_Y = 0xA003
_EXIF_INTEROP_IFD = 0xA005
_EXIF_RESOLUTION_TAGS = (0x011A, 0x011B, 0x0128)  # XResolution, YResolution, ResolutionUnit
_EXIF_PREFIX = b"Exif\x00\x00"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_JPEG_XMP_EXTENSION = b"http://ns.adobe.com/xmp/extension/\x00"
_PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"
_MAX_XMP = 16 << 20  # a compressed iTXt must not inflate past this


class NeedMoreData(Exception):
    """The header did not fit in the bytes given; read more of the file and retry."""


@dataclass(frozen=True)
class HeaderInfo:
    """What the container header says, read without decoding any pixels."""

    format: str
    width: int
    height: int
    components: int | None = None  # JPEG colour components (4 = CMYK/YCCK)
    png_color_type: int | None = None
    icc_profile: bytes | None = None
    exif: bytes | None = None
    truncated: bool = False
    animated: bool = False
    xmp: bytes | None = None
    resolution: res.Resolution | None = None  # JFIF density or pHYs, as stored (before orientation)
    notes: tuple[str, ...] = ()  # metadata that was present but could not be kept
    iptc: bytes | None = None  # IPTC-IIM from a JPEG's Photoshop APP13
    text: tuple[tuple[str, str], ...] = ()  # a PNG's text chunks (keyword, text), XMP aside


def sniff_format(head: bytes) -> str | None:
    """Name the container from its magic bytes ("gif", "pdf" included, to refuse them by name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"%PDF"):
        return "pdf"
    return None


def parse_header(data: bytes, fmt: str, *, complete: bool) -> HeaderInfo:
    """Size and metadata of a JPEG, PNG, WebP or BMP held in ``data``.

    ``complete`` says ``data`` is the whole file; if not, running out of bytes
    before the size is known raises :class:`NeedMoreData`.
    """
    parsers = {"jpeg": _parse_jpeg, "png": _parse_png, "webp": _parse_webp, "bmp": _parse_bmp}
    try:
        return parsers[fmt](memoryview(data), complete)
    except (struct.error, IndexError) as exc:
        if not complete:
            raise NeedMoreData from exc
        raise ValueError(f"the {fmt.upper()} header is damaged") from exc


def _parse_jpeg(data: memoryview, complete: bool) -> HeaderInfo:
    pos, size, components = 2, None, None
    exif = xmp = None
    density: res.Resolution | None = None
    extended_xmp = False
    icc_chunks: dict[int, bytes] = {}
    photoshop = bytearray()
    sos = -1
    n = len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise ValueError("the JPEG header is damaged (marker expected)")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            continue
        if marker == 0xD9:
            break
        if pos + 2 > n:
            break
        (length,) = struct.unpack_from(">H", data, pos)
        segment = data[pos + 2 : pos + length]
        if len(segment) < length - 2:
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack_from(">HH", segment, 1)
            size, components = (width, height), segment[5]
        elif marker == 0xE0 and bytes(segment[:5]) == b"JFIF\x00" and len(segment) >= 12:
            density = res.from_jfif(segment[7], *struct.unpack_from(">HH", segment, 8))
        elif marker == 0xE1 and bytes(segment[:6]) == _EXIF_PREFIX and exif is None:
            exif = bytes(segment)
        elif marker == 0xE1 and bytes(segment[: len(_JPEG_XMP)]) == _JPEG_XMP and xmp is None:
            xmp = bytes(segment[len(_JPEG_XMP) :]) or None
        elif marker == 0xE1 and bytes(segment[: len(_JPEG_XMP_EXTENSION)]) == _JPEG_XMP_EXTENSION:
            extended_xmp = True
        elif marker == 0xE2 and bytes(segment[:12]) == b"ICC_PROFILE\x00":
            icc_chunks[segment[12]] = bytes(segment[14:])
        elif marker == 0xED and bytes(segment[: len(_iptc.APP13_PREFIX)]) == _iptc.APP13_PREFIX:
            photoshop += segment[len(_iptc.APP13_PREFIX) :]  # a large block continues in the next APP13
        elif marker == 0xDA:
            sos = pos
            break
        pos += length
    if size is None:
        if not complete:
            raise NeedMoreData
        raise ValueError("the JPEG file has no frame header (damaged or truncated)")
    if size[0] == 0 or size[1] == 0:
        raise ValueError("the JPEG header gives a zero image size")
    icc = b"".join(icc_chunks[k] for k in sorted(icc_chunks)) if icc_chunks else None
    truncated = complete and (sos < 0 or bytes(data[sos:]).rfind(b"\xff\xd9") < 0)
    notes = ["extended XMP (the part beyond 64 KB) was not kept"] if extended_xmp else []
    iptc = None
    try:
        iptc = _iptc.iptc_from_resources(bytes(photoshop)) if photoshop else None
    except ValueError:
        notes.append("the JPEG's IPTC block is damaged and was dropped")
    return HeaderInfo(
        "jpeg",
        size[0],
        size[1],
        components=components,
        icc_profile=icc,
        exif=exif,
        truncated=truncated,
        xmp=xmp,
        resolution=density,
        notes=tuple(notes),
        iptc=iptc,
    )


def _parse_png(data: memoryview, complete: bool) -> HeaderInfo:
    if bytes(data[12:16]) != b"IHDR":
        if len(data) < 16 and not complete:
            raise NeedMoreData
        raise ValueError("the PNG header is damaged (no IHDR chunk)")
    width, height, _depth, color_type = struct.unpack_from(">IIBB", data, 16)
    if width == 0 or height == 0:
        raise ValueError("the PNG header gives a zero image size")
    icc = exif = xmp = None
    phys: res.Resolution | None = None
    notes: list[str] = []
    text: list[tuple[str, str]] = []
    pos, seen_end, animated = 8, False, False
    while pos + 8 <= len(data):
        length, ctype = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        if ctype == b"IEND":
            seen_end = True
            break
        if len(body) < length:
            break
        if ctype == b"iCCP":
            name_end = bytes(body[:80]).find(b"\x00")
            try:
                icc = zlib.decompress(bytes(body[name_end + 2 :]))
            except zlib.error:
                icc = None
        elif ctype == b"eXIf":
            exif = _EXIF_PREFIX + bytes(body)
        elif ctype == b"acTL":
            animated = True
        elif ctype == b"pHYs":
            phys = res.from_phys(bytes(body))
        elif ctype == b"iTXt" and bytes(body[: len(_PNG_XMP_KEYWORD) + 1]) == _PNG_XMP_KEYWORD + b"\x00":
            xmp = _png_itxt_text(bytes(body))
            if xmp is None:
                notes.append("the PNG's XMP chunk is damaged and was dropped")
            xmp = xmp or None
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            entry = _png_text(bytes(ctype), bytes(body))
            if entry is None:
                notes.append(f"a damaged PNG {ctype.decode()} text chunk was dropped")
            else:
                text.append(entry)
        pos += 12 + length
    return HeaderInfo(
        "png",
        width,
        height,
        png_color_type=color_type,
        icc_profile=icc,
        exif=exif,
        truncated=complete and not seen_end,
        animated=animated,
        xmp=xmp,
        resolution=phys,
        notes=tuple(notes),
        text=tuple(text),
    )


def _png_text(kind: bytes, body: bytes) -> tuple[str, str] | None:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk, or None when it is damaged."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep or not keyword:
        return None
    if kind == b"tEXt":
        return keyword.decode("latin-1"), rest.decode("latin-1")
    if kind == b"zTXt":
        if not rest or rest[0] != 0:
            return None
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(rest[1:], _MAX_XMP)
        except zlib.error:
            return None
        return (keyword.decode("latin-1"), raw.decode("latin-1")) if not inflater.unconsumed_tail else None
    raw_text = _png_itxt_text(body)
    return None if raw_text is None else (keyword.decode("latin-1"), raw_text.decode("utf-8", "replace"))


#: PNG text keywords with an EXIF counterpart, so a PNG's caption and credits reach every output format.
_PNG_TEXT_TO_EXIF = {"Description": 0x010E, "Author": 0x013B, "Copyright": 0x8298}


def exif_with_png_text(raw: bytes | None, text: tuple[tuple[str, str], ...]) -> bytes | None:
    """``raw`` EXIF plus a PNG's Description, Author and Copyright where the EXIF lacks them."""
    wanted = {_PNG_TEXT_TO_EXIF[key]: value for key, value in text if key in _PNG_TEXT_TO_EXIF and value.strip()}
    if not wanted:
        return raw
    exif = load_exif(raw) or Image.Exif()
    missing = {tag: value for tag, value in wanted.items() if not exif.get(tag)}
    if not missing:
        return raw
    for tag, value in missing.items():
        exif[tag] = writable_text(value)
    try:
        return bytes(exif.tobytes())
    except Exception:  # a source IFD Pillow cannot rewrite: keep it as it was
        return raw


def _png_itxt_text(body: bytes) -> bytes | None:
    """The text of an iTXt chunk (keyword, flag, method, language, translated keyword, text), None if damaged."""
    parts = body.split(b"\x00", 1)
    if len(parts) < 2 or len(parts[1]) < 2:
        return None
    compressed, method, rest = parts[1][0], parts[1][1], parts[1][2:]
    fields = rest.split(b"\x00", 2)  # language tag, translated keyword, text
    if len(fields) < 3:
        return None
    text = fields[2]
    if compressed:
        if method != 0:
            return None
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, _MAX_XMP)
        except zlib.error:
            return None
        if inflater.unconsumed_tail:
            return None
    return text


def _parse_webp(data: memoryview, complete: bool) -> HeaderInfo:
    (riff_size,) = struct.unpack_from("<I", data, 4)
    pos, size = 12, None
    icc = exif = xmp = None
    animated = False
    while pos + 8 <= len(data):
        fourcc, length = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        if fourcc == b"VP8X":
            w = 1 + int.from_bytes(bytes(body[4:7]), "little")
            h = 1 + int.from_bytes(bytes(body[7:10]), "little")
            size, animated = (w, h), bool(body[0] & 0x02)
        elif fourcc == b"VP8 " and size is None:
            if bytes(body[3:6]) != b"\x9d\x01\x2a":
                raise ValueError("the WebP header is damaged")
            w, h = struct.unpack_from("<HH", body, 6)
            size = (w & 0x3FFF, h & 0x3FFF)
        elif fourcc == b"VP8L" and size is None:
            (bits,) = struct.unpack_from("<I", body, 1)
            size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        elif fourcc == b"ICCP":
            icc = bytes(body)
        elif fourcc == b"EXIF":
            raw = bytes(body)
            exif = raw if raw.startswith(_EXIF_PREFIX) else _EXIF_PREFIX + raw
        elif fourcc == b"XMP ":
            xmp = bytes(body) or None
        pos += 8 + length + (length & 1)
    if size is None:
        if not complete:
            raise NeedMoreData
        raise ValueError("the WebP file has no image header (damaged or truncated)")
    truncated = complete and len(data) < riff_size + 8
    return HeaderInfo(
        "webp", size[0], size[1], icc_profile=icc, exif=exif, truncated=truncated, animated=animated, xmp=xmp
    )


def _parse_bmp(data: memoryview, complete: bool) -> HeaderInfo:
    (file_size,) = struct.unpack_from("<I", data, 2)
    (dib_size,) = struct.unpack_from("<I", data, 14)
    if dib_size == 12:
        width, height = struct.unpack_from("<HH", data, 18)
    else:
        width, height = struct.unpack_from("<ii", data, 18)
    width, height = abs(width), abs(height)
    if width == 0 or height == 0:
        raise ValueError("the BMP header gives a zero image size")
    truncated = complete and file_size > 0 and len(data) < file_size
    resolution = None
    if dib_size >= 40 and len(data) >= 46:  # BITMAPINFOHEADER and later: pixels per metre
        resolution = res.from_per_metre(*struct.unpack_from("<ii", data, 38))
    return HeaderInfo("bmp", width, height, truncated=truncated, resolution=resolution)


def load_exif(raw: bytes | None) -> Image.Exif | None:
    """Parsed EXIF, or None when absent or malformed (it is optional data)."""
    if not raw:
        return None
    exif = Image.Exif()
    try:
        exif.load(raw)
    except Exception:  # Pillow raises assorted errors on malformed EXIF; it is optional data
        return None
    return exif


def exif_orientation(raw: bytes | None) -> int:
    """EXIF orientation 1..8 (1 when absent or out of range)."""
    exif = load_exif(raw)
    value = exif.get(EXIF_ORIENTATION, 1) if exif is not None else 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def exif_resolution(raw: bytes | None) -> res.Resolution | None:
    """X/YResolution and ResolutionUnit of IFD0 (None when absent or unusable)."""
    exif = load_exif(raw)
    if exif is None:
        return None
    return res.from_exif(*(exif.get(tag) for tag in _EXIF_RESOLUTION_TAGS))


def exif_caption(raw: bytes | None) -> str | None:
    """The caption in an EXIF block's ImageDescription (not a tool's text, not our own marker), or None."""
    exif = load_exif(raw)
    return provenance.source_caption(exif.get(_EXIF_DESCRIPTION)) if exif is not None else None


def exif_sub_ifd(raw: bytes | None) -> dict[int, Any]:
    """The EXIF sub-IFD (0x8769) of an EXIF block as tag -> value, without its stale Interop pointer."""
    exif = load_exif(raw)
    if exif is None:
        return {}
    try:
        sub = dict(exif.get_ifd(EXIF_IFD))
    except Exception:  # a damaged sub-IFD is optional data too
        return {}
    sub.pop(_EXIF_INTEROP_IFD, None)
    return sub


def apply_orientation(pixels: npt.NDArray[np.generic], orientation: int) -> npt.NDArray[np.generic]:
    """Turn stored pixels into display pixels for EXIF orientation 1..8 (as ImageOps.exif_transpose)."""
    a = pixels
    if orientation == 2:
        a = a[:, ::-1]
    elif orientation == 3:
        a = a[::-1, ::-1]
    elif orientation == 4:
        a = a[::-1]
    elif orientation == 5:
        a = a.swapaxes(0, 1)
    elif orientation == 6:
        a = a.swapaxes(0, 1)[:, ::-1]
    elif orientation == 7:
        a = a.swapaxes(0, 1)[::-1, ::-1]
    elif orientation == 8:
        a = a.swapaxes(0, 1)[::-1]
    return np.ascontiguousarray(a)


def build_exif(
    source: bytes | None,
    *,
    software: str,
    description: str,
    size: tuple[int, int],
    resolution: res.Resolution | None = None,
) -> bytes:
    """EXIF for an output: the source's tags, orientation 1, our Software/description, true size.

    The resolution given replaces the source's (which may be stale after a
    rotation or disagree with JFIF/pHYs); with None the resolution tags go.
    """
    exif = load_exif(source) or Image.Exif()
    try:
        _keep_text_bytes(exif)
        _stamp(exif, software, description, resolution)
        sub = exif.get_ifd(EXIF_IFD)
        if _EXIF_PIXEL_X in sub or _EXIF_PIXEL_Y in sub:
            sub[_EXIF_PIXEL_X], sub[_EXIF_PIXEL_Y] = size
        return bytes(exif.tobytes())
    except Exception:  # an exotic source IFD Pillow cannot rewrite: keep only our own tags
        fresh = Image.Exif()
        _stamp(fresh, software, description, resolution)
        return bytes(fresh.tobytes())


def _text_bytes(text: str) -> bytes:
    """The bytes behind EXIF text as Pillow reads it (Latin-1, one character per byte), e.g. UTF-8 from exiftool."""
    return text.encode("latin-1", "replace")


def writable_text(text: str) -> str | bytes:
    """Unicode text as Pillow and tifffile must get it: a str when ASCII, else UTF-8 bytes, written as they are
    (given a str they write "?" for every non-ASCII character, or refuse it)."""
    return text if text.isascii() else text.encode("utf-8")


def writable_read_text(text: str) -> str | bytes:
    """EXIF text as Pillow read it, to be written back: a str when ASCII, else the very bytes it came from."""
    return text if text.isascii() else _text_bytes(text)


def readable_text(text: str) -> str:
    """EXIF text as Pillow reads it, decoded for people: UTF-8 where its bytes are UTF-8, else Latin-1."""
    raw = _text_bytes(text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _keep_text_bytes(exif: Image.Exif) -> None:
    """Pillow writes EXIF text back as ASCII, each other character a "?" (an archive's "Müller" would lose
    its umlaut): hand it back the bytes it read for every non-ASCII text tag of IFD0."""
    for tag, value in list(exif.items()):
        if isinstance(value, str) and TiffTags.lookup(tag).type == TiffTags.ASCII:
            exif[tag] = writable_read_text(value)


def _stamp(exif: Image.Exif, software: str, description: str, resolution: res.Resolution | None) -> None:
    exif[EXIF_ORIENTATION] = 1
    exif[_EXIF_SOFTWARE] = software
    exif[_EXIF_DESCRIPTION] = writable_read_text(description)
    for tag in _EXIF_RESOLUTION_TAGS:
        exif.pop(tag, None)
    if resolution is not None:
        exif[_EXIF_RESOLUTION_TAGS[0]] = resolution.x
        exif[_EXIF_RESOLUTION_TAGS[1]] = resolution.y
        exif[_EXIF_RESOLUTION_TAGS[2]] = res.EXIF_UNIT_CODES[resolution.unit]


def icc_matches(icc: bytes | None, channels: int) -> bool:
    """True if an ICC profile's colour space fits the pixels (a gray profile on colour output would lie)."""
    if not icc or len(icc) < 20:
        return False
    space = icc[16:20]
    return space == (b"GRAY" if channels == 1 else b"RGB ")


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def png_with_chunks(
    png: bytes,
    *,
    icc: bytes | None,
    exif: bytes | None,
    text: list[tuple[str, str]],
    phys: bytes | None = None,
    xmp: bytes | None = None,
) -> bytes:
    """Insert iCCP, pHYs, eXIf, iTXt (XMP) and tEXt chunks right after IHDR of an encoded PNG."""
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("encoder did not produce a PNG")
    chunks = []
    if icc:
        chunks.append(_png_chunk(b"iCCP", b"ICC Profile\x00\x00" + zlib.compress(icc)))
    if phys:
        chunks.append(_png_chunk(b"pHYs", phys))
    if exif:
        body = exif[len(_EXIF_PREFIX) :] if exif.startswith(_EXIF_PREFIX) else exif
        chunks.append(_png_chunk(b"eXIf", body))
    if xmp:  # uncompressed, no language: what XMP readers expect (XMP spec part 3)
        chunks.append(_png_chunk(b"iTXt", _PNG_XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + xmp))
    for key, value in text:
        try:
            chunks.append(_png_chunk(b"tEXt", key.encode("latin-1") + b"\x00" + value.encode("latin-1")))
        except UnicodeEncodeError:  # tEXt is Latin-1 only; iTXt holds UTF-8 (uncompressed, no language)
            chunks.append(_png_chunk(b"iTXt", key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")))
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + b"".join(chunks) + png[ihdr_end:]


def tiff_pixels(
    path: Path,
    arr: np.ndarray,
    photometric: int,
    extrasamples: tuple[int, ...],
    bits: int,
    colormap: np.ndarray | None,
    warnings: list[str],
    icc: bytes | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Map TIFF photometric interpretations onto gray/RGB + alpha, 8 or 16 bit (CMYK through ``icc``)."""
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * np.uint8(255)
    if arr.dtype not in (np.uint8, np.uint16):
        raise UnsupportedFormatError(
            f"{arr.dtype} TIFF samples are not supported; save the scan as 8 or 16 bit", path=path
        )
    if arr.dtype == np.uint16 and 8 < bits < 16:  # e.g. 12-bit scans: stretch to the full range
        arr = (arr.astype(np.float32) * (65535.0 / (2**bits - 1))).round().clip(0, 65535).astype(np.uint16)
    if photometric == 3 and colormap is not None:  # palette
        lut = np.asarray(colormap)
        lut = (lut // 257).astype(np.uint8) if arr.dtype == np.uint8 or lut.max() <= 255 * 257 else lut
        return np.ascontiguousarray(lut[:, arr].transpose(1, 2, 0)), None
    if arr.ndim == 2:
        return (np.iinfo(arr.dtype).max - arr if photometric == 0 else arr), None
    base = {0: 1, 1: 1, 2: 3, 5: 4, 6: 3}.get(photometric)
    if base is None or arr.ndim != 3 or arr.shape[2] < base:
        raise UnsupportedFormatError(f"TIFF photometric interpretation {photometric} is not supported", path=path)
    alpha = None
    if arr.shape[2] > base and extrasamples and extrasamples[0] in (1, 2):
        alpha = np.ascontiguousarray(arr[:, :, base])
    if photometric in (0, 1):
        gray = arr[:, :, 0]
        return np.ascontiguousarray(np.iinfo(arr.dtype).max - gray if photometric == 0 else gray), alpha
    if photometric == 5:
        managed = _cmyk.to_srgb(arr[:, :, :4], icc)
        if managed is not None:
            warnings.append("CMYK TIFF converted to sRGB through its colour profile")
            return managed, alpha
        top = float(np.iinfo(arr.dtype).max)
        cmyk = arr[:, :, :4].astype(np.float32) / top
        rgb = (1.0 - cmyk[:, :, :3]) * (1.0 - cmyk[:, :, 3:4]) * top
        why = "its colour profile could not be used" if icc else "it has no colour profile"
        warnings.append(f"CMYK TIFF converted to RGB by the plain ink formula ({why})")
        return rgb.round().astype(arr.dtype), alpha
    return np.ascontiguousarray(arr[:, :, :3]), alpha
