"""Make the app's icon files from ``resources/icons/study-reader.svg``.

    python packaging/make_icons.py

Writes, and the results are committed (run it again after changing the SVG):

- ``resources/icons/hicolor/<n>x<n>/apps/<APP_ID>.png`` for the freedesktop sizes: the window
  icon at run time and the Linux desktop icon;
- ``packaging/icons/study-reader.ico``: Windows executable icon, PNG-compressed entries
  (understood since Windows Vista);
- ``packaging/icons/study-reader.icns``: macOS bundle icon, PNG payloads (macOS 10.7 and later).

Only Qt is used (QSvgRenderer from QtSvg, part of PySide6-Essentials); the ICO and ICNS
containers are simple enough to write here, so Pillow is not needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SOURCE = REPO / "resources" / "icons" / "study-reader.svg"
HICOLOR = REPO / "resources" / "icons" / "hicolor"
OUTPUT = REPO / "packaging" / "icons"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
# ICNS element types holding PNG data, by pixel size (the @2x types repeat sizes on purpose).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16x16@2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32x32@2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128x128@2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256x256@2x
    (b"ic10", 1024),  # 512x512@2x
)


def render_png(renderer, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):
        raise SystemExit(f"could not encode a {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico_file(pngs: dict[int, bytes]) -> bytes:
    """An ICO container: a 6-byte header, a 16-byte entry per image, then the PNG data."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def icns_file(pngs: dict[int, bytes]) -> bytes:
    """An ICNS container: 'icns' and the total length, then (type, length, data) elements."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    sys.path.insert(0, str(REPO))
    from reader_app import APP_ID

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(renderer, size) for size in sizes}

    for size in HICOLOR_SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "study-reader.ico").write_bytes(ico_file({s: pngs[s] for s in ICO_SIZES}))
    (OUTPUT / "study-reader.icns").write_bytes(icns_file(pngs))
    print(f"wrote {len(HICOLOR_SIZES)} PNGs under {HICOLOR.relative_to(REPO)}, ", end="")
    print(f"{OUTPUT.relative_to(REPO)}/study-reader.ico and .icns")
    del app


if __name__ == "__main__":
    main()
