"""The main window: builds the widgets and actions and wires them to the editor; no logic of its own."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from colorizer_gui.core.imageio import (
    OUTPUT_FORMATS,
    SUPPORTED_INPUT_SUFFIXES,
    SaveOptions,
    format_for_suffix,
)
from colorizer_gui.core.session import ColorizerSession

from .about_dialog import AboutDialog
from .actions import Shortcut, distinct_keys, make_action, show_shortcut
from .batch_panel import BatchPanel
from .canvas import Canvas
from .color_panel import ColorPanel
from .editor import Editor, OpenedPhoto
from .hint_document import RGB
from .photo_switcher import PhotoSwitcher
from .qtcompat import emit
from .resources import icon
from .save_options_dialog import FORMAT_LABELS, SaveOptionsDialog
from .settings import STRENGTH_PERCENT_RANGE, AppSettings
from .tools import TOOL_CLASSES, Tool, ToolContext
from .unsaved_guard import UnsavedGuard
from .workers import BatchWorker, SaveOutcome

__all__ = ["MainWindow"]

SessionMaker = Callable[[str], ColorizerSession]
#: Ctrl+] / Ctrl+[ move the colour strength by this many percent.
STRENGTH_KEY_STEP = 10
#: ] / [ grow or shrink the brush or point by about this factor (at least one pixel).
SIZE_KEY_FACTOR = 1.25
MODEL_FIX = (
    "To fix it, put the model at models/colorizer.onnx, set $COLORIZER_MODEL to its path, "
    "or start Colorizer with --model PATH."
)


def model_help(reason: str | None) -> str:
    """The banner text: what is wrong with the model and, unless the reason says it, how to fix it."""
    text = f"Colorizing is turned off: {reason or 'no model is loaded'}."
    if not reason or "--model" not in reason or "COLORIZER_MODEL" not in reason:
        text += "\n" + MODEL_FIX
    return text


class MainWindow(QMainWindow):
    """Wires the canvas, tools, colour panel, batch dock and status bar to one :class:`Editor`."""

    errorShown = Signal(str)

    def __init__(
        self,
        editor: Editor,
        settings: AppSettings,
        *,
        providers: list[str],
        make_session: SessionMaker | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Colorizer[*]")
        self.setWindowIcon(icon("colorizer"))
        self.setAcceptDrops(True)
        self.resize(1200, 800)
        self.editor, self.settings, self.document = editor, settings, editor.document
        self._make_session = make_session
        self._providers = providers
        self.message_box: QMessageBox | None = None
        self.guard = UnsavedGuard(editor, self, self.save_as_dialog)
        self.photos = PhotoSwitcher(editor, self.guard, self)
        self.photo_queue = self.photos.queue
        self._closing = False

        self.canvas = Canvas(self.document)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #5c2b1e; color: white; padding: 8px;")
        self.banner.setVisible(False)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

        self.color_panel = ColorPanel(settings.color, settings.brush_width, settings.point_radius)
        self.color_panel.set_strength_enabled(False)
        color_dock = QDockWidget("Hints", self)
        color_dock.setObjectName("HintsDock")
        color_dock.setWidget(self.color_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, color_dock)
        self.batch_worker = BatchWorker(self)
        self.batch_panel = BatchPanel(settings, self.batch_worker, self._batch_session, providers, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.batch_panel)
        self.tabifyDockWidget(color_dock, self.batch_panel)
        color_dock.raise_()

        self.tools = self._build_tools()
        self._build_actions()
        self._build_status()
        self._connect()
        self.select_tool("point")
        self._model_changed()
        self._queue_changed()
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]

    # -- building --------------------------------------------------------------------------------
    def _build_tools(self) -> dict[str, Tool]:
        panel = self.color_panel
        context = ToolContext(
            document=self.document,
            color=panel.color,
            brush_width=lambda: float(panel.brush_width.value()),
            point_radius=lambda: float(panel.point_radius.value()),
            view_scale=lambda: self.canvas.scale,
            sample=self.editor.sample_result,
            spot_picked=lambda x, y: panel.set_suggestions(self.editor.suggestions_at(x, y)),
            color_picked=panel.set_color,
            repaint=self.canvas.update,
        )
        return {cls.name: cls(context) for cls in TOOL_CLASSES}

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None, icon_name: str = ""
    ) -> QAction:
        return make_action(self, text, slot, shortcut, icon_name)

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.open_action = self._action("&Open…", self.open_dialog, key.Open, "open")
        self.open_folder_action = self._action("Open &Folder for Batch…", self.open_folder_dialog, "Ctrl+Shift+O")
        self.save_action = self._action("Save &As…", self.save_as_dialog, [key.SaveAs, key.Save], "save")
        self.options_action = self._action("Output &Options…", self.output_options_dialog, "Ctrl+Alt+O")
        quit_action = self._action("&Quit", self.close, "Ctrl+Q")  # StandardKey.Quit is empty on Windows
        self.undo_action = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(key.Undo)
        self.undo_action.setIcon(icon("undo"))
        self.document.undo_stack.undoTextChanged.connect(self._show_undo_shortcuts)
        self.redo_action = self.document.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(distinct_keys([key.Redo, "Ctrl+Shift+Z", "Ctrl+Y"]))
        self.redo_action.setIcon(icon("redo"))
        self._show_undo_shortcuts("")
        self.clear_action = self._action("&Clear All Hints", self.document.clear, "Ctrl+Shift+Del", "clear")
        zoom_in = self._action("Zoom &In", self.canvas.zoom_in, [key.ZoomIn, QKeySequence("=")], "zoom-in")
        zoom_out = self._action("Zoom &Out", self.canvas.zoom_out, [key.ZoomOut, QKeySequence("-")], "zoom-out")
        fit = self._action("&Fit to Window", self.canvas.fit, "Ctrl+0", "fit")
        actual = self._action("&Actual Size (100 %)", self.canvas.actual_size, "Ctrl+1", "zoom-100")
        self.split_action = self._action("&Before/After Split", self._toggle_split, "Y", "compare")
        self.split_action.setCheckable(True)
        self.hints_action = self._action("Show &Hints", self._toggle_hints, "Ctrl+H")
        self.hints_action.setCheckable(True)
        self.hints_action.setChecked(True)
        self.batch_action = self.batch_panel.toggleViewAction()
        self.batch_action.setShortcut("Ctrl+B")
        show_shortcut(self.batch_action)
        self.color_action = self._action("Choose Hint &Colour…", self.color_panel.choose_color, "C")
        self.stronger_action = self._action("&Stronger Colour", partial(self.step_strength, 1), "Ctrl+]")
        self.weaker_action = self._action("&Weaker Colour", partial(self.step_strength, -1), "Ctrl+[")
        self.own_strength_action = self._action(
            "&Model's Own Colour Strength", partial(self.editor.set_strength, 100), "Ctrl+\\"
        )
        self.strength_actions = [self.stronger_action, self.weaker_action, self.own_strength_action]
        for action in self.strength_actions:
            action.setEnabled(False)
        self.larger_action = self._action("&Larger Brush or Point", partial(self.step_size, 1), "]")
        self.smaller_action = self._action("S&maller Brush or Point", partial(self.step_size, -1), "[")
        about = self._action("&About Colorizer", self.show_about, "F1", "colorizer")
        self.next_action = self._action("&Next Photo", partial(self.photos.step, 1), "PgDown")
        self.previous_action = self._action("&Previous Photo", partial(self.photos.step, -1), "PgUp")

        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name, tool in self.tools.items():
            action = self._action(f"{tool.label} tool", partial(self.select_tool, name), tool.shortcut, tool.icon)
            action.setCheckable(True)
            action.setToolTip(f"{tool.label} ({tool.shortcut})")
            group.addAction(action)
            self.tool_actions[name] = action

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.open_action, self.open_folder_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.options_action])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.clear_action)
        view_menu = menu.addMenu("&View")
        view_menu.addActions([zoom_in, zoom_out, fit, actual])
        view_menu.addSeparator()
        view_menu.addActions([self.split_action, self.hints_action, self.batch_action])
        show_original = view_menu.addAction("Hold \\ to See the Original")
        show_original.setEnabled(False)
        tools_menu = menu.addMenu("&Tools")
        tools_menu.addActions(list(self.tool_actions.values()))
        tools_menu.addSeparator()
        tools_menu.addActions([self.color_action, self.larger_action, self.smaller_action])
        tools_menu.addSeparator()
        tools_menu.addActions(self.strength_actions)
        photos_menu = menu.addMenu("&Photos")
        photos_menu.addActions([self.next_action, self.previous_action])
        self.provider_menu = menu.addMenu("&Settings").addMenu("Execution &Provider")
        provider_group = QActionGroup(self)
        for name in ["auto", *self._providers]:
            action = self.provider_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self.settings.provider)
            action.triggered.connect(lambda _c=False, n=name: self.set_provider(n))
            provider_group.addAction(action)
        menu.addMenu("&Help").addAction(about)

        bar = self.addToolBar("Main")
        bar.setObjectName("MainToolBar")
        bar.addActions([self.open_action, self.save_action, self.undo_action, self.redo_action])
        bar.addSeparator()
        bar.addActions(list(self.tool_actions.values()))
        bar.addAction(self.clear_action)
        bar.addSeparator()
        bar.addActions([fit, actual, self.split_action])

    def _build_status(self) -> None:
        status = self.statusBar()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setVisible(False)
        self.zoom_label = QLabel()
        self.model_label = QLabel()
        self.provider_label = QLabel()
        self.inference_label = QLabel("Inference: –")
        self.photo_label = QLabel()
        self.photo_label.setToolTip("Position among the dropped photos (Page Down / Page Up step through them)")
        for widget in (
            self.photo_label,
            self.busy_bar,
            self.zoom_label,
            self.model_label,
            self.provider_label,
            self.inference_label,
        ):
            status.addPermanentWidget(widget)

    def _connect(self) -> None:
        """Signals go to bound methods, so Qt drops them when this window is deleted."""
        ed, panel = self.editor, self.color_panel
        ed.imageOpened.connect(self._photo_opened)
        ed.openFailed.connect(self._open_failed)
        ed.loadingChanged.connect(self._loading_changed)
        self.document.undo_stack.cleanChanged.connect(self._update_title)
        self.photo_queue.changed.connect(self._queue_changed)
        ed.resultChanged.connect(self.canvas.set_result)
        ed.busyChanged.connect(self._busy_changed)
        ed.savingChanged.connect(self._busy_changed)
        ed.inferenceTimed.connect(self._show_inference)
        ed.previewFailed.connect(self._preview_failed)
        ed.saved.connect(self._saved)
        ed.saveFailed.connect(self._save_failed)
        ed.sessionChanged.connect(self._model_changed)
        self.canvas.zoomChanged.connect(self._show_zoom)
        panel.colorChanged.connect(self._remember_tools)
        panel.brushWidthChanged.connect(self._remember_tools)
        panel.pointRadiusChanged.connect(self._remember_tools)
        panel.suggestionChosen.connect(self._recolor_selected)
        panel.strengthChanged.connect(ed.set_strength)
        self.document.strengthChanged.connect(self._show_strength)

    def _show_strength(self, strength: float) -> None:
        self.color_panel.show_strength(round(strength * 100))

    def step_strength(self, direction: int) -> None:
        """Ctrl+] / Ctrl+[: the photo's colour strength up or down one step (10 %)."""
        percent = round(self.document.applied_strength * 100) + direction * STRENGTH_KEY_STEP
        low, high = STRENGTH_PERCENT_RANGE
        self.editor.set_strength(min(max(percent, low), high))

    def step_size(self, direction: int) -> None:
        """] / [: the size the current tool paints with (point radius or brush width), a quarter up or down."""
        panel = self.color_panel
        tool = self.canvas.tool
        box = panel.point_radius if tool is not None and tool.name == "point" else panel.brush_width
        value = box.value()
        step = max(1, round(value * SIZE_KEY_FACTOR) - value)
        box.setValue(value + direction * step)

    def _remember_tools(self, _value: object) -> None:
        self.settings.color = self.color_panel.color()
        self.settings.brush_width = self.color_panel.brush_width.value()
        self.settings.point_radius = self.color_panel.point_radius.value()

    def _show_inference(self, seconds: float) -> None:
        self.inference_label.setText(f"Inference: {seconds * 1000:.0f} ms")

    def _show_zoom(self, scale: float) -> None:
        self.zoom_label.setText(f"{scale * 100:.0f} %")

    def _open_failed(self, path: Path, message: str) -> None:
        self.show_error("Cannot open the photo", f"{path}\n\n{message}")

    def _loading_changed(self, loading: bool) -> None:
        """No hint edits while the next photo loads: its arrival would drop them unasked."""
        self.canvas.set_locked(loading)
        stack = self.document.undo_stack
        self.undo_action.setEnabled(not loading and stack.canUndo())
        self.redo_action.setEnabled(not loading and stack.canRedo())
        self.clear_action.setEnabled(not loading)

    def _show_undo_shortcuts(self, _text: str) -> None:
        show_shortcut(self.undo_action)
        show_shortcut(self.redo_action)

    def _preview_failed(self, message: str) -> None:
        self.show_error("Colorizing failed", message)

    def _save_failed(self, message: str) -> None:
        self.show_error("Cannot save", message)

    # -- state shown -----------------------------------------------------------------------------
    def _model_changed(self) -> None:
        session = self.editor.session
        if session is None:
            self.banner.setText(model_help(self.editor.model_error))
            self.model_label.setText("No model")
            self.provider_label.setText("")
        else:
            self.model_label.setText(f"Model: {session.info.version}")
            self.provider_label.setText(f"Provider: {session.active_provider}")
        self.banner.setVisible(session is None)
        self.save_action.setEnabled(session is not None and self.editor.image is not None)
        self.batch_panel.set_session_factory(self._batch_session if session is not None else None)

    def _update_title(self, _clean: bool = True) -> None:
        """Photo name, its place among the dropped ones, and "*" while its hints are unsaved."""
        path = self.editor.path
        position = self.photo_queue.position_text(path)
        where = f" ({position})" if position else ""
        self.setWindowTitle(f"{path.name}{where}[*] – Colorizer" if path is not None else "Colorizer[*]")
        self.setWindowModified(path is not None and self.document.is_modified)

    def _queue_changed(self) -> None:
        position = self.photo_queue.position_text(self.editor.path)
        self.photo_label.setText(f"Photo {position}" if position else "")
        self.photo_label.setVisible(bool(position))
        self.next_action.setEnabled(self.photo_queue.has_next)
        self.previous_action.setEnabled(self.photo_queue.has_previous)
        self._update_title()

    def _busy_changed(self, _busy: bool) -> None:
        busy = self.editor.busy or self.editor.saving
        self.busy_bar.setVisible(busy)
        self.canvas.set_busy(self.editor.busy)

    def _photo_opened(self, photo: OpenedPhoto) -> None:
        self.color_panel.set_strength_enabled(True)
        for action in self.strength_actions:
            action.setEnabled(True)
        self.canvas.set_original(photo.display)
        self.canvas.setFocus()
        self.color_panel.set_suggestions([])
        self._queue_changed()  # the title and "2 / 5" follow the photo on screen
        self._model_changed()
        w, h = photo.image.size
        notes = "; ".join(photo.notes)
        self.statusBar().showMessage(f"Opened {photo.image.path.name} ({w}×{h})" + (f" — {notes}" if notes else ""))

    def _saved(self, outcome: SaveOutcome) -> None:
        self.statusBar().showMessage(
            f"Saved {outcome.path} and its hints ({outcome.sidecar.name}) in {outcome.seconds:.1f} s"
        )

    def show_error(self, title: str, message: str) -> None:
        """Tell the user without blocking: a status message and a window-modal message box."""
        self.statusBar().showMessage(f"{title}: {message.splitlines()[-1]}")
        if self.message_box is not None:
            self.message_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        box.open()
        self.message_box = box
        emit(self.errorShown, message)

    # -- tools and view --------------------------------------------------------------------------
    def select_tool(self, name: str) -> None:
        self.canvas.set_tool(self.tools[name])
        self.tool_actions[name].setChecked(True)

    def _toggle_split(self) -> None:
        self.canvas.set_split_enabled(self.split_action.isChecked())

    def _toggle_hints(self) -> None:
        self.canvas.set_hints_visible(self.hints_action.isChecked())

    def _recolor_selected(self, rgb: RGB) -> None:
        if self.document.selected is not None and not self.editor.loading:
            self.document.recolor_point(self.document.selected, rgb)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Backslash held shows the original, wherever the focus is (except in text fields and with Ctrl)."""
        kind = event.type()
        if (
            kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Backslash
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier  # Ctrl+\ is a command
            and not event.isAutoRepeat()
            and isinstance(watched, QWidget)
            and watched.window() is self
            and not isinstance(watched, (QLineEdit, QTextEdit, QAbstractSpinBox))
        ):
            self.canvas.set_show_original(kind == QEvent.Type.KeyPress)
            return True
        return super().eventFilter(watched, event)

    # -- opening ---------------------------------------------------------------------------------
    def open_path(self, path: Path) -> None:
        """A file opens for editing, a folder becomes a batch input."""
        path = Path(path)
        if path.is_dir():
            self.batch_panel.add_input(path)
            self.batch_panel.focus()
            self.statusBar().showMessage(f"Added {path} to the batch inputs")
        elif path.is_file():
            self.photos.open(path)
        else:
            self.show_error("Cannot open", f"{path}\n\nThere is no such file or folder.")

    def open_dialog(self) -> None:
        patterns = " ".join(f"*{s}" for s in sorted(SUPPORTED_INPUT_SUFFIXES))
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a photo", str(self.settings.open_dir or ""), f"Images ({patterns});;All files (*)"
        )
        if name:
            self.open_path(Path(name))

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Colorize a folder", str(self.settings.open_dir or ""))
        if folder:
            self.open_path(Path(folder))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not self.settings.recent_files:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list").triggered.connect(self.settings.clear_recent)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Accept at once and open after the drop: an unsaved-hints question must not hold the drag source."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        QTimer.singleShot(0, self, partial(self.open_paths, paths))

    def open_paths(self, paths: list[Path]) -> None:
        """Dropped or given on the command line: folders go to the batch; of several photos the
        first opens and the rest wait in the Photos menu."""
        paths = [Path(p) for p in paths]
        files = [p for p in paths if not p.is_dir()]
        for folder in (p for p in paths if p.is_dir()):
            self.open_path(folder)
        if len(files) > 1:
            photos = [p for p in files if p.is_file() and p.suffix.lower() in SUPPORTED_INPUT_SUFFIXES]
            if photos:
                self.photos.open(photos[0], queue=photos)
            skipped = [p.name for p in files if p not in photos]
            if skipped:
                self.statusBar().showMessage(f"Not photos, skipped: {', '.join(skipped)}")
        elif files:
            self.open_path(files[0])

    # -- saving ----------------------------------------------------------------------------------
    def save_as_dialog(self) -> bool:
        """Ask where and how, then save in the background; False if the user cancelled or it was refused."""
        source = self.editor.path
        if source is None:
            return False
        folder = self.settings.save_dir or source.parent
        filters = [f"{FORMAT_LABELS[k]} (*{v})" for k, v in OUTPUT_FORMATS.items()]
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the colorized photo", str(folder / source.name), ";;".join(filters)
        )
        if not name:
            return False
        path = Path(name)
        dialog = SaveOptionsDialog(self.settings.save_options, self, format=format_for_suffix(path.suffix))
        if dialog.exec() == SaveOptionsDialog.DialogCode.Accepted:
            return self.save_to(path, dialog.options())
        return False

    def output_options_dialog(self) -> None:
        dialog = SaveOptionsDialog(self.settings.save_options, self)
        if dialog.exec() == SaveOptionsDialog.DialogCode.Accepted:
            self.settings.save_options = dialog.options()

    def save_to(self, path: Path, options: SaveOptions) -> bool:
        """Save the result at full resolution (in the background); False if refused at once."""
        source = self.editor.path
        if source is not None and path.resolve() == source.resolve():
            self.show_error("Cannot save", "Colorizer never overwrites the original; choose another name.")
            return False
        self.settings.save_options = options
        self.statusBar().showMessage(f"Saving {path.name} at full resolution…")
        self.editor.save(path, options)
        return True

    # -- settings --------------------------------------------------------------------------------
    def set_provider(self, name: str) -> None:
        """Reload the model on another execution provider (the old session stays on failure)."""
        if self._make_session is None:
            return
        try:
            session = self._make_session(name)
        except Exception as exc:  # ModelError / ProviderError: worded for the user
            from .workers import describe_error

            self.show_error("Cannot switch provider", describe_error(exc))
            return
        self.settings.provider = name
        self.editor.set_session(session)

    def _batch_session(self, provider: str) -> ColorizerSession:
        """The session a batch uses: the open one, or a new one for another provider."""
        session = self.editor.session
        if session is not None and provider in ("auto", self.settings.provider, session.active_provider):
            return session
        if self._make_session is None:
            raise RuntimeError("no model is loaded")
        return self._make_session(provider)

    def show_about(self) -> None:
        session = self.editor.session
        AboutDialog(
            session.info if session else None,
            session.active_provider if session else None,
            self.editor.model_error,
            self,
        ).open()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved hints first (after Save the window closes once the save is done)."""
        if not self._closing and not self.guard.resolve(self.close):
            event.ignore()
            return
        self._closing = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.batch_worker.shutdown()
        self.editor.shutdown()
        self.settings.sync()
        super().closeEvent(event)
