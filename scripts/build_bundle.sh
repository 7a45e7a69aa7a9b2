#!/usr/bin/env bash
# Build the Colorizer PyInstaller bundle in a clean virtualenv and prove that it works.
#
#   scripts/build_bundle.sh [VENV]        (default VENV: .venv-build)
#
# Environment:
#   PYTHON=python3.11            interpreter for a new virtualenv (default: python3)
#   COLORIZER_ONEFILE=1          also build the one-file variant into dist/onefile/
#   COLORIZER_BUILD_MODEL=path   when models/colorizer.onnx is missing, bundle this model for a
#                                test build (copied in for the build, removed afterwards)
#
# Steps: install binutils if objdump is missing (PyInstaller needs it on Linux), pip install
# ".[build]" into the virtualenv, pyinstaller build.spec, print the size, check that no bundled
# library misses a dependency, run the bundle's --self-test and a batch over resources/samples,
# and time the start-up. Any failure stops the script with a non-zero status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${1:-.venv-build}"
PYTHON="${PYTHON:-python3}"
BUNDLE="dist/colorizer"
APP="$BUNDLE/colorizer"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'build_bundle: ERROR: %s\n' "$*" >&2; exit 1; }

is_root_on_debian() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_install() {
    # Installs those of the given Debian packages that this release has (names vary, e.g. *t64).
    local wanted=() pkg
    for pkg in "$@"; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            wanted+=("$pkg")
        elif apt-cache show "${pkg}t64" >/dev/null 2>&1; then
            wanted+=("${pkg}t64")
        fi
    done
    [ "${#wanted[@]}" -gt 0 ] || return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

LDCACHE=""
has_library() {
    [ -n "$LDCACHE" ] || LDCACHE="$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)"
    grep -q "[[:space:]]$1 " <<<"$LDCACHE"
}

# Libraries Qt loads from the system (PyInstaller never bundles libEGL/libGL; the X11/Wayland
# back ends need the xcb/wayland client libraries, which get bundled when present at build time).
QT_SYSTEM_LIBS=(libEGL.so.1 libGL.so.1 libfontconfig.so.1 libxkbcommon.so.0 libglib-2.0.so.0 libdbus-1.so.3
    libxkbcommon-x11.so.0 libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libwayland-client.so.0
    libwayland-cursor.so.0 libwayland-egl.so.1)
QT_SYSTEM_PACKAGES=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-render-util0 libxcb-image0 libxcb-shape0 libxcb-randr0
    libxcb-xfixes0 libxcb-sync1 libxcb-shm0 libxcb-xkb1 libx11-xcb1 libwayland-client0 libwayland-cursor0
    libwayland-egl1)

step "tools"
if [ "$(uname -s)" = Linux ]; then
    need_binutils=0
    command -v objdump >/dev/null || need_binutils=1
    missing_libs=()
    for lib in "${QT_SYSTEM_LIBS[@]}"; do has_library "$lib" || missing_libs+=("$lib"); done
    if [ "$need_binutils" = 1 ] || [ "${#missing_libs[@]}" -gt 0 ]; then
        if is_root_on_debian; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq || echo "WARNING: apt-get update failed" >&2
            if [ "$need_binutils" = 1 ]; then
                echo "objdump not found; installing binutils (PyInstaller needs it to analyse shared libraries)"
                apt_install binutils
                command -v objdump >/dev/null || fail "could not install binutils (objdump)"
            fi
            if [ "${#missing_libs[@]}" -gt 0 ]; then
                # Best effort: without them the bundle still builds, and its X11/Wayland back ends
                # then rely on the user's system libraries.
                echo "installing the system libraries Qt needs (missing: ${missing_libs[*]})"
                apt_install "${QT_SYSTEM_PACKAGES[@]}" || echo "WARNING: could not install all Qt system libraries" >&2
            fi
        elif [ "$need_binutils" = 1 ]; then
            fail "objdump not found: install binutils"
        else
            echo "WARNING: missing ${missing_libs[*]}; the bundled GUI may not start here" >&2
        fi
    fi
fi
command -v "$PYTHON" >/dev/null || fail "$PYTHON not found; set PYTHON to a Python 3.10+ interpreter"

step "virtualenv $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        py_minor="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        echo "venv failed (no ensurepip); installing python$py_minor-venv"
        is_root_on_debian || fail "$PYTHON -m venv failed: install python$py_minor-venv"
        apt_install "python$py_minor-venv" python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet ".[build]"
"$VENV/bin/python" -m PyInstaller --version

TEMP_MODEL=0
cleanup() {
    if [ "$TEMP_MODEL" = 1 ]; then
        rm -f models/colorizer.onnx
        echo "build_bundle: removed the temporary models/colorizer.onnx"
    fi
    [ -n "${WORK:-}" ] && rm -rf "$WORK"
    return 0
}
trap cleanup EXIT
if [ ! -f models/colorizer.onnx ]; then
    [ -n "${COLORIZER_BUILD_MODEL:-}" ] || fail "models/colorizer.onnx is missing (set COLORIZER_BUILD_MODEL=path/to/model.onnx for a test build)"
    [ -f "$COLORIZER_BUILD_MODEL" ] || fail "COLORIZER_BUILD_MODEL=$COLORIZER_BUILD_MODEL does not exist"
    mkdir -p models  # a fresh checkout has no models/ folder (the model is not in git)
    cp "$COLORIZER_BUILD_MODEL" models/colorizer.onnx
    TEMP_MODEL=1
    echo "using $COLORIZER_BUILD_MODEL as a temporary models/colorizer.onnx (not for release)"
fi

check_libraries() {
    # Bundled libraries must find the Qt and onnxruntime libraries our pruning might have removed;
    # other unresolved system libraries are listed, since the target machine has to provide them.
    local root="$1" missing
    [ "$(uname -s)" = Linux ] || return 0
    missing="$(find "$root" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
        xargs -0 -n 20 env LD_LIBRARY_PATH="$root" ldd 2>/dev/null | grep 'not found' | sort -u || true)"
    if printf '%s\n' "$missing" | grep -E 'libQt6|libpyside|libshiboken|libicu|onnxruntime' >&2; then
        fail "bundled libraries miss Qt/onnxruntime libraries (a rule in packaging/bundle_rules.py is too eager)"
    fi
    if [ -n "$missing" ]; then
        echo "system libraries not found on this machine (needed only by optional plugins):"
        printf '%s\n' "$missing" | sed 's/^[[:space:]]*/  /'
    else
        echo "all bundled libraries resolve their dependencies"
    fi
}

check_bundle() {
    # Self-test with the bundled model (never $COLORIZER_MODEL), then a batch over the samples.
    local app="$1" out count expected
    step "self-test: $app --self-test"
    env -u COLORIZER_MODEL "$app" --self-test || fail "the bundle's self-test failed"
    step "batch over resources/samples"
    out="$WORK/batch-$(basename "$(dirname "$app")")"
    env -u COLORIZER_MODEL "$app" batch resources/samples --output "$out" || fail "batch mode failed inside the bundle"
    expected="$(find resources/samples -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.png' -o -iname '*.tif' \) | wc -l)"
    count="$(find "$out" -type f \( -iname '*.jpg' -o -iname '*.png' -o -iname '*.tif' \) | wc -l)"
    [ "$count" -ge "$expected" ] && [ "$count" -gt 0 ] || fail "batch wrote $count images into $out, expected $expected"
    echo "batch wrote $count colorized image(s):"
    find "$out" -type f | sed 's/^/  /'
}

WORK="$(mktemp -d)"

step "pyinstaller build.spec (one folder)"
rm -rf "$BUNDLE" build/build
COLORIZER_ONEFILE=0 "$VENV/bin/python" -m PyInstaller --noconfirm --clean build.spec
[ -x "$APP" ] || fail "$APP was not built"
step "size"
du -sh "$BUNDLE" | sed 's/^/one-folder bundle: /'
check_libraries "$BUNDLE/_internal"
check_bundle "$APP"

step "start-up time (offscreen, one folder)"
set +e
env -u COLORIZER_MODEL "$VENV/bin/python" scripts/startup_time.py --runs 3 --limit 2.0 "$APP"
status=$?
set -e
case "$status" in
    0) ;;
    2) echo "build_bundle: WARNING: start-up is over the 2 s goal on this machine" >&2 ;;
    *) fail "the bundled GUI did not show its window" ;;
esac

if [ "${COLORIZER_ONEFILE:-0}" = 1 ]; then
    step "pyinstaller build.spec (one file)"
    rm -rf dist/onefile build/onefile
    COLORIZER_ONEFILE=1 "$VENV/bin/python" -m PyInstaller --noconfirm --clean \
        --distpath dist/onefile --workpath build/onefile build.spec
    [ -x dist/onefile/colorizer ] || fail "dist/onefile/colorizer was not built"
    du -sh dist/onefile/colorizer | sed 's/^/one-file executable: /'
    check_bundle dist/onefile/colorizer
fi

step "done"
echo "bundle: $BUNDLE (run $APP, $APP --self-test, $APP batch IN --output OUT)"
