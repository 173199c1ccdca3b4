"""Keeping the starters' catalogs (templates/starters/locale/*.po) in step with the starters.

`python -m generator.starter_catalogs` adds each new text of the starters (empty, for the
translators), drops the texts no starter has any more, and keeps every translation. Apart from
generator/starter_texts.py, which `init` uses to translate, because this side reads `init`'s starters.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .starter_texts import Lookup, locale_dir, rewrite


def english_messages() -> dict[str, list[str]]:
    """Every text of the starters a catalog translates, in order, with where it is (`meetup.yaml:12`)."""
    from .init import _SAMPLE_REGION, PLACE_MARK, TEAMS, event_header, for_place_english, starter_text

    found: dict[str, list[str]] = {}

    def record(where: str) -> Lookup:
        def lookup(text: str) -> None:
            if PLACE_MARK not in text:  # not a comment `for_place` adds in the locale's language itself
                found.setdefault(text, []).append(where)
        return lookup

    for team in TEAMS:
        text = starter_text(team)
        rewrite(text, record(f"{team}.yaml"))
        rewrite(for_place_english(text, "JP", _SAMPLE_REGION[team]), record(f"{team}.yaml (for a place)"))
    rewrite(event_header(), record("generator/init.py (an event's starter)"))
    return found


def _update_catalogs() -> Iterator[Path]:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    wanted = english_messages()
    for path in sorted(locale_dir().glob("*.po")):
        with path.open("rb") as handle:
            old = read_po(handle)
        new = Catalog(locale=old.locale, project="incident-guide starters", version="1", fuzzy=False,
                      creation_date=old.creation_date, revision_date=old.revision_date,
                      header_comment=f"# The starters' texts in {path.stem} (templates/starters/*.yaml): see generator/starter_texts.py.")
        for msgid, where in wanted.items():
            previous = old.get(msgid)
            new.add(msgid, previous.string if previous is not None else "",
                    auto_comments=[", ".join(dict.fromkeys(where))])
        with path.open("wb") as handle:
            write_po(handle, new, width=0, omit_header=False, sort_output=False)
        yield path


if __name__ == "__main__":
    for written in _update_catalogs():
        print(f"updated {written}")
