"""The pictures the bot can send: resting positions and a wrapped cold pack.

Someone lying on the floor in pain takes in "lie like this" faster from a drawing than from a
paragraph, so the positions and cold-pack steps can come with one. The drawings hold no words;
the caption and the alt text come from ``content/<locale>/pictures.yaml``, so every language
shares one set of files. A reply names a picture by its key; each adapter resolves the key to a
PNG path here and uploads it its own way. The sources (``*.svg``) and their render script live
beside the PNGs in ``content/pictures/``; the bot reads only the PNGs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.core.content import Catalog

FOLDER = "pictures"


class Picture(StrEnum):
    """A drawing; the value is its file name without ``.png`` and its key in the content."""

    BACK_CALVES_ON_CHAIR = "back_calves_on_chair"
    SIDE_PILLOW_BETWEEN_KNEES = "side_pillow_between_knees"
    BELLY_PILLOW_UNDER_HIPS = "belly_pillow_under_hips"
    COLD_PACK_LOWER_BACK = "cold_pack_lower_back"


def picture_path(content_dir: Path, picture: Picture) -> Path:
    """Where the PNG of ``picture`` is, under the same content folder as the texts."""
    return content_dir / FOLDER / f"{picture.value}.png"


def caption_key(picture: Picture) -> str:
    """Content key of the short line shown under the picture."""
    return f"pictures.{picture.value}.caption"


def alt_key(picture: Picture) -> str:
    """Content key of the description for people who cannot see the picture."""
    return f"pictures.{picture.value}.alt"


@dataclass(frozen=True, slots=True)
class PictureCard:
    """Everything an adapter needs to send one picture in one language."""

    picture: Picture
    path: Path
    caption: str
    alt: str


def picture_card(catalog: Catalog, content_dir: Path, picture: Picture, locale: str) -> PictureCard:
    """The PNG of ``picture`` with its caption and alt text in ``locale``."""
    return PictureCard(
        picture=picture,
        path=picture_path(content_dir, picture),
        caption=catalog.text(caption_key(picture), locale),
        alt=catalog.text(alt_key(picture), locale),
    )
