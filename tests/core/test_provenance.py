"""A scan's caption survives colorizing, and the output says how it was colorized (without stacking)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image, PngImagePlugin

from colorizer_gui.core import imageio
from colorizer_gui.core.batch import BatchOptions, run_batch
from colorizer_gui.core.hints import HintPoint, Hints, save_hints, sidecar_path
from colorizer_gui.core.imageio import read_image, write_image
from colorizer_gui.core.provenance import colorization_note, output_description, source_caption
from colorizer_gui.core.session import ColorizerSession

CAPTION = "Main Street looking north, 1915. Gift of the Weber family."


def _gray(seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).integers(30, 220, (48, 64), dtype=np.uint8)


def description_of(path: Path) -> str:
    """The description an output carries where its format keeps it (TIFF tag 270, PNG text, EXIF)."""
    if path.suffix == ".tif":
        with tifffile.TiffFile(path) as tif:
            return str(tif.pages.first.tags["ImageDescription"].value)
    with Image.open(path) as im:
        if path.suffix == ".png":
            assert im.text["Description"] == im.getexif()[0x010E]  # both places agree
        return str(im.getexif()[0x010E])


def test_the_note_says_model_strength_and_hints_only_where_they_matter() -> None:
    assert colorization_note("0.2.1") == "model 0.2.1"
    assert colorization_note("0.2.1", 0.8, 3) == "model 0.2.1, colour strength 80 %, 3 hints"
    assert colorization_note("0.2.1", 1.0, 1) == "model 0.2.1, 1 hint"


def test_captions_are_told_from_tool_text_and_our_own_marker() -> None:
    assert source_caption(CAPTION) == CAPTION
    assert source_caption('{"shape": [48, 64]}') is None  # tifffile's own
    assert source_caption("ImageJ=1.54f\nimages=1") is None
    assert source_caption("Colorized by Colorizer (model 0.2.1)") is None
    assert source_caption("  \x00") is None and source_caption(None) is None and source_caption(b"x") is None
    ours = output_description(CAPTION, "model 0.2.1")
    assert ours == f"{CAPTION} [Colorized by Colorizer (model 0.2.1)]"
    assert output_description(ours, "model 0.3.0") == f"{CAPTION} [Colorized by Colorizer (model 0.3.0)]"
    assert output_description(None) == "Colorized by Colorizer"


def _captioned_jpeg(folder: Path) -> Path:
    path = folder / "scan.jpg"
    exif = Image.Exif()
    exif[0x010E] = CAPTION
    Image.fromarray(_gray()).convert("RGB").save(path, quality=95, exif=exif)
    return path


def _captioned_tiff(folder: Path) -> Path:
    path = folder / "scan.tif"
    tifffile.imwrite(path, np.stack([_gray()] * 3, axis=-1), description=CAPTION, metadata=None)
    return path


@pytest.mark.parametrize("make_source", [_captioned_jpeg, _captioned_tiff], ids=["jpeg", "tiff"])
@pytest.mark.parametrize("fmt", ["jpeg", "png", "tiff", "webp"])
def test_a_batch_keeps_the_caption_and_names_the_model_and_strength(
    tmp_path: Path, tiny_model: Path, make_source: object, fmt: str
) -> None:
    source = make_source(tmp_path)  # type: ignore[operator]
    session = ColorizerSession(tiny_model)
    report = run_batch(session, [source], BatchOptions(output_dir=tmp_path / "out", output_format=fmt, strength=0.8))
    assert report.ok == 1, report.results
    out = report.results[0].output
    assert out is not None
    note = f"model {session.info.version}, colour strength 80 %"
    assert description_of(out) == f"{CAPTION} [Colorized by Colorizer ({note})]"
    assert read_image(source).pixels.shape[:2] == (48, 64)  # the original is untouched and still reads


def test_hints_are_counted_and_a_second_pass_does_not_stack_markers(tmp_path: Path, tiny_model: Path) -> None:
    source = _captioned_jpeg(tmp_path)
    save_hints(
        sidecar_path(source),
        Hints(image_size=(64, 48), points=(HintPoint(10, 10, 4, (200, 40, 40)), HintPoint(40, 30, 4, (40, 40, 200)))),
    )
    session = ColorizerSession(tiny_model)
    first = run_batch(session, [source], BatchOptions(output_dir=tmp_path / "one"))
    out = first.results[0].output
    assert out is not None
    assert description_of(out) == f"{CAPTION} [Colorized by Colorizer (model {session.info.version}, 2 hints)]"
    again = run_batch(session, [out], BatchOptions(output_dir=tmp_path / "two"))
    out2 = again.results[0].output
    assert out2 is not None
    assert description_of(out2) == f"{CAPTION} [Colorized by Colorizer (model {session.info.version})]"


def test_without_a_caption_the_marker_stands_alone(tmp_path: Path) -> None:
    out = tmp_path / "plain.png"
    write_image(out, _gray(), colorization="model 9.9")
    assert description_of(out) == "Colorized by Colorizer (model 9.9)"
    plain = tmp_path / "plain.tif"
    tifffile.imwrite(plain, _gray())  # tifffile writes its own shape description
    loaded = read_image(plain)
    write_image(tmp_path / "again.tif", loaded.pixels, metadata=loaded.metadata)
    assert description_of(tmp_path / "again.tif") == imageio.DESCRIPTION


UTF8_CAPTION = "Straße am Kai — 1915, Sammlung Müller"


def _utf8_sources(folder: Path) -> list[Path]:
    """A JPEG whose EXIF text is UTF-8 bytes (as exiftool and DAMs write it) and a TIFF with the same."""
    exif = Image.Exif()
    exif[0x010E], exif[0x013B] = UTF8_CAPTION.encode("utf-8"), "Müller".encode()
    jpeg = folder / "utf8.jpg"
    Image.fromarray(_gray()).save(jpeg, exif=exif)
    tif = folder / "utf8.tif"
    artist = (0x013B, "s", 0, "Müller".encode(), True)
    tifffile.imwrite(tif, _gray(), description=UTF8_CAPTION.encode("utf-8"), metadata=None, extratags=[artist])
    return [jpeg, tif]


def _text_of(path: Path, tag: int) -> str:
    """A text tag of an output, decoded as UTF-8 from the bytes on disk."""
    if path.suffix == ".tif":
        with tifffile.TiffFile(path) as tif:
            return str(tif.pages.first.tags[tag].value)
    with Image.open(path) as im:
        return str(im.getexif()[tag]).encode("latin-1").decode("utf-8")  # Pillow reads bytes as Latin-1


@pytest.mark.parametrize("fmt", ["jpeg", "png", "tiff", "webp"])
def test_non_ascii_captions_and_artists_keep_every_character(tmp_path: Path, fmt: str) -> None:
    """Pillow alone writes each non-ASCII character as "?": "Müller" became "M??ller"."""
    for source in _utf8_sources(tmp_path):
        loaded = read_image(source)
        out = tmp_path / f"{source.stem}-out{imageio.OUTPUT_FORMATS[fmt]}"
        write_image(out, loaded.pixels, metadata=loaded.metadata, colorization="model 9.9")
        assert _text_of(out, 0x010E) == f"{UTF8_CAPTION} [Colorized by Colorizer (model 9.9)]", source.name
        assert _text_of(out, 0x013B) == "Müller", source.name
        if fmt == "png":
            with Image.open(out) as im:  # PNG's own text chunk, readable as is (iTXt: tEXt is Latin-1 only)
                assert im.text["Description"] == f"{UTF8_CAPTION} [Colorized by Colorizer (model 9.9)]"


def test_latin_1_exif_text_is_kept_byte_for_byte(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x013B] = b"M\xfcller"  # an older tool's Latin-1, not UTF-8
    source = tmp_path / "latin1.jpg"
    Image.fromarray(_gray()).save(source, exif=exif)
    loaded = read_image(source)
    write_image(tmp_path / "out.jpg", loaded.pixels, metadata=loaded.metadata)
    assert b"M\xfcller\x00" in (tmp_path / "out.jpg").read_bytes()


def _png_with_text(path: Path, *, damaged: bool = False) -> Path:
    """A PNG as a DAM leaves it: Title, Author, Copyright in tEXt, a zTXt comment, a UTF-8 iTXt caption."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "Harbour")
    info.add_text("Author", "A. Weber")
    info.add_text("Copyright", "City Archive")
    info.add_text("Comment", "scanned 2019 from the glass plate", zip=True)
    info.add_itxt("Description", UTF8_CAPTION)
    Image.fromarray(_gray()).save(path, pnginfo=info)
    if damaged:  # zero the zTXt's compressed bytes (and fix its CRC, so only the text is bad)
        data = bytearray(path.read_bytes())
        at = data.index(b"zTXt")
        length = struct.unpack(">I", data[at - 4 : at])[0]
        body_start = at + 4 + len(b"Comment") + 2
        data[body_start : at + 4 + length] = b"\x00" * (at + 4 + length - body_start)
        data[at + 4 + length : at + 8 + length] = struct.pack(">I", zlib.crc32(bytes(data[at : at + 4 + length])))
        path.write_bytes(bytes(data))
    return path


def test_a_pngs_text_travels_to_png_and_its_caption_and_credits_everywhere(tmp_path: Path) -> None:
    loaded = read_image(_png_with_text(tmp_path / "scan.png"))
    assert ("Comment", "scanned 2019 from the glass plate") in loaded.metadata.text
    png = tmp_path / "out.png"
    write_image(png, loaded.pixels, metadata=loaded.metadata, colorization="model 9.9")
    with Image.open(png) as im:
        assert im.text["Title"] == "Harbour" and im.text["Comment"] == "scanned 2019 from the glass plate"
        assert im.text["Description"] == f"{UTF8_CAPTION} [Colorized by Colorizer (model 9.9)]"
        assert im.text["Software"].startswith("Colorizer")
    for suffix in (".jpg", ".tif", ".webp"):
        out = tmp_path / f"out{suffix}"
        write_image(out, loaded.pixels, metadata=loaded.metadata, colorization="model 9.9")
        assert _text_of(out, 0x010E) == f"{UTF8_CAPTION} [Colorized by Colorizer (model 9.9)]", suffix
        assert _text_of(out, 0x013B) == "A. Weber" and _text_of(out, 0x8298) == "City Archive", suffix


def test_a_damaged_png_text_chunk_is_dropped_with_a_warning(tmp_path: Path) -> None:
    loaded = read_image(_png_with_text(tmp_path / "bad.png", damaged=True))
    assert loaded.pixels.shape == (48, 64)
    assert any("damaged PNG zTXt" in w for w in loaded.metadata.warnings)
    assert ("Title", "Harbour") in loaded.metadata.text
