"""The Jinja environment of the guides: autoescape, strict undefined names, our filters and globals."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..paths import templates_dir
from ..plan.model import Audience, RoleKind, RoomKind
from .formatting import bare_url, tel_href
from .guide import Guide
from .locale import plain_text
from .now_script import NOW_SCRIPT, NOW_SCRIPT_HASH
from .qr import qr_svg


@jinja2.pass_context
def _phone_filter(context: jinja2.runtime.Context, number: str | None) -> str:
    return _guide(context).phone(number)


@jinja2.pass_context
def _long_date_filter(context: jinja2.runtime.Context, day: dt.date) -> str:
    return _guide(context).t.long_date(day)


@jinja2.pass_context
def _short_date_filter(context: jinja2.runtime.Context, day: dt.date) -> str:
    return _guide(context).t.short_date(day)


@jinja2.pass_context
def _t(context: jinja2.runtime.Context, ident: str, /, **values: object) -> Markup:
    """`t("id", name=value)` in the templates: the guide's own words (English in templates/locale/messages.pot)."""
    return _guide(context).t.t(ident, **values)


def _guide(context: jinja2.runtime.Context) -> Guide:
    guide = context["guide"]
    assert isinstance(guide, Guide)
    return guide


@jinja2.pass_context
def _md_filter(context: jinja2.runtime.Context, text: str | None) -> Markup:
    return Markup(context["guide"].md(text))


@jinja2.pass_context
def _mdi_filter(context: jinja2.runtime.Context, text: str | None) -> Markup:
    return Markup(context["guide"].mdi(text))


def _no_none(value: object) -> object:
    """`{{ value }}` of an absent value prints nothing, never the word None."""
    return "" if value is None else value


BYTECODE_CACHE_FILES = 256  # a few dozen templates per checkout or installed copy: room for several


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (checked by source checksum; nothing from a plan) in the user's
    cache folder, $XDG_CACHE_HOME/incident-guide/templates/, at most BYTECODE_CACHE_FILES files; none if unusable."""
    from ..paths import user_cache_dir

    folder = user_cache_dir() / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _bound(folder, BYTECODE_CACHE_FILES)
        return jinja2.FileSystemBytecodeCache(str(folder))
    except (OSError, RuntimeError):
        return None


def _bound(folder: Path, most: int) -> None:
    """Remove the least recently written files beyond the `most` newest."""
    entries = [entry for entry in folder.iterdir() if entry.name.endswith(".cache") and entry.is_file()]
    if len(entries) <= most:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[most:]:
        entry.unlink(missing_ok=True)


@functools.cache
def environment(directory: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory or templates_dir())),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_no_none,
    )
    env.filters.update(
        long_date=_long_date_filter,
        short_date=_short_date_filter,
        tel=tel_href,
        bare_url=bare_url,
        phone=_phone_filter,
        md=_md_filter,
        mdi=_mdi_filter,
        striptags=plain_text,  # keeps the no-break spaces of the locale's punctuation
    )
    env.globals.update(t=_t, qr=qr_svg, RoomKind=RoomKind, RoleKind=RoleKind, Audience=Audience,
                       NOW_SCRIPT=Markup(NOW_SCRIPT), NOW_SCRIPT_HASH=NOW_SCRIPT_HASH)
    return env
