"""What build.spec drops from the PyInstaller collection, as pure functions of a file's bundle path.

PyInstaller's Qt hooks collect every plugin of each plugin type a module uses, plus
the Qt libraries those plugins link to and all Qt translations. The app needs far
less: the widgets stack, SVG icons, and the display back ends listed below. These
rules keep the bundle small; ``scripts/build_bundle.sh`` checks afterwards that no
kept library lost a dependency. Plain Python (no PyInstaller import) so tests can
exercise the rules.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence

__all__ = ["dangling_symlinks", "keep_binary", "keep_data", "unreachable_libraries"]

#: (bundle path, source path or symlink target, PyInstaller typecode), as in Analysis.binaries.
TocEntry = tuple[str, str, str]

#: Plugin types the app loads, and per type the file-name prefixes kept (None = all).
_PLUGIN_KEEP: dict[str, dict[str, tuple[str, ...] | None]] = {
    "platforms": {
        "linux": ("qoffscreen", "qminimal", "qxcb", "qwayland"),
        "win32": ("qwindows", "qoffscreen", "qminimal"),
        "darwin": ("qcocoa", "qoffscreen", "qminimal"),
    },
    # SVG for the icons, ICO for the Windows icon, JPEG in case Qt itself decodes a thumbnail.
    "imageformats": {"*": ("qsvg", "qico", "qjpeg")},
    "iconengines": {"*": ("qsvgicon",)},
    # the native widget style (Windows 11 / macOS); Fusion is built in
    "styles": {"*": None},
    # dead keys and input methods; the virtual keyboard needs Qt Quick, so it goes
    "platforminputcontexts": {"*": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin")},
    # native file dialogs through the desktop portal; the GTK 3 theme pulls in all of GTK
    "platformthemes": {"*": ("qxdgdesktopportal",)},
    "xcbglintegrations": {"*": None},
    "wayland-shell-integration": {"*": None},
    "wayland-decoration-client": {"*": None},
    "wayland-graphics-integration-client": {"*": None},
}

#: Qt libraries the app never uses (they come in only as dependencies of dropped plugins/modules).
_UNUSED_QT_LIBS = re.compile(
    r"^(?:lib)?Qt6?(?:Qml|Quick|Pdf|VirtualKeyboard|WebEngine|WebChannel|WebSockets|WebView|3D|Multimedia|"
    r"SpatialAudio|Network|Sql|Designer|UiTools|Help|Test|Charts|DataVisualization|Graphs|Lottie|Labs|"
    r"ShaderTools|Positioning|Location|SerialPort|SerialBus|Bluetooth|Nfc|Sensors|TextToSpeech|"
    r"RemoteObjects|Scxml|StateMachine|EglFS|WaylandCompositor|VncSupport|HttpServer|Quick3D)",
    re.IGNORECASE,
)

#: Whole modules of other packages the app never imports but which hooks or imports may drag in.
_UNUSED_PREFIXES = (
    "matplotlib/",
    "scipy/",
    "skimage/",
    "torch/",
    "tkinter/",
    "tcl/",
    "tk/",
    "_tcl_data/",
    "_tk_data/",
)


def _parts(dest: str) -> list[str]:
    return dest.replace("\\", "/").split("/")


def _plugin_kept(plugin_type: str, file_name: str, platform: str) -> bool:
    rules = _PLUGIN_KEEP.get(plugin_type)
    if rules is None:
        return False
    prefixes = rules.get(platform, rules.get("*", ()))
    if prefixes is None:
        return True
    stem = file_name.lower()
    stem = stem[3:] if stem.startswith("lib") else stem
    return stem.startswith(prefixes)


def _qt_entry_kept(parts: list[str], platform: str) -> bool:
    """Rules for files under ``PySide6/``: plugins, translations, unused Qt libraries."""
    lowered = [part.lower() for part in parts]
    if "translations" in lowered or "qml" in lowered:
        return False
    if "plugins" in lowered:
        index = lowered.index("plugins")
        if len(parts) > index + 2:
            return _plugin_kept(lowered[index + 1], parts[-1], platform)
    return not any(_UNUSED_QT_LIBS.match(part) for part in parts[1:])


def keep_binary(dest: str, platform: str) -> bool:
    """True if the binary at bundle path ``dest`` stays in a bundle for ``platform`` (a sys.platform)."""
    parts = _parts(dest)
    normalized = "/".join(parts)
    if normalized.startswith(_UNUSED_PREFIXES):
        return False
    if parts[0] == "PySide6":
        return _qt_entry_kept(parts, platform)
    if _UNUSED_QT_LIBS.match(parts[-1]):
        return False
    # The Linux Python binding links onnxruntime statically; libonnxruntime.so is the C API for
    # other programs (35 MB). The Windows pyd does need onnxruntime.dll, so this is Linux only.
    c_library = parts[:2] == ["onnxruntime", "capi"] and parts[-1].startswith("libonnxruntime.so")
    return not (platform == "linux" and c_library)


def keep_data(dest: str, platform: str) -> bool:
    """True if the data file (or symlink) at bundle path ``dest`` stays in the bundle."""
    return keep_binary(dest, platform)


def _collectable(dest: str) -> bool:
    """Shared libraries that are in the bundle only because something links to them."""
    parts = _parts(dest)
    if parts[-1].startswith("libpython"):
        return False  # loaded by the bootloader, not linked by anything
    in_qt_lib = len(parts) >= 3 and parts[-2] == "lib" and parts[-3] == "Qt"
    return len(parts) == 1 or parts[0].endswith(".libs") or in_qt_lib


def unreachable_libraries(
    entries: Sequence[TocEntry], dynamic: Callable[[str], tuple[str | None, Iterable[str]]]
) -> set[str]:
    """Bundle paths of linked-only libraries that nothing kept links to any more (ELF platforms).

    Pruning a plugin leaves behind what only it needed (the GTK theme pulls in pango,
    cairo, gdk-pixbuf, ...). Roots are everything that is loaded on purpose: extension
    modules, Qt plugins, libraries inside packages, the executable; ``dynamic(src)``
    returns a library's SONAME and its NEEDED names.
    """
    libraries = {dest: src for dest, src, typecode in entries if typecode == "BINARY" and _collectable(dest)}
    by_name: dict[str, list[str]] = {}
    for dest, src in libraries.items():
        soname, _ = dynamic(src)
        for name in {posixpath.basename(_parts(dest)[-1]), soname}:
            if name:
                by_name.setdefault(name, []).append(dest)
    loaded = ("BINARY", "EXTENSION", "EXECUTABLE")
    stack = [src for dest, src, typecode in entries if typecode in loaded and dest not in libraries]
    reached: set[str] = set()
    while stack:
        _, needed = dynamic(stack.pop())
        for name in needed:
            for dest in by_name.get(name, ()):
                if dest not in reached:
                    reached.add(dest)
                    stack.append(libraries[dest])
    return set(libraries) - reached


def dangling_symlinks(entries: Sequence[TocEntry], present: set[str]) -> set[str]:
    """Bundle paths of SYMLINK entries whose target is no longer in the bundle."""
    dangling = set()
    for dest, target, typecode in entries:
        if typecode == "SYMLINK":
            folder = posixpath.dirname("/".join(_parts(dest)))
            resolved = posixpath.normpath(posixpath.join(folder, "/".join(_parts(target))))
            if resolved not in present:
                dangling.add(dest)
    return dangling
