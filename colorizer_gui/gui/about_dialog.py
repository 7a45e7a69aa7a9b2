"""About Colorizer: version, the loaded model and its card, and the licences we ship under."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from colorizer_gui import __version__
from colorizer_gui._bundle import models_dir
from colorizer_gui.core.session import ModelInfo

__all__ = ["AboutDialog", "model_card_summary"]

CARD_NAME = "MODEL_CARD.md"
CARD_LINES = 12

LICENCES = (
    ("Colorizer", "Apache-2.0"),
    ("Qt for Python (PySide6)", "LGPL-3.0"),
    ("ONNX Runtime", "MIT"),
    ("NumPy", "BSD-3-Clause"),
    ("Pillow", "MIT-CMU (HPND)"),
    ("tifffile", "BSD-3-Clause"),
    ("imagecodecs", "BSD-3-Clause"),
)


def model_card_summary(model_path: Path | None, *, lines: int = CARD_LINES) -> str | None:
    """The first non-empty lines of MODEL_CARD.md next to the model (or in models/), if any."""
    places = [model_path.parent / CARD_NAME] if model_path is not None else []
    places.append(models_dir() / CARD_NAME)
    for place in places:
        try:
            text = place.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        kept = [line.rstrip() for line in text.splitlines() if line.strip()]
        return "\n".join(kept[:lines])
    return None


def about_html(info: ModelInfo | None, provider: str | None, model_error: str | None) -> str:
    parts = [f"<h2>Colorizer {html.escape(__version__)}</h2>"]
    parts.append("<p>Brings black-and-white photographs back to colour, with your colour hints.</p>")
    if info is not None:
        parts.append(
            "<h3>Model</h3><p>"
            f"<b>{html.escape(info.version)}</b> — {html.escape(info.description)}<br>"
            f"Trained on: {html.escape(info.data_summary)}<br>"
            f"Working size {info.working_size} px (the network sees {info.inference_size} px), "
            f"running on {html.escape(provider or '?')}<br>"
            f"<small>{html.escape(str(info.path))}</small></p>"
        )
    else:
        parts.append(f"<h3>Model</h3><p>No model loaded: {html.escape(model_error or 'unknown reason')}</p>")
    card = model_card_summary(info.path if info is not None else None)
    if card:
        parts.append(f"<h3>Model card</h3><pre style='white-space: pre-wrap'>{html.escape(card)}</pre>")
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(lic)}</td></tr>" for n, lic in LICENCES)
    parts.append(f"<h3>Licences</h3><table cellspacing='6'>{rows}</table>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(
        self,
        info: ModelInfo | None,
        provider: str | None,
        model_error: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Colorizer")
        self.resize(520, 560)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html(info, provider, model_error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons, alignment=Qt.AlignmentFlag.AlignRight)
