"""The batch dock: folders in, a folder out, options, Start/Cancel, progress, ETA and failures.

The work is :func:`core.batch.run_batch` in a :class:`~.workers.BatchWorker`;
Cancel sets its token, and the engine's atomic writes leave no partial file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from colorizer_gui.core.batch import BatchOptions, BatchReport, FileStatus, Progress
from colorizer_gui.core.imageio import OUTPUT_FORMATS
from colorizer_gui.core.session import ColorizerSession

from .qtcompat import emit
from .save_options_dialog import FORMAT_LABELS
from .settings import STRENGTH_PERCENT_RANGE, AppSettings
from .workers import BatchWorker

__all__ = ["BatchPanel", "format_eta"]

SessionFactory = Callable[[str], ColorizerSession]


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def keyed(button: QPushButton, tip: str, key: str | None = None) -> QPushButton:
    """Give ``button`` its keys (``key``, else its Alt mnemonic) and name them in the tooltip."""
    if key is not None:
        button.setShortcut(QKeySequence(key))
    keys = button.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    button.setToolTip(f"{tip} ({keys})" if keys else tip)
    return button


class BatchPanel(QDockWidget):
    """Sets up and watches one batch run at a time."""

    batchFinished = Signal(object)  # BatchReport

    def __init__(
        self,
        settings: AppSettings,
        worker: BatchWorker,
        session_for: SessionFactory | None,
        providers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Batch", parent)
        self.setObjectName("BatchPanel")
        self._settings = settings
        self._worker = worker
        self._session_for = session_for
        self._report: BatchReport | None = None
        #: What "Open output folder" calls; tests replace it.
        self.url_opener: Callable[[QUrl], object] = QDesktopServices.openUrl

        self.inputs = QListWidget()
        self.inputs.setToolTip("Folders (searched recursively) and files to colorize")
        add_button = keyed(QPushButton("&Add folder…"), "Add an input folder")
        add_button.clicked.connect(self._browse_input)
        remove_button = keyed(QPushButton("Re&move"), "Remove the selected inputs")
        remove_button.clicked.connect(self._remove_selected)
        self.output = QLineEdit()
        self.output.setPlaceholderText("Output folder")
        browse_out = keyed(QPushButton("B&rowse…"), "Choose the output folder")
        browse_out.clicked.connect(self._browse_output)
        self.format_box = QComboBox()
        self.format_box.addItem("Keep the input's format", None)
        for key in OUTPUT_FORMATS:
            self.format_box.addItem(FORMAT_LABELS.get(key, key), key)
        self.existing_box = QComboBox()
        self.existing_box.addItem("Skip existing outputs", False)
        self.existing_box.addItem("Overwrite existing outputs", True)
        self.strength_box = QSpinBox()
        self.strength_box.setRange(*STRENGTH_PERCENT_RANGE)
        self.strength_box.setSingleStep(5)
        self.strength_box.setSuffix(" %")
        self.strength_box.setToolTip(
            "How strongly the automatic colours are applied (100 % is the model's own); "
            "hints from sidecar files keep their colour, and a photo saved with its own strength keeps it"
        )
        self.provider_box = QComboBox()
        for name in ["auto", *providers]:
            self.provider_box.addItem(name, name)

        self.start_button = keyed(
            QPushButton("Start"),
            "Colorize every input into the output folder (the computer is kept from sleeping until it ends)",
            "Ctrl+Return",
        )
        self.start_button.clicked.connect(self.start)
        self.cancel_button = keyed(QPushButton("&Cancel"), "Stop after the files being written")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%v / %m")
        self.progress_bar.setValue(0)
        self.status = QLabel("Add folders, choose an output folder and press Start.")
        self.status.setWordWrap(True)
        self.failures = QListWidget()
        self.failures.setToolTip("Files that could not be colorized, with the reason")
        self.open_output_button = keyed(QPushButton("&Open output folder"), "Show the results in the file manager")
        self.open_output_button.setEnabled(False)
        self.open_output_button.clicked.connect(self.open_output)

        in_buttons = QHBoxLayout()
        in_buttons.addWidget(add_button)
        in_buttons.addWidget(remove_button)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse_out)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Existing", self.existing_box)
        form.addRow("Colour strength", self.strength_box)
        form.addRow("Provider", self.provider_box)
        run_row = QHBoxLayout()
        run_row.addWidget(self.start_button)
        run_row.addWidget(self.cancel_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel("<b>Inputs</b>"))
        layout.addWidget(self.inputs, 1)
        layout.addLayout(in_buttons)
        layout.addWidget(QLabel("<b>Output folder</b>"))
        layout.addLayout(out_row)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("<b>Failures</b>"))
        layout.addWidget(self.failures, 1)
        layout.addWidget(self.open_output_button)
        self.setWidget(body)

        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._restore()

    # -- settings --------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self._settings
        for path in s.batch_inputs:
            self.add_input(path, remember=False)
        if s.batch_output is not None:
            self.output.setText(str(s.batch_output))
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(s.batch_format)))
        self.existing_box.setCurrentIndex(1 if s.batch_overwrite else 0)
        self.strength_box.setValue(s.batch_strength)
        self.provider_box.setCurrentIndex(max(0, self.provider_box.findData(s.batch_provider)))

    def _remember(self) -> None:
        s = self._settings
        s.batch_inputs = self.input_paths()
        s.batch_output = self.output_dir()
        s.batch_format = self.format_box.currentData()
        s.batch_overwrite = bool(self.existing_box.currentData())
        s.batch_strength = self.strength_box.value()
        s.batch_provider = str(self.provider_box.currentData())

    # -- inputs and output -----------------------------------------------------------------------
    def input_paths(self) -> list[Path]:
        return [Path(self.inputs.item(i).text()) for i in range(self.inputs.count())]

    def add_input(self, path: Path, *, remember: bool = True) -> None:
        if Path(path) not in self.input_paths():
            self.inputs.addItem(str(path))
        if remember:
            self._settings.batch_inputs = self.input_paths()

    def set_inputs(self, paths: list[Path]) -> None:
        self.inputs.clear()
        for path in paths:
            self.add_input(path)

    def output_dir(self) -> Path | None:
        text = self.output.text().strip()
        return Path(text) if text else None

    def set_output(self, path: Path) -> None:
        self.output.setText(str(path))

    def set_session_factory(self, session_for: SessionFactory | None) -> None:
        self._session_for = session_for

    def _browse_input(self) -> None:
        start = str(self.input_paths()[-1]) if self.inputs.count() else ""
        folder = QFileDialog.getExistingDirectory(self, "Add an input folder", start)
        if folder:
            self.add_input(Path(folder))

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the output folder", self.output.text())
        if folder:
            self.set_output(Path(folder))

    def _remove_selected(self) -> None:
        for item in self.inputs.selectedItems():
            self.inputs.takeItem(self.inputs.row(item))
        self._settings.batch_inputs = self.input_paths()

    # -- running ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._worker.running

    @property
    def report(self) -> BatchReport | None:
        return self._report

    def start(self) -> bool:
        """Start the batch; False (with the reason shown) when something is missing."""
        inputs, output = self.input_paths(), self.output_dir()
        problem = None
        if self._session_for is None:
            problem = "No model is loaded, so nothing can be colorized (see Help ▸ About)."
        elif not inputs:
            problem = "Add at least one input folder."
        elif output is None:
            problem = "Choose an output folder."
        if problem is not None or output is None or self._session_for is None:
            self.status.setText(problem or "")
            return False
        self._remember()
        options = BatchOptions(
            output_dir=output,
            save=self._settings.save_options,
            output_format=self.format_box.currentData(),
            overwrite=bool(self.existing_box.currentData()),
            strength=self.strength_box.value() / 100,
        )
        provider, session_for = str(self.provider_box.currentData()), self._session_for
        self._report = None
        self.failures.clear()
        self.progress_bar.setRange(0, 0)
        self.status.setText("Planning…")
        self.open_output_button.setEnabled(False)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._worker.start(lambda: session_for(provider), inputs, options)
        return True

    def cancel(self) -> None:
        if self._worker.running:
            self._worker.cancel()
            self.status.setText("Cancelling: finishing the files being written…")
            self.cancel_button.setEnabled(False)

    def _on_progress(self, progress: Progress) -> None:
        self.progress_bar.setRange(0, max(progress.total, 1))
        self.progress_bar.setValue(progress.done)
        text = f"{progress.done} of {progress.total} · {progress.ok} done, {progress.skipped} skipped"
        if progress.failed:
            text += f", {progress.failed} failed"
        if progress.done < progress.total:
            text += f" · ETA {format_eta(progress.eta_s)}"
        self.status.setText(text)
        last = progress.last
        if last is not None and last.status is FileStatus.FAILED:
            self.failures.addItem(f"{last.source.name} — {last.reason}")
            self.failures.item(self.failures.count() - 1).setToolTip(str(last.source))

    def _on_finished(self, report: BatchReport) -> None:
        self._report = report
        self._idle()
        what = "Cancelled" if report.cancelled else "Finished"
        self.status.setText(f"{what}: {report.ok} colorized, {report.skipped} skipped, {report.failed} failed.")
        self.open_output_button.setEnabled(self.output_dir() is not None)
        emit(self.batchFinished, report)

    def _on_failed(self, message: str) -> None:
        self._idle()
        self.status.setText(f"The batch could not run: {message}")

    def _idle(self) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self.progress_bar.maximum() == 0:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)

    def open_output(self) -> None:
        folder = self.output_dir()
        if folder is not None:
            self.url_opener(QUrl.fromLocalFile(str(folder)))

    def focus(self) -> None:
        """Show and raise the dock (a folder was dropped)."""
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
