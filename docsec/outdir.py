"""Output folders written all at once: complete, or not there at all.

:func:`staged_folder` hands out an empty temporary folder beside the target; the target
gets its content only when the block finishes. An error, a bad parameter found late or a
Ctrl-C removes the temporary folder and leaves the target as it was: never half an
exercise, never a manifest that lists files of an earlier run. A target that is not empty
is refused unless ``force`` is given; then its old content is removed, once the new content
is complete, just before the new content moves in.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with staged_folder(root / "ex") as tmp:
...     _ = (tmp / "manifest.json").write_text("{}")
>>> sorted(p.name for p in (root / "ex").iterdir())
['manifest.json']
>>> with staged_folder(root / "ex") as tmp:  # doctest: +ELLIPSIS
...     pass
Traceback (most recent call last):
...
docsec.errors.OutputError: .../ex is not empty: give --force to replace its content, ...
>>> try:
...     with staged_folder(root / "new") as tmp:
...         raise KeyboardInterrupt
... except KeyboardInterrupt:
...     pass
>>> sorted(p.name for p in root.iterdir())
['ex']
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from docsec.errors import OutputError

__all__ = ["check_target", "ensure_folder", "staged_folder", "unused_path"]


def check_target(out: Path | str, *, force: bool = False) -> Path:
    """Check that ``out`` may be written (absent, an empty folder, or any folder with
    ``force``); return it as a path.

    Raises
    ------
    OutputError
        ``out`` is a file, a non-empty folder without ``force``, or its parent cannot be
        written.
    """
    target = Path(out)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise OutputError(f"{target} exists and is not a folder", path=str(target))
        if not force and any(target.iterdir()):
            raise OutputError(
                f"{target} is not empty: give --force to replace its content, or another folder",
                path=str(target),
            )
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputError(f"{target} is not writable", path=str(target))
    return target


def ensure_folder(folder: Path | str) -> Path:
    """A folder to add files to (created when missing), as a path.

    Raises
    ------
    OutputError
        ``folder`` is a file, or cannot be created or written.
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a folder", path=str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {exc.strerror or exc}", path=str(path)) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path} is not writable", path=str(path))
    return path


def unused_path(folder: Path, stem: str, suffix: str, taken: set[Path] | None = None) -> Path:
    """``folder/<stem><suffix>``, or ``<stem>-2<suffix>``, ``-3``... when that file exists
    or is in ``taken``: a new file never replaces an earlier one.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "scan.png").write_bytes(b"")
    >>> unused_path(folder, "scan", ".png").name
    'scan-2.png'
    """
    target = folder / f"{stem}{suffix}"
    k = 1
    while (taken is not None and target in taken) or target.exists():
        k += 1
        target = folder / f"{stem}-{k}{suffix}"
    return target


@contextlib.contextmanager
def staged_folder(out: Path | str, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder; on success its content becomes ``out``'s.

    Raises
    ------
    OutputError
        See :func:`check_target`; also when the temporary folder cannot be created.
    """
    target = check_target(out, force=force)
    parent = target.absolute().parent
    for folder in (parent, *parent.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write into {folder}: it is not a folder", path=str(target))
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise OutputError(
            f"cannot write into {parent}: {exc.strerror or exc}", path=str(target)
        ) from None
    try:
        yield tmp
        _move_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _move_in(tmp: Path, target: Path) -> None:
    try:
        if not target.exists():
            tmp.rename(target)  # one atomic step
            return
        for old in list(target.iterdir()):  # forced (or empty): old content goes first
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            else:
                old.unlink()
        for new in list(tmp.iterdir()):
            new.rename(target / new.name)
        tmp.rmdir()
    except OSError as exc:
        raise OutputError(
            f"cannot move the output into {target}: {exc.strerror or exc}", path=str(target)
        ) from None
