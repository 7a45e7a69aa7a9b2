"""Read and write photos with their metadata, safely: pixel limit first, atomic writes always.

Reading sniffs the container, checks the pixel count from the header before any
decoder allocates, decodes (tifffile for TIFF, imagecodecs for JPEG, PNG and
WebP, Pillow for BMP and CMYK JPEG), applies EXIF orientation and returns RGB
arrays.
Writing encodes into a hidden temp file in the target folder and renames it
into place, so a crash, a full disk or a kill never leaves a partial image.
Metadata (ICC, EXIF, resolution, XMP, TIFF IPTC) travels to the output where
its format has a place for it; see :class:`ImageMetadata` and :func:`write_image`.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

import imagecodecs
import numpy as np
import numpy.typing as npt
import tifffile
from PIL import BmpImagePlugin, Image, ImageCms

from colorizer_gui import __version__
from colorizer_gui.core import _cmyk, _iptc, _tiff_meta, provenance
from colorizer_gui.core import _metadata as meta
from colorizer_gui.core import _resolution as res
from colorizer_gui.core.errors import (
    ImageReadError,
    ImageTooLargeError,
    ImageWriteError,
    UnsupportedFormatError,
    UsageError,
)

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "OUTPUT_FORMATS",
    "SUPPORTED_INPUT_SUFFIXES",
    "TEMP_MARKER",
    "ImageMetadata",
    "LoadedImage",
    "SaveOptions",
    "atomic_output",
    "format_for_suffix",
    "is_temp_file",
    "probe_image_size",
    "read_image",
    "write_image",
]

DEFAULT_MAX_PIXELS: int = 300_000_000
SUPPORTED_INPUT_SUFFIXES: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"})
OUTPUT_FORMATS: dict[str, str] = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "webp": ".webp"}
_SUFFIX_FORMATS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".webp": "webp",
}
_TIFF_COMPRESSION = {"none": None, "zlib": "zlib", "lzw": "lzw"}
#: Hidden temp files are named ".<name>.colorizer-tmp-<hex>" so anyone can recognise and clean them.
TEMP_MARKER = ".colorizer-tmp-"
SOFTWARE = f"Colorizer {__version__}"
DESCRIPTION = provenance.MARKER
_HEAD_BYTES = 1 << 20
#: tifffile's own rule for switching to BigTIFF (uncompressed data near 4 GiB), decided here so the EXIF
#: sub-IFD, which only classic TIFF outputs get, is planned before writing.
_BIGTIFF_BYTES = 2**32 - 2**25
_JPEG_SEGMENT_MAX = _iptc.SEGMENT_MAX
_JPEG_XMP_MAX = _JPEG_SEGMENT_MAX - 29  # less the XMP namespace header
_TIFF_XMP, _TIFF_IPTC, _TIFF_EXIF_IFD = 700, 33723, 34665

Pixels = npt.NDArray[np.uint8] | npt.NDArray[np.uint16]


@dataclass(frozen=True)
class ImageMetadata:
    """What travels from the source to the output besides pixels.

    ``resolution`` is pixels per ``resolution_unit`` along the display width
    and height (swapped already when EXIF orientation turned the image); the
    unit is kept as the source had it, and "none" means a pixel aspect ratio
    only, never dots per inch. It is authoritative on writing: stale
    resolution tags in ``exif`` are replaced, or removed when it is None.
    ``xmp`` is the source's XMP packet byte for byte; values in it such as
    tiff:Orientation or exif:PixelXDimension may be stale once orientation is
    applied, and the EXIF written next to it is what holds the true values.
    ``iptc`` is IPTC-IIM from a TIFF (tag 33723) or a JPEG (Photoshop APP13,
    resource 0x0404); TIFF and JPEG outputs keep it.
    ``text`` is a PNG's text chunks (keyword, text) other than XMP: PNG
    outputs keep them all, and Description, Author and Copyright become the
    EXIF caption, Artist and Copyright of every output whose EXIF lacks them.
    """

    source_format: str
    icc_profile: bytes | None = None
    exif: bytes | None = None
    warnings: tuple[str, ...] = ()
    resolution: tuple[float, float] | None = None
    resolution_unit: Literal["inch", "cm", "none"] = "inch"
    xmp: bytes | None = None
    iptc: bytes | None = None
    text: tuple[tuple[str, str], ...] = ()

    @property
    def dpi(self) -> tuple[float, float] | None:
        """Dots per inch along x and y, or None when unknown or only an aspect ratio."""
        checked = _checked_resolution(self)
        return checked.dpi() if checked is not None else None


def _checked_resolution(metadata: ImageMetadata) -> res.Resolution | None:
    """The metadata's resolution if a writer can use it (positive, finite, known unit)."""
    if metadata.resolution is None or len(metadata.resolution) != 2:
        return None
    return res.make(metadata.resolution[0], metadata.resolution[1], metadata.resolution_unit)


@dataclass(frozen=True)
class LoadedImage:
    """A decoded photo in display orientation; ``pixels`` is gray (H, W) or RGB (H, W, 3)."""

    pixels: np.ndarray
    alpha: np.ndarray | None
    bit_depth: int
    metadata: ImageMetadata
    path: Path

    @property
    def is_gray(self) -> bool:
        return self.pixels.ndim == 2

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


@dataclass(frozen=True)
class SaveOptions:
    """How to encode an output; ``bit_depth`` None follows the pixels given."""

    format: str | None = None
    quality: int = 95
    bit_depth: int | None = None
    tiff_compression: str = "zlib"


@dataclass
class _Decoded:
    pixels: np.ndarray
    alpha: np.ndarray | None
    icc: bytes | None = None
    exif: bytes | None = None
    orientation: int = 1
    warnings: list[str] = field(default_factory=list)
    resolution: res.Resolution | None = None  # as stored, before orientation
    xmp: bytes | None = None
    iptc: bytes | None = None
    text: tuple[tuple[str, str], ...] = ()


def format_for_suffix(suffix: str) -> str | None:
    """The writable format a file suffix stands for (".JPEG" -> "jpeg"), or None (".bmp", ".gif")."""
    return _SUFFIX_FORMATS.get(suffix.lower())


def is_temp_file(path: Path) -> bool:
    """True for a temp file left by :func:`atomic_output` (e.g. after a kill)."""
    return path.name.startswith(".") and TEMP_MARKER in path.name


def _open_error(path: Path, exc: OSError) -> ImageReadError:
    if isinstance(exc, PermissionError):
        return ImageReadError("permission denied: cannot read the file", path=path)
    if isinstance(exc, FileNotFoundError):
        return ImageReadError("the file does not exist", path=path)
    if isinstance(exc, IsADirectoryError):
        return ImageReadError("this is a folder, not an image file", path=path)
    return ImageReadError(f"cannot read the file ({exc.strerror or exc})", path=path)


def _sniff(path: Path, head: bytes) -> str:
    if not head:
        raise ImageReadError("the file is empty (0 bytes)", path=path)
    fmt = meta.sniff_format(head)
    if fmt in ("gif", "pdf"):
        raise UnsupportedFormatError(
            f"{fmt.upper()} files are not supported; convert to JPEG, PNG, TIFF, WebP or BMP", path=path
        )
    if fmt is None:
        claimed = _SUFFIX_FORMATS.get(path.suffix.lower(), path.suffix.lstrip(".").lower() or "image")
        raise UnsupportedFormatError(
            f"not a {claimed.upper()} file (its content is not JPEG, PNG, TIFF, WebP or BMP data)", path=path
        )
    return fmt


def _header(path: Path, data: bytes, fmt: str, *, complete: bool) -> meta.HeaderInfo | None:
    """Parse the container header; None when the first bytes were not enough to tell."""
    try:
        return meta.parse_header(data, fmt, complete=complete)
    except meta.NeedMoreData:
        return None
    except ValueError as exc:
        raise ImageReadError(str(exc), path=path) from exc


def _check_limit(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"{width}x{height} is {width * height / 1e6:.0f} megapixels, above the limit of "
            f"{max_pixels / 1e6:.0f} (raise --max-pixels to allow it)",
            path=path,
        )


def probe_image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the file header, without decoding pixels.

    Raises
    ------
    ImageReadError
        The file cannot be read or is not a supported image.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
            fmt = _sniff(path, head)
            if fmt == "tiff":
                fh.seek(0)
                return _tiff_size(path, fh)
            info = _header(path, head, fmt, complete=len(head) < _HEAD_BYTES)
            if info is None:
                info = _header(path, head + fh.read(), fmt, complete=True)
            assert info is not None  # complete=True never asks for more
            return info.width, info.height
    except OSError as exc:
        raise _open_error(path, exc) from exc


def _tiff_size(path: Path, fh: BinaryIO) -> tuple[int, int]:
    try:
        with tifffile.TiffFile(fh) as tif:
            page = tif.pages.first
            return int(page.imagewidth), int(page.imagelength)
    except (tifffile.TiffFileError, ValueError, IndexError, KeyError) as exc:
        raise ImageReadError(f"the TIFF file is damaged ({exc})", path=path) from exc


def read_image(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Decode one photo into display-oriented RGB or gray pixels plus its metadata.

    Parameters
    ----------
    path
        The image file (JPEG, PNG, TIFF, WebP or BMP, recognised by content).
    max_pixels
        Refuse images with more pixels than this, judged from the header before decoding.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageReadError
        Unreadable, empty, truncated or damaged file.
    UnsupportedFormatError
        Not one of the formats above.
    ImageTooLargeError
        More than ``max_pixels`` pixels.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
            fmt = _sniff(path, head)
            if fmt == "tiff":
                fh.seek(0)
                decoded = _read_tiff(path, fh, max_pixels)
            else:
                first = _header(path, head, fmt, complete=len(head) < _HEAD_BYTES)
                if first is not None:  # refuse before reading (let alone decoding) the rest
                    _check_limit(path, first.width, first.height, max_pixels)
                data = head + fh.read() if len(head) == _HEAD_BYTES else head
                info = _header(path, data, fmt, complete=True)
                assert info is not None
                _check_limit(path, info.width, info.height, max_pixels)
                decoded = _read_other(path, data, info)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    except ValueError as exc:
        raise ImageReadError(str(exc), path=path) from exc
    pixels = meta.apply_orientation(decoded.pixels, decoded.orientation)
    alpha = meta.apply_orientation(decoded.alpha, decoded.orientation) if decoded.alpha is not None else None
    if alpha is not None and alpha.dtype != pixels.dtype:
        alpha = _convert_depth(alpha, 16 if pixels.dtype == np.uint16 else 8)
    resolution = decoded.resolution
    if resolution is not None and decoded.orientation >= 5:  # 5..8 turn the image: x and y trade places
        resolution = resolution.swapped()
    metadata = ImageMetadata(
        fmt,
        decoded.icc,
        decoded.exif,
        tuple(decoded.warnings),
        resolution=(resolution.x, resolution.y) if resolution is not None else None,
        resolution_unit=resolution.unit if resolution is not None else "inch",
        xmp=decoded.xmp,
        iptc=decoded.iptc,
        text=decoded.text,
    )
    return LoadedImage(pixels, alpha, 16 if pixels.dtype == np.uint16 else 8, metadata, path)


def _read_other(path: Path, data: bytes, info: meta.HeaderInfo) -> _Decoded:
    name = info.format.upper()
    if info.truncated:
        raise ImageReadError(f"the {name} file is truncated (incomplete download or copy?)", path=path)
    warnings = [f"animated {name}: only the first frame was used"] if info.animated else []
    warnings.extend(info.notes)
    orientation = meta.exif_orientation(info.exif)
    resolution = res.choose(info.resolution, meta.exif_resolution(info.exif))
    if info.format == "jpeg" and info.components == 4:
        pixels, icc = _read_cmyk_jpeg(path, data, info.icc_profile)
        warnings.append("CMYK JPEG converted to RGB")
        return _Decoded(pixels, None, icc, info.exif, orientation, warnings, resolution, info.xmp, iptc=info.iptc)
    try:
        raw = _decode_pixels(info.format, data)
    except (RuntimeError, ValueError, OSError, EOFError) as exc:
        raise ImageReadError(f"the {name} data is damaged and could not be decoded", path=path) from exc
    if raw.dtype not in (np.uint8, np.uint16):
        raise UnsupportedFormatError(f"{raw.dtype} pixels are not supported (8 or 16 bit only)", path=path)
    alpha = None
    if raw.ndim == 3 and raw.shape[2] in (2, 4):  # gray + alpha, RGB + alpha
        alpha = np.ascontiguousarray(raw[:, :, -1])
        raw = raw[:, :, :-1]
        if info.format == "bmp" and not alpha.any():  # 32-bit BMPs often store 0 in the unused byte
            alpha = None
    if raw.ndim == 3 and raw.shape[2] == 1:
        raw = raw[:, :, 0]
    pixels = np.ascontiguousarray(raw)
    return _Decoded(
        pixels,
        alpha,
        info.icc_profile,
        info.exif,
        orientation,
        warnings,
        resolution,
        info.xmp,
        iptc=info.iptc,
        text=info.text,
    )


def _decode_pixels(fmt: str, data: bytes) -> np.ndarray:
    """Decode JPEG, PNG, WebP or BMP data to (H, W), (H, W, 2) gray + alpha, (H, W, 3) RGB or (H, W, 4) RGBA.

    PNG keeps 16 bits and expands palettes, low bit depths and tRNS colour keys
    (to alpha); the pixel limit was checked from the header before this runs.
    """
    if fmt == "png":
        return np.asarray(imagecodecs.png_decode(data))
    if fmt == "jpeg":
        return np.asarray(imagecodecs.jpeg8_decode(data))
    if fmt == "webp":
        return np.asarray(imagecodecs.webp_decode(data))
    # The plugin class itself, not Image.open: our own limit replaces Pillow's decompression-bomb check.
    with BmpImagePlugin.BmpImageFile(io.BytesIO(data)) as im:
        im.load()
        if im.mode == "P":
            rgb = im.convert("RGBA" if "transparency" in im.info else "RGB")
        elif im.mode in ("L", "RGB", "RGBA", "LA"):
            rgb = im
        else:
            rgb = im.convert("RGB")
        return np.array(rgb)


def _read_cmyk_jpeg(path: Path, data: bytes, icc: bytes | None) -> tuple[np.ndarray, bytes | None]:
    """CMYK to sRGB through the embedded profile when there is one, else the plain formula."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            transform = _cmyk.srgb_transform(icc)
            if transform is not None:
                try:
                    rgb = ImageCms.applyTransform(im, transform)
                    if rgb is not None:
                        return np.asarray(rgb.convert("RGB")), None
                except ImageCms.PyCMSError:
                    pass
            return np.asarray(im.convert("RGB")), None
    except (OSError, ValueError) as exc:
        raise ImageReadError(f"the CMYK JPEG data is damaged ({exc})", path=path) from exc


def _read_tiff(path: Path, fh: BinaryIO, max_pixels: int) -> _Decoded:
    try:
        with tifffile.TiffFile(fh) as tif:
            page = tif.pages.first
            _check_limit(path, int(page.imagewidth), int(page.imagelength), max_pixels)
            warnings = ["multi-page TIFF: only the first page was used"] if len(tif.pages) > 1 else []
            arr = page.asarray()
            tags = {tag.code: tag.value for tag in page.tags.values()}
            photometric = int(page.photometric)
            extrasamples = tuple(int(x) for x in (page.extrasamples or ()))
            planar = int(page.planarconfig)
            bits = int(page.bitspersample)
            colormap = page.colormap
    except ImageReadError:
        raise
    except KeyError as exc:  # tifffile names a missing codec this way
        raise UnsupportedFormatError(f"TIFF compression not supported ({exc})", path=path) from exc
    except (tifffile.TiffFileError, ValueError, IndexError, RuntimeError, EOFError) as exc:
        raise ImageReadError(f"the TIFF file is damaged or truncated ({exc})", path=path) from exc
    if planar == 2 and arr.ndim == 3 and arr.shape[0] < arr.shape[-1]:
        arr = np.moveaxis(arr, 0, -1)
    icc = tags.get(34675)
    icc_bytes = bytes(icc) if isinstance(icc, (bytes, bytearray, np.ndarray, tuple)) else None
    pixels, alpha = meta.tiff_pixels(path, arr, photometric, extrasamples, bits, colormap, warnings, icc_bytes)
    if photometric == 5:
        icc_bytes = None  # the pixels are sRGB now; the ink profile would misdescribe them
    orientation = tags.get(274, 1)
    orientation = int(orientation) if isinstance(orientation, int) and 1 <= int(orientation) <= 8 else 1
    sub_ifd: dict[int, Any] = {}
    if _TIFF_EXIF_IFD in tags:
        try:
            sub_ifd = _tiff_meta.read_exif_ifd(fh)
        except Exception:  # Pillow's IFD reader raises assorted errors; the EXIF is optional
            warnings.append("the TIFF's EXIF block is damaged and was dropped")
    return _Decoded(
        pixels,
        alpha,
        icc_bytes,
        _tiff_meta.tags_to_exif(tags, sub_ifd),
        orientation,
        warnings,
        resolution=res.from_tiff(tags),
        xmp=_tiff_meta.tag_bytes(tags.get(_TIFF_XMP)),
        iptc=_tiff_meta.tag_bytes(tags.get(_TIFF_IPTC)),
    )


def _convert_depth(pixels: np.ndarray, bit_depth: int) -> np.ndarray:
    if bit_depth == 8 and pixels.dtype == np.uint16:
        return ((pixels.astype(np.uint32) + 128) // 257).astype(np.uint8)
    if bit_depth == 16 and pixels.dtype == np.uint8:
        return pixels.astype(np.uint16) * np.uint16(257)
    return pixels


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a hidden temp path next to ``path``; it replaces ``path`` only if the block succeeds.

    The temp file is created empty (so its folder is known to be writable) and
    removed again on any error, including KeyboardInterrupt.
    """
    path = Path(path)
    for _ in range(100):
        tmp = path.parent / f".{path.name}{TEMP_MARKER}{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise ImageWriteError(_write_reason(exc, path), path=path) from exc
    else:
        raise ImageWriteError("could not create a temporary file", path=path)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_reason(exc: OSError, path: Path) -> str:
    folder = path.parent
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only file system"
    if isinstance(exc, PermissionError):
        return f"permission denied: cannot write into {folder}"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return f"the output folder {folder} does not exist or is not a folder"
    return f"cannot write the file ({exc.strerror or exc})"


def _output_format(path: Path, options: SaveOptions) -> str:
    fmt = options.format or _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(
            f"cannot write {fmt or path.suffix or 'files without a suffix'}; choose one of "
            + ", ".join(OUTPUT_FORMATS),
            path=path,
        )
    if options.tiff_compression not in _TIFF_COMPRESSION:
        raise UsageError(f"unknown TIFF compression {options.tiff_compression!r}; use none, zlib or lzw")
    if not 1 <= options.quality <= 100:
        raise UsageError(f"quality must be 1..100, not {options.quality}")
    if options.bit_depth not in (None, 8, 16):
        raise UsageError(f"bit depth must be 8 or 16, not {options.bit_depth}")
    return fmt


def write_image(
    path: Path,
    rgb: np.ndarray,
    *,
    alpha: np.ndarray | None = None,
    metadata: ImageMetadata | None = None,
    options: SaveOptions = SaveOptions(),
    colorization: str = "",
) -> None:
    """Encode ``rgb`` (gray (H, W) or RGB (H, W, 3)) to ``path`` atomically, tagged as colorized.

    The description (EXIF ImageDescription, PNG Description, TIFF
    ImageDescription) keeps the source's caption and adds our marker, with
    ``colorization`` (``provenance.colorization_note``: model and settings) in
    brackets after it.

    ICC and EXIF from ``metadata`` are kept where the format can hold them
    (orientation reset to 1, since pixels are already display-oriented); an ICC
    profile whose colour space no longer fits the pixels is dropped.

    Resolution goes into EXIF (exactly, in its own unit) and into the format's
    own field: JFIF as whole dpi (a centimetre value converted; an aspect
    ratio is not written there), PNG pHYs per metre (or as an aspect ratio),
    TIFF X/YResolution with the unit. XMP goes into JPEG APP1 (not past one
    64 KB segment: a larger packet is dropped), PNG iTXt, WebP "XMP " and TIFF
    tag 700. TIFF outputs keep the EXIF sub-IFD (DateTimeOriginal, scanner
    and camera settings) as a real EXIF IFD, except BigTIFF (over ~4 GiB
    uncompressed), which gets DateTimeOriginal as DateTime when there is none;
    GPS and the EXIF thumbnail are not written to TIFF. IPTC goes into TIFF
    tag 33723 and a JPEG APP13 (not past one 64 KB segment); PNG and WebP
    have no standard place for it. A metadata block that cannot be encoded is left out,
    never failing the write.

    Raises
    ------
    ImageWriteError
        The file could not be written; no partial file is left.
    UsageError
        Unknown format, quality or bit depth.
    """
    path = Path(path)
    fmt = _output_format(path, options)
    if rgb.ndim not in (2, 3) or (rgb.ndim == 3 and rgb.shape[2] != 3) or rgb.dtype not in (np.uint8, np.uint16):
        raise UsageError(f"pixels must be uint8/uint16 (H, W) or (H, W, 3), got {rgb.dtype} {rgb.shape}")
    depth = 8 if fmt in ("jpeg", "webp") else (options.bit_depth or (16 if rgb.dtype == np.uint16 else 8))
    pixels = _convert_depth(rgb, depth)
    if alpha is not None:
        alpha = _convert_depth(alpha, depth)
    metadata = metadata or ImageMetadata(source_format=fmt)
    channels = 1 if pixels.ndim == 2 else 3
    icc = metadata.icc_profile if meta.icc_matches(metadata.icc_profile, channels) else None
    try:
        with atomic_output(path) as tmp, open(tmp, "w+b") as fh:  # read too: TIFF outputs are patched
            source_exif = meta.exif_with_png_text(metadata.exif, metadata.text)
            description = provenance.output_description(meta.exif_caption(source_exif), colorization)
            _encode_to(fh, fmt, pixels, alpha, icc, metadata, options, description, source_exif)
            fh.flush()
            os.fsync(fh.fileno())
    except ImageWriteError:
        raise
    except OSError as exc:
        raise ImageWriteError(_write_reason(exc, path), path=path) from exc


def _encode_to(
    fh: BinaryIO,
    fmt: str,
    pixels: np.ndarray,
    alpha: np.ndarray | None,
    icc: bytes | None,
    metadata: ImageMetadata,
    options: SaveOptions,
    description: str,
    source_exif: bytes | None,
) -> None:
    """Write the encoded image into an open file (the one place that touches encoders)."""
    h, w = pixels.shape[:2]
    resolution = _checked_resolution(metadata)
    exif = meta.build_exif(source_exif, software=SOFTWARE, description=description, size=(w, h), resolution=resolution)
    xmp = metadata.xmp or None
    if fmt == "png":
        phys = res.phys_body(resolution) if resolution is not None else None
        text = [("Software", SOFTWARE), ("Description", meta.readable_text(description))]
        text += [(key, value) for key, value in metadata.text if key not in ("Software", "Description")]
        _write_png(fh, pixels, alpha, icc, exif, phys, xmp, text)
    elif fmt == "tiff":
        _write_tiff(fh, pixels, alpha, icc, exif, resolution, xmp, metadata.iptc, options.tiff_compression, description)
    else:
        im = _to_pil(pixels, alpha if fmt == "webp" else None, webp=fmt == "webp")
        if fmt == "jpeg" and len(exif) > _JPEG_SEGMENT_MAX:  # e.g. a huge maker note: keep our own tags
            exif = meta.build_exif(None, software=SOFTWARE, description=description, size=(w, h), resolution=resolution)
        kwargs: dict[str, object] = {"quality": options.quality, "exif": exif}
        if icc:
            kwargs["icc_profile"] = icc
        if xmp and (fmt == "webp" or len(xmp) <= _JPEG_XMP_MAX):
            kwargs["xmp"] = xmp
        dpi = resolution.dpi() if resolution is not None else None
        if fmt == "jpeg" and dpi is not None and all(1 <= round(d) <= 65535 for d in dpi):
            kwargs["dpi"] = dpi  # JFIF density: whole dots per inch
        if fmt == "jpeg" and metadata.iptc:
            _save_jpeg_with_iptc(fh, im, kwargs, metadata.iptc)
        else:
            im.save(fh, "JPEG" if fmt == "jpeg" else "WEBP", **kwargs)


def _save_jpeg_with_iptc(fh: BinaryIO, im: Image.Image, kwargs: dict[str, object], iptc: bytes) -> None:
    """Pillow cannot write APP13, so the JPEG is encoded in memory and the IPTC segment spliced in."""
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kwargs)
    encoded = buf.getvalue()
    fh.write(_iptc.with_iptc(encoded, iptc) or encoded)  # IPTC over 64 KB is left out


def _to_pil(pixels: np.ndarray, alpha: np.ndarray | None, *, webp: bool) -> Image.Image:
    if pixels.ndim == 2 and (webp or alpha is not None):
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)
    if alpha is not None:
        return Image.fromarray(np.dstack([pixels, alpha]), "RGBA")
    return Image.fromarray(pixels, "L" if pixels.ndim == 2 else "RGB")


def _write_png(
    fh: BinaryIO,
    pixels: np.ndarray,
    alpha: np.ndarray | None,
    icc: bytes | None,
    exif: bytes,
    phys: bytes | None,
    xmp: bytes | None,
    text: list[tuple[str, str]],
) -> None:
    if pixels.ndim == 2 and alpha is not None:
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)
    data = pixels if alpha is None else np.dstack([pixels, alpha])
    try:
        # zlib level 3 with the RLE strategy and the Sub filter, as the OpenCV encoder used before did
        buf = imagecodecs.png_encode(np.ascontiguousarray(data), level=3, strategy=3, filter=16)
    except (RuntimeError, ValueError) as exc:
        raise OSError(errno.EIO, f"the PNG encoder failed ({exc})") from exc
    fh.write(meta.png_with_chunks(bytes(buf), icc=icc, exif=exif, text=text, phys=phys, xmp=xmp))


def _write_tiff(
    fh: BinaryIO,
    pixels: np.ndarray,
    alpha: np.ndarray | None,
    icc: bytes | None,
    exif: bytes,
    resolution: res.Resolution | None,
    xmp: bytes | None,
    iptc: bytes | None,
    compression: str,
    description: str,
) -> None:
    """tifffile does the image; ``exif`` (as built for the output) gives the IFD0 text tags and the sub-IFD."""
    data = pixels if alpha is None else np.dstack([pixels, alpha])
    codec = _TIFF_COMPRESSION[compression]
    big = codec is None and data.nbytes > _BIGTIFF_BYTES
    sub_ifd = {} if big else _tiff_meta.writable_exif_ifd(meta.exif_sub_ifd(exif))
    text = _tiff_meta.text_tags(exif, date_from_original=not sub_ifd)
    extratags: list[tuple[int, int | str, int, Any, bool]] = [(code, "s", 0, value, True) for code, value in text]
    if xmp:
        extratags.append((_TIFF_XMP, 1, len(xmp), xmp, True))  # BYTE, as the XMP spec asks
    if iptc:
        extratags.append((_TIFF_IPTC, 7, len(iptc), iptc, True))
    if sub_ifd:
        extratags.append(_tiff_meta.EXIF_PLACEHOLDER)
    if resolution is not None:
        placement: dict[str, Any] = {
            "resolution": (resolution.x, resolution.y),
            "resolutionunit": res.EXIF_UNIT_CODES[resolution.unit],
        }
    else:
        placement = {}
    try:
        tifffile.imwrite(
            fh,
            data,
            bigtiff=big,
            photometric="minisblack" if pixels.ndim == 2 else "rgb",
            extrasamples=("unassalpha",) if alpha is not None else None,
            compression=codec,
            predictor=codec is not None and _has_imagecodecs(),
            software=SOFTWARE,
            description=meta.writable_read_text(description),
            metadata=None,
            iccprofile=icc,
            extratags=extratags,
            **placement,
        )
    except KeyError as exc:
        raise UsageError(f"TIFF {compression} compression needs the imagecodecs package; use zlib") from exc
    if sub_ifd:
        _tiff_meta.link_exif_ifd(fh, sub_ifd)


def _has_imagecodecs() -> bool:
    try:
        import imagecodecs  # noqa: F401
    except ImportError:
        return False
    return True
