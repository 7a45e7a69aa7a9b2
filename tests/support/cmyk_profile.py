"""A small but real CMYK ICC profile, so colour-managed CMYK reading is tested without a vendor file.

It is an ICC v2 output-device profile with one ``A2B0`` lut16 table over a
2-node-per-ink grid. Its inks mean the plain ``(1 - ink)(1 - K)`` colours,
except that cyan ink prints **magenta** (and magenta cyan): a reader that uses the profile gives
magenta for 100 % cyan, one that ignores it gives cyan.
"""

from __future__ import annotations

import itertools
import struct

import numpy as np

from colorizer_gui.core import color

__all__ = ["cmyk_profile", "profile_rgb"]

_D50 = (0.9642, 1.0, 0.8249)


def profile_rgb(c: float, m: float, y: float, k: float) -> tuple[float, float, float]:
    """The sRGB (0..1) this profile gives at the grid corners: cyan and magenta ink trade places."""
    return ((1 - m) * (1 - k), (1 - c) * (1 - k), (1 - y) * (1 - k))


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz: tuple[float, float, float]) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15(v) for v in xyz)


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * (4 + 4 + 2 + 1 + 67)


def _lut16_tag() -> bytes:
    corners = list(itertools.product((0, 1), repeat=4))  # first ink varies slowest, as the ICC grid runs
    rgb = np.array([profile_rgb(*corner) for corner in corners], dtype=np.float32)
    lab = color.srgb_to_lab(rgb)
    clut = bytearray()
    for lightness, a, b in lab:
        clut += struct.pack(
            ">3H",
            round(float(np.clip(lightness, 0, 100)) * 0xFF00 / 100),
            round(float(np.clip(a + 128, 0, 255.996)) * 256),
            round(float(np.clip(b + 128, 0, 255.996)) * 256),
        )
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    ramp = struct.pack(">2H", 0, 0xFFFF)
    head = b"mft2" + b"\0" * 4 + bytes([4, 3, 2, 0]) + identity + struct.pack(">2H", 2, 2)
    return head + ramp * 4 + bytes(clut) + ramp * 3


def cmyk_profile() -> bytes:
    """The profile's bytes (about 500), ready for a TIFF tag 34675 or a JPEG ``icc_profile``."""
    tags = [(b"desc", _desc_tag("Colorizer test CMYK (cyan prints magenta)")), (b"wtpt", _xyz_tag(_D50))]
    tags.append((b"A2B0", _lut16_tag()))
    offset = 128 + 4 + 12 * len(tags)
    table, body = bytearray(struct.pack(">I", len(tags))), bytearray()
    for signature, data in tags:
        table += signature + struct.pack(">2I", offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4  # preferred CMM
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"prtrCMYKLab "
        + b"\0" * 12  # date
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(_s15(v) for v in _D50)
        + b"\0" * 48  # creator, id, reserved
    )
    assert len(header) == 128
    return header + bytes(table) + bytes(body)
