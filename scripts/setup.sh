#!/usr/bin/env bash
# Set up a development copy of Study Reader on Debian or Ubuntu: the system libraries Qt
# needs (including headless and X11 ones), then a virtual environment in .venv with the app.
#   scripts/setup.sh           app only
#   scripts/setup.sh --test    app plus the test and packaging tools
set -euo pipefail
cd "$(dirname "$0")/.."

# Libraries the Qt wheels link against but do not ship: OpenGL/EGL, fontconfig, xkbcommon,
# D-Bus, GLib, and the xcb family (libxcb-cursor0 is needed since Qt 6.5). A font so that
# offscreen rendering has something to fall back on; Xvfb and xauth for real-window checks
# and benchmarks/visual_startup.py (which reads the screen through libX11, a dependency of
# libx11-xcb1);
# poppler-utils (pdftotext) for the tests that read back the exported study edition PDF.
# For packaging: binutils (PyInstaller strips with it; objdump reads what the bundle links),
# desktop-file-utils and appstream (the tests validate the Linux desktop entry and metainfo
# with them), patchelf (drops the build machine's library search paths from the bundle) and
# lintian (checks the .deb; dpkg-deb, which builds it, is part of dpkg).
SYSTEM_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3
  fonts-dejavu-core libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 xvfb xauth poppler-utils
  binutils desktop-file-utils appstream patchelf lintian
)

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing system libraries Qt needs: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  if ! command -v apt-get >/dev/null \
    || ! "${sudo_cmd[@]}" apt-get update -qq \
    || ! DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "error: could not install the system libraries Qt needs." >&2
    echo "Install these packages with your package manager, then run this again:" >&2
    echo "  ${missing[*]}" >&2
    exit 1
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: Study Reader needs Python 3.11 or newer ($python is $("$python" --version 2>&1))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[dev]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
