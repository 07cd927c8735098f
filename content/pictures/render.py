"""Render the picture sources (``*.svg`` beside this file) to the PNGs the bot sends.

A developer's tool, not part of the bot: it needs CairoSVG and the system cairo library
(``pip install -e '.[pictures]'``), the bot only reads the committed PNGs. Run it after editing
an SVG::

    python content/pictures/render.py            # every picture
    python content/pictures/render.py cold_pack_lower_back

Each PNG carries the SHA-256 of the SVG bytes it was drawn from in a ``tEXt`` chunk, so a test
can tell a stale PNG from a fresh one without cairo and without file times (a git checkout does
not keep them).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTH = 1200  # px: sharp on a phone (Telegram keeps up to 1280); 800 is the least we accept
MAX_BYTES = 150_000
SOURCE_KEY = b"backcheck-svg-sha256"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def source_digest(svg: Path) -> str:
    """The hash stored in the PNG: of the exact bytes in the repository."""
    return hashlib.sha256(svg.read_bytes()).hexdigest()


def with_source_digest(png: bytes, digest: str) -> bytes:
    """``png`` with a ``tEXt`` chunk naming its source, placed right after IHDR."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    ihdr_end = len(PNG_SIGNATURE) + 8 + struct.unpack(">I", png[8:12])[0] + 4
    data = SOURCE_KEY + b"\0" + digest.encode("ascii")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def render(svg: Path) -> Path:
    """Write ``svg``'s PNG next to it; refuse one that would be too heavy to send quickly."""
    cairosvg = importlib.import_module("cairosvg")  # imported here: only this tool needs cairo
    png: bytes = cairosvg.svg2png(bytestring=svg.read_bytes(), output_width=WIDTH)
    png = with_source_digest(png, source_digest(svg))
    if len(png) > MAX_BYTES:
        raise SystemExit(f"{svg.name}: {len(png)} bytes, more than {MAX_BYTES}: simplify it")
    out = svg.with_suffix(".png")
    out.write_bytes(png)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="picture names (default: every *.svg here)")
    args = parser.parse_args(argv)
    sources = [HERE / f"{n}.svg" for n in args.names] or sorted(HERE.glob("*.svg"))
    for svg in sources:
        if not svg.is_file():
            print(f"{svg.name}: no such picture in {HERE.name}/", file=sys.stderr)
            return 1
        out = render(svg)
        print(f"{out.name}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
