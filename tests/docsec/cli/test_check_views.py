"""`docsec check DIR` finds every light of an item folder by its file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsec.cli.check import views_in_folder


def _touch(folder: Path, *names: str) -> None:
    for n in names:
        (folder / n).write_bytes(b"")


def test_every_light_of_a_level_two_item_is_found(tmp_path: Path) -> None:
    _touch(tmp_path, "white.png", "uv365.png", "uv254.png", "ir.png", "transmitted.png",
           "tilt_1.png", "tilt_2.png", "uv254_back.png", "capture_white.jpg", "notes.txt",
           "loupe_microprint.png")
    found = views_in_folder(tmp_path)
    assert set(found) == {"white", "uv365", "uv254", "ir", "transmitted", "tilt_1", "tilt_2",
                          "uv254_back"}
    assert found["white"].name == "white.png"  # plain views win over captures


@pytest.mark.parametrize("name", ["uv254x.png", "tilt_a.png", "white_front.png"])
def test_unknown_names_are_not_views(tmp_path: Path, name: str) -> None:
    _touch(tmp_path, name)
    assert views_in_folder(tmp_path) == {}
