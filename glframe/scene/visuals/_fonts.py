"""Font lookup: a family name (plus bold/italic) or a path -> a font file.

glframe ships no fonts: it uses the fonts installed on the machine (on Debian,
``fonts-dejavu-core``, which ``scripts/setup.sh`` installs, gives DejaVu Sans,
Serif and Sans Mono, each regular and bold). Fonts are searched, in order, in
the folders of ``GLFRAME_FONT_PATH`` (``os.pathsep``-separated), folders given
to :func:`add_font_dir`, then the usual system and user folders of Linux,
macOS and Windows.

A family name is matched against the names stored in the fonts themselves
(read with freetype), not against file names; files whose name looks like the
family are opened first, and the whole index is built (once, then cached)
only on a miss. When a family has several faces of the same weight and slant
(DejaVu Sans Book, Condensed, ExtraLight), the plain one is preferred; a full
name such as ``"DejaVu Sans Condensed"`` picks a variant. A family without
the requested bold or italic face falls back to its regular face (no
synthetic emboldening). Generic names (``"sans"``, ``"serif"``,
``"monospace"``) take the first family found of a short list, DejaVu first.
Only the first face of a collection (``.ttc``) is indexed.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import freetype

__all__ = ["FontEntry", "GENERIC", "add_font_dir", "find_font", "font_dirs", "font_families"]

logger = logging.getLogger("glframe.scene")

EXTENSIONS = (".ttf", ".otf", ".ttc")
# style words of the plain face of a family, best first
PLAIN_STYLES = ("regular", "book", "normal", "roman", "medium", "")
#: generic names -> families tried in order (the first found is used)
GENERIC = {
    "sans": ("DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Helvetica"),
    "serif": ("DejaVu Serif", "Noto Serif", "Liberation Serif", "Times New Roman", "Times"),
    "monospace": ("DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "Courier New", "Menlo"),
}
GENERIC.update({"sans-serif": GENERIC["sans"], "mono": GENERIC["monospace"]})
_extra_dirs: list[Path] = []


@dataclass(frozen=True)
class FontEntry:
    """One font file and the names it declares."""

    path: Path
    family: str
    style: str
    bold: bool
    italic: bool

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.style}".strip()


def add_font_dir(path: str | os.PathLike) -> None:
    """Search ``path`` (recursively) for fonts too, before the system folders."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ValueError(f"font folder {str(folder)!r} does not exist")
    if folder not in _extra_dirs:
        _extra_dirs.append(folder)


def font_dirs() -> list[Path]:
    """The folders searched for fonts, in order (existing ones only)."""
    return [*_user_dirs(), *_system_dirs()]


def _user_dirs() -> tuple[Path, ...]:
    env = os.environ.get("GLFRAME_FONT_PATH", "").split(os.pathsep)
    dirs = [Path(p).expanduser() for p in env if p.strip()] + _extra_dirs
    return tuple(dict.fromkeys(d for d in dirs if d.is_dir()))


def _system_dirs() -> tuple[Path, ...]:
    home = Path.home()
    dirs = [
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
    ]
    if sys.platform == "darwin":
        dirs += [home / "Library/Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    if sys.platform == "win32":
        dirs += [Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    return tuple(d for d in dirs if d.is_dir() and d not in _user_dirs())


@functools.lru_cache(maxsize=8)
def _files_in(dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    files: list[Path] = []
    for folder in dirs:
        files += sorted(p for p in folder.rglob("*") if p.suffix.lower() in EXTENSIONS)
    return tuple(files)


@functools.lru_cache(maxsize=4096)
def _entry(path: Path) -> FontEntry | None:
    try:
        face = freetype.Face(str(path))
    except (freetype.FT_Exception, OSError):  # not a font freetype can read: skip it
        return None
    family = (face.family_name or b"").decode("utf-8", "replace")
    style = (face.style_name or b"").decode("utf-8", "replace")
    flags = face.style_flags
    return FontEntry(
        path,
        family,
        style,
        bool(flags & freetype.FT_STYLE_FLAG_BOLD),
        bool(flags & freetype.FT_STYLE_FLAG_ITALIC),
    )


@functools.lru_cache(maxsize=8)
def _index_in(dirs: tuple[Path, ...]) -> tuple[FontEntry, ...]:
    entries = (_entry(p) for p in _files_in(dirs))
    return tuple(e for e in entries if e is not None)


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _style_rank(entry: FontEntry) -> tuple[int, int]:
    """Lower is plainer: 'Book' before 'Condensed', 'Bold' before 'Condensed Bold'."""
    words = [w for w in entry.style.lower().split() if w not in ("bold", "italic", "oblique")]
    plain = " ".join(words)
    rank = PLAIN_STYLES.index(plain) if plain in PLAIN_STYLES else len(PLAIN_STYLES)
    return rank, len(entry.style)


def _choose(entries: list[FontEntry], name: str, bold: bool, italic: bool) -> FontEntry | None:
    key = name.strip().lower()
    full = [e for e in entries if e.full_name.lower() == key]
    if full:
        return full[0]
    family = [e for e in entries if e.family.lower() == key]
    for want in ((bold, italic), (bold, False), (False, italic), (False, False)):
        faces = [e for e in family if (e.bold, e.italic) == want]
        if faces:
            best = min(faces, key=_style_rank)
            if want != (bold, italic):
                logger.info(
                    "font %r has no bold=%s italic=%s face; using %s", name, bold, italic, best
                )
            return best
    return None


@functools.lru_cache(maxsize=256)
def _lookup(
    name: str, bold: bool, italic: bool, user: tuple[Path, ...], system: tuple[Path, ...]
) -> Path:
    found = _choose(list(_index_in(user)), name, bold, italic)  # the user's folders first
    if found is None:  # then system files named like the family (DejaVuSans*.ttf)
        prefix = _squash(name)[:8]
        likely = [p for p in _files_in(system) if _squash(p.stem).startswith(prefix)]
        found = _choose([e for e in map(_entry, likely) if e is not None], name, bold, italic)
    if found is None:  # then every system font's names
        found = _choose(list(_index_in(system)), name, bold, italic)
    if found is None:
        families = ", ".join(font_families()) or "none"
        searched = ", ".join(map(str, font_dirs())) or "none"
        raise ValueError(
            f"no font {name!r} found (searched {searched}); fonts found: {families}. "
            "Give a font file's path, or add a folder with GLFRAME_FONT_PATH or "
            "scene.visuals.fonts.add_font_dir()"
        )
    return found.path


def find_font(font: str | os.PathLike, *, bold: bool = False, italic: bool = False) -> Path:
    """The file of ``font``: a path to a font file, a family name (``"DejaVu Serif"``),
    or a generic name of :data:`GENERIC` (``"sans"``, ``"serif"``, ``"monospace"``).

    Raises ValueError naming the families found when there is no such font.

    Examples
    --------
    >>> find_font("DejaVu Sans", bold=True).name          # doctest: +SKIP
    'DejaVuSans-Bold.ttf'
    """
    path = Path(font).expanduser()
    if path.suffix.lower() in EXTENSIONS or os.sep in str(font):
        if not path.is_file():
            raise ValueError(f"font file {str(path)!r} does not exist")
        if _entry(path.resolve()) is None:
            raise ValueError(f"{str(path)!r} is not a font file freetype can read")
        return path.resolve()
    dirs = _user_dirs(), _system_dirs()
    for family in GENERIC.get(str(font).strip().lower(), ()):
        try:
            return _lookup(family, bool(bold), bool(italic), *dirs)
        except ValueError:
            continue
    return _lookup(str(font), bool(bold), bool(italic), *dirs)


def font_families() -> list[str]:
    """The family names of every font found (sorted)."""
    return sorted({e.family for e in _index_in(tuple(font_dirs())) if e.family})
