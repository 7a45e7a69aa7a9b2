"""PyInstaller runtime hook: make the frozen app use its own onnxruntime DLLs on Windows.

Windows 11 ships an older ``onnxruntime.dll`` (and Windows 10+ a ``DirectML.dll``) in
System32. A DLL that is already loaded, or that the loader finds first, wins by name,
so a pyd importing ``onnxruntime.dll`` may bind to the System32 copy and fail with
"procedure not found" or an API-version error. Runtime hooks run before the entry
script, so this one adds the bundle's ``onnxruntime/capi`` folder to the DLL search
path and loads our DLLs by full path; later loads by name then reuse them.
Does nothing on other platforms or when a DLL is not in the bundle.
"""

import os
import sys


def _pin_bundled_onnxruntime() -> None:
    if sys.platform != "win32" or not hasattr(sys, "_MEIPASS"):
        return
    import ctypes

    root = sys._MEIPASS
    folders = [os.path.join(root, "onnxruntime", "capi"), root]
    for folder in folders:
        if os.path.isdir(folder):
            os.add_dll_directory(folder)
    # DirectML first: onnxruntime.dll of onnxruntime-directml imports it.
    for name in ("DirectML.dll", "onnxruntime.dll", "onnxruntime_providers_shared.dll"):
        for folder in folders:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                ctypes.WinDLL(path)
                break


_pin_bundled_onnxruntime()
del _pin_bundled_onnxruntime
