"""IPTC-IIM in JPEG: the Photoshop resource block of APP13, read and written.

Archives and their DAMs have put captions, keywords, credits and rights into
IPTC for decades, and in a JPEG it lives inside Photoshop's "8BIM" resources
in APP13. Only the IPTC resource (0x0404) travels: the block's other
resources (thumbnails, resolution, paths) describe the gray original and
would be stale.
"""

from __future__ import annotations

import struct

__all__ = ["APP13_PREFIX", "SEGMENT_MAX", "iptc_from_resources", "with_iptc"]

APP13_PREFIX = b"Photoshop 3.0\x00"
_RESOURCE = b"8BIM"
_IPTC_ID = 0x0404
SEGMENT_MAX = 65533  # payload of one JPEG marker segment (length field less its own two bytes)


def iptc_from_resources(block: bytes) -> bytes | None:
    """The IPTC-IIM data in a Photoshop resource block (APP13 less its prefix), or None.

    Raises ValueError when the block is damaged before its IPTC resource is found.
    """
    pos, end = 0, len(block)
    while pos + 12 <= end:
        if block[pos : pos + 4] != _RESOURCE:
            raise ValueError("the Photoshop resource block is damaged")
        (resource,) = struct.unpack_from(">H", block, pos + 4)
        name_length = block[pos + 6]
        pos += 6 + ((name_length + 2) & ~1)  # the Pascal name, padded to an even length
        if pos + 4 > end:
            raise ValueError("the Photoshop resource block is truncated")
        (size,) = struct.unpack_from(">I", block, pos)
        pos += 4
        if pos + size > end:
            raise ValueError("the Photoshop resource block is truncated")
        if resource == _IPTC_ID:
            return bytes(block[pos : pos + size]) or None
        pos += size + (size & 1)
    return None


def _segment(iptc: bytes) -> bytes | None:
    """One APP13 segment holding ``iptc``, or None when it does not fit in 64 KB."""
    resource = _RESOURCE + struct.pack(">HHI", _IPTC_ID, 0, len(iptc)) + iptc + b"\x00" * (len(iptc) & 1)
    payload = APP13_PREFIX + resource
    if len(payload) > SEGMENT_MAX:
        return None
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def with_iptc(jpeg: bytes, iptc: bytes) -> bytes | None:
    """``jpeg`` with an APP13 holding ``iptc`` after its leading APPn segments; None if it is over 64 KB."""
    segment = _segment(iptc)
    if segment is None:
        return None
    pos = 2  # after SOI
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEC:
        (length,) = struct.unpack_from(">H", jpeg, pos + 2)
        pos += 2 + length
    return jpeg[:pos] + segment + jpeg[pos:]
