"""Output options for Save As: format, quality, bit depth, TIFF compression."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from colorizer_gui.core.imageio import OUTPUT_FORMATS, SaveOptions

__all__ = ["SaveOptionsDialog"]

FORMAT_LABELS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "webp": "WebP"}
LOSSY = frozenset({"jpeg", "webp"})
DEEP = frozenset({"png", "tiff"})
TIFF_COMPRESSIONS = ("zlib", "lzw", "none")


class SaveOptionsDialog(QDialog):
    """Edits a :class:`SaveOptions`; fields that do not apply to the format are disabled."""

    def __init__(self, options: SaveOptions, parent: QWidget | None = None, *, format: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Output options")
        self.format_box = QComboBox()
        for key in OUTPUT_FORMATS:
            self.format_box.addItem(FORMAT_LABELS.get(key, key), key)
        chosen = format or options.format or "jpeg"
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(chosen)))
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setValue(options.quality)
        self.quality.setToolTip("JPEG and WebP quality (higher is larger and better)")
        self.depth_box = QComboBox()
        self.depth_box.addItem("Same as the photo", None)
        self.depth_box.addItem("8 bits per channel", 8)
        self.depth_box.addItem("16 bits per channel", 16)
        self.depth_box.setCurrentIndex(max(0, self.depth_box.findData(options.bit_depth)))
        self.depth_box.setToolTip("16 bits keep scans' tonal range (PNG and TIFF only)")
        self.compression_box = QComboBox()
        for name in TIFF_COMPRESSIONS:
            self.compression_box.addItem(name, name)
        self.compression_box.setCurrentIndex(max(0, self.compression_box.findData(options.tiff_compression)))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Format", self.format_box)
        layout.addRow("Quality", self.quality)
        layout.addRow("Bit depth", self.depth_box)
        layout.addRow("TIFF compression", self.compression_box)
        layout.addRow(buttons)
        self.format_box.currentIndexChanged.connect(self._update_enabled)
        self._update_enabled()

    def selected_format(self) -> str:
        return str(self.format_box.currentData())

    def _update_enabled(self) -> None:
        fmt = self.selected_format()
        self.quality.setEnabled(fmt in LOSSY)
        self.depth_box.setEnabled(fmt in DEEP)
        self.compression_box.setEnabled(fmt == "tiff")

    def options(self) -> SaveOptions:
        """The options as edited (JPEG/WebP are always 8-bit, so depth is left to the format)."""
        fmt = self.selected_format()
        depth = self.depth_box.currentData() if fmt in DEEP else None
        return SaveOptions(
            format=fmt,
            quality=self.quality.value(),
            bit_depth=depth,
            tiff_compression=str(self.compression_box.currentData()),
        )
