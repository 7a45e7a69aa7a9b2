"""What an output says about itself: its caption kept, and how it was colorized.

Archives label a colorized derivative as such, and a caption typed into the
scan's ImageDescription is the archive's own record: it must survive. So the
output's description is the source caption followed by our marker with the
model and settings, and a second pass over our own output does not stack
markers.
"""

from __future__ import annotations

__all__ = ["MARKER", "colorization_note", "output_description", "source_caption"]

MARKER = "Colorized by Colorizer"
#: Descriptions that tools write for themselves, not captions (tifffile's shape JSON, ImageJ's header).
_TOOL_DESCRIPTIONS = ('{"shape"', "ImageJ=", "shape=(")


def colorization_note(model_version: str, strength: float = 1.0, hint_count: int = 0) -> str:
    """``model 0.2.1, colour strength 80 %, 3 hints`` (the model's own strength and no hints go unsaid)."""
    parts = [f"model {model_version}"]
    if strength != 1:
        parts.append(f"colour strength {strength * 100:.0f} %")
    if hint_count:
        parts.append(f"{hint_count} hint{'s' if hint_count != 1 else ''}")
    return ", ".join(parts)


def source_caption(description: object) -> str | None:
    """The caption a source's description holds, or None (empty, a tool's own text, or only our marker)."""
    if not isinstance(description, str):
        return None
    text = description.strip("\x00 \t\r\n")
    if not text or text.startswith(_TOOL_DESCRIPTIONS) or text.startswith(MARKER):
        return None
    ours = text.rfind(f" [{MARKER}")
    if ours > 0 and text.endswith("]"):
        text = text[:ours].rstrip()
    return text or None


def output_description(caption: str | None, note: str = "") -> str:
    """``<caption> [Colorized by Colorizer (<note>)]``, or the marker alone without a caption."""
    ours = f"{MARKER} ({note})" if note else MARKER
    caption = source_caption(caption)
    return f"{caption} [{ours}]" if caption else ours
