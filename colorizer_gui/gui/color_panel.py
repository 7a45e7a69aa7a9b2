"""The colour controls: hint colour, suggestions for the clicked spot, brush and point size, colour strength."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .hint_document import RGB
from .qtcompat import emit
from .settings import STRENGTH_PERCENT_RANGE
from .suggestions import Suggestion

__all__ = ["ColorPanel"]

SUGGESTION_COLUMNS = 4
MAX_SUGGESTIONS = 8


def _swatch(rgb: RGB, size: int = 22) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*rgb))
    return QIcon(pixmap)


class ColorPanel(QWidget):
    """Owns the current hint colour and sizes; tools read them through the main window."""

    colorChanged = Signal(object)  # RGB
    suggestionChosen = Signal(object)  # RGB
    brushWidthChanged = Signal(int)
    pointRadiusChanged = Signal(int)
    strengthChanged = Signal(int)  # percent

    def __init__(
        self, color: RGB, brush_width: int, point_radius: int, strength: int = 100, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._color: RGB = color
        self.color_button = QPushButton("Colour…")
        self.color_button.setToolTip("Choose the hint colour (C); the eyedropper (I) takes it from the result")
        self.color_button.setIconSize(QSize(22, 22))
        self.color_button.clicked.connect(self.choose_color)

        self.brush_width = QSpinBox()
        self.brush_width.setRange(1, 400)
        self.brush_width.setSuffix(" px")
        self.brush_width.setValue(brush_width)
        self.brush_width.setToolTip("Brush and eraser width, in photo pixels")
        self.brush_width.valueChanged.connect(self.brushWidthChanged)
        self.point_radius = QSpinBox()
        self.point_radius.setRange(1, 200)
        self.point_radius.setSuffix(" px")
        self.point_radius.setValue(point_radius)
        self.point_radius.setToolTip("Radius of new point hints, in photo pixels")
        self.point_radius.valueChanged.connect(self.pointRadiusChanged)

        # The spin box owns the value (typed, arrow keys); the slider mirrors it for dragging.
        tip = "How strongly the automatic colours are applied; hints keep their own colour"
        self.strength = QSpinBox()
        self.strength.setRange(*STRENGTH_PERCENT_RANGE)
        self.strength.setSingleStep(5)
        self.strength.setSuffix(" %")
        self.strength.setValue(strength)
        self.strength.setToolTip(f"{tip} (100 % is the model's own; 0 % leaves the photo gray)")
        self.strength_slider = QSlider(Qt.Orientation.Horizontal)
        self.strength_slider.setRange(*STRENGTH_PERCENT_RANGE)
        self.strength_slider.setPageStep(10)
        self.strength_slider.setValue(strength)
        self.strength_slider.setToolTip(tip)
        self.strength_slider.valueChanged.connect(self.strength.setValue)
        self.strength.valueChanged.connect(self.strength_slider.setValue)
        self.strength.valueChanged.connect(self.strengthChanged)
        strength_row = QHBoxLayout()
        strength_row.addWidget(self.strength_slider, 1)
        strength_row.addWidget(self.strength)

        self.suggestion_label = QLabel("Click the photo with the point tool or the eyedropper for suggestions.")
        self.suggestion_label.setWordWrap(True)
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        self.suggestion_buttons: list[QToolButton] = []
        for index in range(MAX_SUGGESTIONS):
            button = QToolButton()
            button.setIconSize(QSize(28, 28))
            button.setVisible(False)
            button.clicked.connect(lambda _checked=False, i=index: self._choose_suggestion(i))
            self._grid.addWidget(button, index // SUGGESTION_COLUMNS, index % SUGGESTION_COLUMNS)
            self.suggestion_buttons.append(button)
        self._suggestions: list[Suggestion] = []

        form = QFormLayout()
        form.addRow("Colour", self.color_button)
        form.addRow("Brush width", self.brush_width)
        form.addRow("Point radius", self.point_radius)
        form.addRow("Colour strength", strength_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Suggested colours</b>"))
        layout.addWidget(self.suggestion_label)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        self._show_color()

    def color(self) -> RGB:
        return self._color

    def show_strength(self, percent: int) -> None:
        """Show the open photo's strength (opened, undone) without signalling it as a new choice."""
        for widget in (self.strength, self.strength_slider):
            blocked = widget.blockSignals(True)
            widget.setValue(percent)
            widget.blockSignals(blocked)

    def set_strength_enabled(self, enabled: bool) -> None:
        """The strength belongs to a photo, so it can only be moved while one is open."""
        self.strength.setEnabled(enabled)
        self.strength_slider.setEnabled(enabled)

    def set_color(self, rgb: RGB) -> None:
        rgb = (int(rgb[0]), int(rgb[1]), int(rgb[2]))
        if rgb != self._color:
            self._color = rgb
            self._show_color()
            emit(self.colorChanged, rgb)

    def choose_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(*self._color), self, "Hint colour")
        if chosen.isValid():
            self.set_color((chosen.red(), chosen.green(), chosen.blue()))

    @property
    def suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    def set_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        """Show these colours as buttons (the model's own colour first)."""
        self._suggestions = list(suggestions)[:MAX_SUGGESTIONS]
        for index, button in enumerate(self.suggestion_buttons):
            if index < len(self._suggestions):
                suggestion = self._suggestions[index]
                button.setIcon(_swatch(suggestion.rgb, 28))
                r, g, b = suggestion.rgb
                button.setToolTip(f"{suggestion.label}: #{r:02x}{g:02x}{b:02x}")
                button.setVisible(True)
            else:
                button.setVisible(False)
        if self._suggestions:
            self.suggestion_label.setText("For the clicked spot; the first is the model's own colour.")

    def _choose_suggestion(self, index: int) -> None:
        if index < len(self._suggestions):
            rgb = self._suggestions[index].rgb
            self.set_color(rgb)
            emit(self.suggestionChosen, rgb)

    def _show_color(self) -> None:
        r, g, b = self._color
        self.color_button.setIcon(_swatch(self._color))
        self.color_button.setText(f"#{r:02x}{g:02x}{b:02x}")
