"""``colorizer --self-test``: prove a build works on this machine without a display.

It loads the model the app would use (bundled, ``$COLORIZER_MODEL`` or ``--model``) with
the best execution provider, colorizes the bundled sample photo and checks the result
on real pixels: right shape and dtype, the input's luminance kept, and actual colour.
It also round-trips a small image through every output codec (imagecodecs loads its
codecs lazily, so a build can miss one without any import failing).
Only the Qt-free core is used, so it runs headless on a build machine or in CI.
It prints the provider and the timings and returns 0, or prints one line
``self-test FAILED: <reason>`` to stderr and returns 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from colorizer_gui import __version__
from colorizer_gui._bundle import bundle_root, is_frozen, resource_dir
from colorizer_gui.core.errors import ColorizerError

__all__ = [
    "MAX_LUMINANCE_ERROR",
    "MIN_MEAN_CHROMA",
    "SelfTestFailure",
    "SelfTestReport",
    "default_sample",
    "main",
    "run_self_test",
]

SAMPLE_NAME = "solvay_conference_1927.jpg"
#: Largest mean |L_out - L_in| (Lab L, 0..100) accepted; gamut clipping and 8-bit rounding stay well below.
MAX_LUMINANCE_ERROR = 2.0
#: Smallest mean chroma sqrt(a² + b²) that counts as "colorized"; a gray image scores about 0.
MIN_MEAN_CHROMA = 3.0


class SelfTestFailure(Exception):
    """A self-test step failed; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class SelfTestReport:
    """What the self-test measured, for printing and for tests."""

    runtime: str
    model_path: Path
    model_version: str
    working_size: int
    provider: str
    available: tuple[str, ...]
    image_path: Path
    image_size: tuple[int, int]
    load_s: float
    colorize_s: float
    inference_s: float
    luminance_error: float
    mean_chroma: float
    codecs: tuple[str, ...] = ()


def default_sample() -> Path:
    """The bundled sample photo (``resources/samples``), from source or from the bundle."""
    return resource_dir() / "samples" / SAMPLE_NAME


def _check_result(pixels: np.ndarray, result: np.ndarray) -> tuple[float, float]:
    """Check shape, dtype, kept luminance and real colour; return (luminance error, mean chroma)."""
    from colorizer_gui.core import color, pipeline

    height, width = pixels.shape[:2]
    if result.shape != (height, width, 3):
        raise SelfTestFailure(f"output has shape {result.shape}, expected {(height, width, 3)}")
    if result.dtype != pixels.dtype:
        raise SelfTestFailure(f"output dtype is {result.dtype}, expected {pixels.dtype} like the input")
    luminance_error = float(np.mean(np.abs(pipeline.luminance(result) - pipeline.luminance(pixels))))
    if not luminance_error <= MAX_LUMINANCE_ERROR:
        raise SelfTestFailure(
            f"luminance changed by {luminance_error:.2f} L on average (at most {MAX_LUMINANCE_ERROR} allowed)"
        )
    lab = color.srgb_to_lab(color.to_unit_float(result))
    mean_chroma = float(np.mean(np.hypot(lab[..., 1], lab[..., 2])))
    if not mean_chroma >= MIN_MEAN_CHROMA:
        raise SelfTestFailure(
            f"output is gray: mean chroma {mean_chroma:.2f} is below {MIN_MEAN_CHROMA} (the model predicted no colour)"
        )
    return luminance_error, mean_chroma


def check_codecs() -> tuple[str, ...]:
    """Round-trip a 16-bit RGBA PNG, a 16-bit TIFF, a WebP with alpha and a JPEG, and build an ICC transform."""
    import tempfile

    from colorizer_gui.core import imageio

    ramp = (np.arange(8 * 12 * 3, dtype=np.uint16).reshape(8, 12, 3) * 181).astype(np.uint16)
    alpha = np.full((8, 12), 40000, dtype=np.uint16)
    cases = [
        ("png", ".png", 16, alpha),
        ("tiff", ".tif", 16, None),
        ("webp", ".webp", 8, alpha),
        ("jpeg", ".jpg", 8, None),
    ]
    with tempfile.TemporaryDirectory(prefix="colorizer-selftest-") as folder:
        for fmt, suffix, depth, extra in cases:
            path = Path(folder) / f"codec{suffix}"
            try:
                imageio.write_image(path, ramp, alpha=extra)
                back = imageio.read_image(path)
            except Exception as exc:  # a missing codec module shows up as any kind of error
                raise SelfTestFailure(f"{fmt.upper()} codec failed: {type(exc).__name__}: {exc}") from exc
            if back.pixels.shape != ramp.shape or back.bit_depth != depth or (back.alpha is None) != (extra is None):
                raise SelfTestFailure(
                    f"{fmt.upper()} round trip gave {back.pixels.shape} at {back.bit_depth} bit, "
                    f"alpha {'kept' if back.alpha is not None else 'lost'}"
                )
    try:  # CMYK scans are read through their ICC profile: LittleCMS must be in the build
        from PIL import ImageCms

        ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("sRGB"), "RGB", "RGB")
    except Exception as exc:
        raise SelfTestFailure(f"colour management (LittleCMS) failed: {type(exc).__name__}: {exc}") from exc
    return (*(fmt for fmt, *_ in cases), "icc")


def _loaded_dll(name: str) -> Path | None:
    """Full path of a DLL already loaded in this process (Windows), to prove which copy is used."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetModuleHandleW.argtypes = [wintypes.LPCWSTR]
    kernel32.GetModuleHandleW.restype = wintypes.HMODULE
    kernel32.GetModuleFileNameW.argtypes = [wintypes.HMODULE, wintypes.LPWSTR, wintypes.DWORD]
    handle = kernel32.GetModuleHandleW(name)
    if not handle:
        return None
    buffer = ctypes.create_unicode_buffer(32768)
    length = kernel32.GetModuleFileNameW(handle, buffer, len(buffer))
    return Path(buffer.value) if length else None


def runtime_description() -> str:
    """Which onnxruntime runs, and from where; in a frozen Windows app its DLL must be the bundle's own."""
    import onnxruntime

    text = f"onnxruntime {onnxruntime.__version__} from {Path(onnxruntime.__file__).parent}"
    dll = _loaded_dll("onnxruntime.dll")
    if dll is not None:
        text += f", onnxruntime.dll from {dll.parent}"
        if is_frozen() and bundle_root().resolve() not in dll.resolve().parents:
            raise SelfTestFailure(
                f"onnxruntime.dll was loaded from {dll}, not from the bundle; "
                "the runtime hook packaging/pyi_rth_onnxruntime.py did not run"
            )
    return text


def run_self_test(
    *, model: Path | None = None, provider: str | None = None, image: Path | None = None
) -> SelfTestReport:
    """Load the model, colorize the sample, check it; raise :class:`SelfTestFailure` on any problem."""
    from colorizer_gui.core import imageio, pipeline, session

    image_path = image if image is not None else default_sample()
    try:
        model_path = session.find_model(model)
        started = time.perf_counter()
        colorizer = session.ColorizerSession(model_path, provider=provider)
        load_s = time.perf_counter() - started
        loaded = imageio.read_image(image_path)
        started = time.perf_counter()
        result = pipeline.colorize(colorizer, loaded.pixels)
        colorize_s = time.perf_counter() - started
    except ColorizerError as exc:
        raise SelfTestFailure(str(exc)) from exc
    luminance_error, mean_chroma = _check_result(loaded.pixels, result)
    codecs = check_codecs()
    return SelfTestReport(
        runtime=runtime_description(),
        model_path=colorizer.info.path,
        model_version=colorizer.info.version,
        working_size=colorizer.info.working_size,
        provider=colorizer.active_provider,
        available=tuple(session.available_providers()),
        image_path=image_path,
        image_size=loaded.size,
        load_s=load_s,
        colorize_s=colorize_s,
        inference_s=float(colorizer.last_inference_s),
        luminance_error=luminance_error,
        mean_chroma=mean_chroma,
        codecs=codecs,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="colorizer --self-test",
        description="Colorize the bundled sample headlessly and check the result.",
    )
    parser.add_argument("--model", type=Path, help="ONNX model (default: $COLORIZER_MODEL, then the bundled one)")
    parser.add_argument("--provider", help="execution provider: auto (default), cpu, cuda, directml, coreml")
    parser.add_argument("--image", type=Path, help="photo to colorize (default: the bundled sample)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the self-test, print its report and return the exit status (0 = passed)."""
    args = _parser().parse_args(argv)
    print(f"Colorizer {__version__} self-test", flush=True)
    try:
        report = run_self_test(model=args.model, provider=args.provider, image=args.image)
    except SelfTestFailure as exc:
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a broken bundle (missing DLL, missing module) must still say why
        print(f"self-test FAILED: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    width, height = report.image_size
    print(f"model: {report.model_path} (version {report.model_version}, working size {report.working_size})")
    print(f"provider: {report.provider} (available: {', '.join(report.available)})")
    print(f"runtime: {report.runtime}")
    print(f"image: {report.image_path.name} {width}x{height}")
    print(
        f"timing: load {report.load_s:.3f} s, colorize {report.colorize_s:.3f} s (inference {report.inference_s:.3f} s)"
    )
    print(
        f"checks: luminance error {report.luminance_error:.2f} L (max {MAX_LUMINANCE_ERROR}), "
        f"mean chroma {report.mean_chroma:.1f} (min {MIN_MEAN_CHROMA})"
    )
    print(f"codecs: {', '.join(report.codecs)} written and read back")
    print("self-test OK")
    return 0
