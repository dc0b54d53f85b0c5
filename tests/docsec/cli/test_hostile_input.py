"""Bad input through the real entry point: a precise error and exit code, never a traceback.

Runs ``python -m docsec`` in a subprocess, as a lab's script would, with the inputs the
house rules name: a wrong MRZ, a PNG bomb, a truncated JPEG, garbage bytes, a VIN with an
'O', junk text, a malformed registry file.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _docsec(*args: str, cwd: Path, registry: bool = True) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "OMP_THREAD_LIMIT": "1"}
    if registry:
        env["DOCSEC_REGISTRY"] = str(cwd / "r.db")
    return subprocess.run(
        [sys.executable, "-m", "docsec", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def _assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


def _png_bomb(path: Path, side: int = 40_000) -> None:
    """A ~200 kB PNG that would decode to 1.6 gigapixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    data = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _jpeg_bytes() -> bytes:
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (200, 300, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.slow
def test_read_rejects_hostile_images_with_typed_errors(tmp_path: Path) -> None:
    _png_bomb(tmp_path / "bomb.png")
    (tmp_path / "truncated.jpg").write_bytes(_jpeg_bytes()[:700])
    (tmp_path / "garbage.png").write_bytes(np.random.default_rng(1).bytes(5000))
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "text.jpg").write_text("not an image at all\n")
    names = ["bomb.png", "truncated.jpg", "garbage.png", "empty.jpg", "text.jpg", "missing.png"]
    proc = _docsec("read", *names, "--json", "--no-viz", cwd=tmp_path)
    _assert_clean(proc)
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["image"] for r in rows] == names
    for row in rows:
        assert row["error"]["code"] == "ImageLoadError", row
        assert row["error"]["message"]


def test_mrz_and_vin_junk_get_exit_codes_not_tracebacks(tmp_path: Path) -> None:
    wrong = _docsec(
        "mrz", "parse", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C37UTO7408122F1204159ZE184226B<<<<<10", "--json", cwd=tmp_path,
    )  # fmt: skip
    _assert_clean(wrong)
    assert wrong.returncode == 1
    failing = {f["id"] for f in json.loads(wrong.stdout)["findings"] if f["status"] == "fail"}
    assert {"mrz.check_digit.document_number", "mrz.check_digit.composite"} <= failing

    junk = _docsec("mrz", "parse", "\u2603" * 30, "<<<", cwd=tmp_path)
    _assert_clean(junk)
    assert junk.returncode == 2 and "not an MRZ" in junk.stderr

    vins = ["1M8GDM9AOKP042788", "", "\U0001f697" * 17, "X" * 10_000, "1М8GDМ9АXKР042788"]
    proc = _docsec("vin", "check", *vins, "--json", cwd=tmp_path, registry=False)
    _assert_clean(proc)
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == len(vins)
    assert rows[0]["valid"] is False and rows[0]["errors"]
    assert rows[4]["vin"] == "1M8GDM9AXKP042788"  # Cyrillic look-alikes mapped, with a warning
    assert rows[4]["warnings"]


def test_registry_import_of_a_malformed_file_loads_nothing(tmp_path: Path) -> None:
    seed = _docsec("registry", "seed", "--records", "50", "--seed", "3", cwd=tmp_path)
    _assert_clean(seed)
    assert seed.returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("vin,make\n1M8GDM9AXKP042788,Motor Coach\n\x00\x01,??\n", encoding="utf-8")
    proc = _docsec("registry", "import", str(bad), cwd=tmp_path)
    _assert_clean(proc)
    assert proc.returncode == 2
    count = _docsec("registry", "search", "--vin", "1M8GDM9AXKP042788", "--json", cwd=tmp_path)
    _assert_clean(count)
    assert json.loads(count.stdout)["hits"] == []
