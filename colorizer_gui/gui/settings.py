"""What the app remembers between runs (QSettings): folders, recent files, provider, output options.

Only the GUI persists configuration; it hands typed objects (``SaveOptions``)
to the engine. Tests pass a QSettings on a temporary ini file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from colorizer_gui.core.imageio import SaveOptions

__all__ = ["APPLICATION", "ORGANIZATION", "STRENGTH_PERCENT_RANGE", "AppSettings"]

ORGANIZATION = "Colorizer"
APPLICATION = "Colorizer"
MAX_RECENT = 8
MAX_SIDECAR_MEMORY = 200


def _as_list(value: object) -> list[str]:
    """QSettings gives a str for one-element lists in ini files, None for none."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _as_bool(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _as_int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


#: Colour strength in percent (``pipeline.ColorizeOptions.strength`` x 100), as the spin boxes show it.
STRENGTH_PERCENT_RANGE = (0, 200)


def _as_percent(value: object) -> int:
    low, high = STRENGTH_PERCENT_RANGE
    return min(high, max(low, _as_int(value, 100)))


class AppSettings:
    """Typed access to the app's QSettings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    @classmethod
    def from_file(cls, path: Path) -> AppSettings:
        """Settings kept in one ini file (tests, portable installs)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def sync(self) -> None:
        self.store.sync()

    # -- folders ---------------------------------------------------------------------------------
    def _path(self, key: str) -> Path | None:
        value = self.store.value(key)
        return Path(str(value)) if value else None

    def _set_path(self, key: str, path: Path | None) -> None:
        self.store.setValue(key, str(path) if path is not None else "")

    @property
    def open_dir(self) -> Path | None:
        return self._path("folders/open")

    @open_dir.setter
    def open_dir(self, path: Path | None) -> None:
        self._set_path("folders/open", path)

    @property
    def save_dir(self) -> Path | None:
        return self._path("folders/save")

    @save_dir.setter
    def save_dir(self, path: Path | None) -> None:
        self._set_path("folders/save", path)

    # -- recent files ----------------------------------------------------------------------------
    @property
    def recent_files(self) -> list[Path]:
        return [Path(p) for p in _as_list(self.store.value("recent/files"))]

    def add_recent(self, path: Path) -> None:
        items = [p for p in self.recent_files if p != path]
        self.store.setValue("recent/files", [str(p) for p in [path, *items][:MAX_RECENT]])

    def clear_recent(self) -> None:
        self.store.setValue("recent/files", [])

    # -- model -----------------------------------------------------------------------------------
    @property
    def provider(self) -> str:
        return str(self.store.value("model/provider", "auto") or "auto")

    @provider.setter
    def provider(self, name: str) -> None:
        self.store.setValue("model/provider", name)

    # -- output options --------------------------------------------------------------------------
    @property
    def save_options(self) -> SaveOptions:
        fmt = str(self.store.value("output/format", "") or "") or None
        depth = _as_int(self.store.value("output/bit_depth", 0), 0)
        return SaveOptions(
            format=fmt,
            quality=_as_int(self.store.value("output/quality", 95), 95),
            bit_depth=depth if depth in (8, 16) else None,
            tiff_compression=str(self.store.value("output/tiff_compression", "zlib") or "zlib"),
        )

    @save_options.setter
    def save_options(self, options: SaveOptions) -> None:
        self.store.setValue("output/format", options.format or "")
        self.store.setValue("output/quality", options.quality)
        self.store.setValue("output/bit_depth", options.bit_depth or 0)
        self.store.setValue("output/tiff_compression", options.tiff_compression)

    # -- hint tools ------------------------------------------------------------------------------
    @property
    def color(self) -> tuple[int, int, int]:
        values = _as_list(self.store.value("tools/color"))
        try:
            r, g, b = (min(max(int(v), 0), 255) for v in values)
        except ValueError:
            return (200, 120, 60)
        return (r, g, b)

    @color.setter
    def color(self, rgb: tuple[int, int, int]) -> None:
        self.store.setValue("tools/color", [str(c) for c in rgb])

    @property
    def brush_width(self) -> int:
        return _as_int(self.store.value("tools/brush_width", 12), 12)

    @brush_width.setter
    def brush_width(self, width: int) -> None:
        self.store.setValue("tools/brush_width", int(width))

    @property
    def point_radius(self) -> int:
        return _as_int(self.store.value("tools/point_radius", 6), 6)

    @point_radius.setter
    def point_radius(self, radius: int) -> None:
        self.store.setValue("tools/point_radius", int(radius))

    # -- batch -----------------------------------------------------------------------------------
    @property
    def batch_inputs(self) -> list[Path]:
        return [Path(p) for p in _as_list(self.store.value("batch/inputs"))]

    @batch_inputs.setter
    def batch_inputs(self, paths: list[Path]) -> None:
        self.store.setValue("batch/inputs", [str(p) for p in paths])

    @property
    def batch_output(self) -> Path | None:
        return self._path("batch/output")

    @batch_output.setter
    def batch_output(self, path: Path | None) -> None:
        self._set_path("batch/output", path)

    @property
    def batch_format(self) -> str | None:
        return str(self.store.value("batch/format", "") or "") or None

    @batch_format.setter
    def batch_format(self, fmt: str | None) -> None:
        self.store.setValue("batch/format", fmt or "")

    @property
    def batch_overwrite(self) -> bool:
        return _as_bool(self.store.value("batch/overwrite"), False)

    @batch_overwrite.setter
    def batch_overwrite(self, overwrite: bool) -> None:
        self.store.setValue("batch/overwrite", overwrite)

    @property
    def batch_strength(self) -> int:
        """The batch panel's colour strength, in percent, for photos whose sidecar sets none of their own."""
        return _as_percent(self.store.value("batch/strength", 100))

    @batch_strength.setter
    def batch_strength(self, percent: int) -> None:
        self.store.setValue("batch/strength", _as_percent(percent))

    @property
    def batch_provider(self) -> str:
        return str(self.store.value("batch/provider", "auto") or "auto")

    @batch_provider.setter
    def batch_provider(self, name: str) -> None:
        self.store.setValue("batch/provider", name)

    # -- where each photo's hints were last saved ------------------------------------------------
    def remembered_sidecar(self, source: Path) -> Path | None:
        """The sidecar last saved for ``source`` (its output may sit in another folder)."""
        sources = _as_list(self.store.value("sidecars/sources"))
        sidecars = _as_list(self.store.value("sidecars/files"))
        key = str(source)
        for src, side in zip(sources, sidecars, strict=False):
            if src == key:
                return Path(side)
        return None

    def remember_sidecar(self, source: Path, sidecar: Path) -> None:
        pairs = [
            (s, f)
            for s, f in zip(
                _as_list(self.store.value("sidecars/sources")),
                _as_list(self.store.value("sidecars/files")),
                strict=False,
            )
            if s != str(source)
        ]
        pairs = [(str(source), str(sidecar)), *pairs][:MAX_SIDECAR_MEMORY]
        self.store.setValue("sidecars/sources", [s for s, _ in pairs])
        self.store.setValue("sidecars/files", [f for _, f in pairs])
