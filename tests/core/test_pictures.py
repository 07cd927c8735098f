"""The pictures: every one drawn, rendered from its current source, light enough to send, and
described in every language.

Freshness is checked by content, not by file times (a git checkout does not keep them): the
render script stores the SHA-256 of the SVG bytes in the PNG, and this test reads it back with
the standard library, so it needs no cairo.
"""

from __future__ import annotations

import ast
import hashlib
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

import bot
from bot.core.content import Catalog
from bot.core.pictures import FOLDER, Picture, alt_key, caption_key, picture_card, picture_path
from tests.conftest import CONTENT

PICTURES = CONTENT / FOLDER
RENDER = "python content/pictures/render.py"
SOURCE_KEY = "backcheck-svg-sha256"
# Telegram cuts photo captions and Discord attachment descriptions beyond 1024 characters.
MAX_CAPTION = 1024


def png_facts(path: Path) -> tuple[int, int, dict[str, str]]:
    """Width, height and the tEXt entries of a PNG, every chunk's CRC checked."""
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), f"{path.name} is not a PNG"
    pos, width, height, texts = 8, 0, 0, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path.name}: damaged {kind!r} chunk"
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return width, height, texts


def test_every_source_is_a_known_picture_and_every_picture_has_a_source() -> None:
    assert {p.stem for p in PICTURES.glob("*.svg")} == {p.value for p in Picture}
    assert {p.stem for p in PICTURES.glob("*.png")} == {p.value for p in Picture}


@pytest.mark.parametrize("picture", list(Picture))
def test_png_is_rendered_from_the_current_svg(picture: Picture) -> None:
    png = picture_path(CONTENT, picture)
    svg = png.with_suffix(".svg")
    assert png.is_file(), f"{png.name} is missing: run `{RENDER} {picture.value}`"
    _, _, texts = png_facts(png)
    current = hashlib.sha256(svg.read_bytes()).hexdigest()
    assert texts.get(SOURCE_KEY) == current, (
        f"{png.name} was not rendered from the current {svg.name}: run `{RENDER} {picture.value}`"
    )


@pytest.mark.parametrize("picture", list(Picture))
def test_png_is_sharp_on_a_phone_and_light_to_send(picture: Picture) -> None:
    png = picture_path(CONTENT, picture)
    width, height, _ = png_facts(png)
    assert width >= 800, f"{png.name} is {width} px wide"
    assert 0 < height <= width, f"{png.name} is {width}x{height}: keep it landscape"
    assert png.stat().st_size <= 150_000, f"{png.name} is {png.stat().st_size} bytes"


@pytest.mark.parametrize("picture", list(Picture))
def test_svg_holds_no_words(picture: Picture) -> None:
    """Both languages share one drawing: any word belongs in the caption instead."""
    root = ET.parse(PICTURES / f"{picture.value}.svg").getroot()
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not tags & {"text", "tspan", "textPath", "image", "foreignObject"}, tags


def test_every_picture_has_a_caption_and_alt_text_in_every_language(catalog: Catalog) -> None:
    for picture in Picture:
        for locale in catalog.locales:
            for key in (caption_key(picture), alt_key(picture)):
                assert catalog.has(key, locale), f"content/{locale}/pictures.yaml: {key}"
                assert isinstance(catalog.raw(key, locale), str), f"{locale}: {key} is a list"
            card = picture_card(catalog, CONTENT, picture, locale)
            assert card.path.is_file()
            assert card.caption != card.alt, f"{locale}: {picture.value}"
            assert len(card.caption) <= MAX_CAPTION and len(card.alt) <= MAX_CAPTION


def test_the_pictures_folder_is_not_taken_for_a_language(catalog: Catalog) -> None:
    assert FOLDER not in catalog.locales


def test_the_bot_never_imports_the_renderer() -> None:
    """CairoSVG needs the system cairo library; only the developers' render script may use it."""
    offenders = []
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "cairosvg"]
    assert offenders == []
