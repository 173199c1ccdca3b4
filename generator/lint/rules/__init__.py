"""Every lint rule, by topic. Importing a module declares its rules; this order is the order of docs/rules.md."""

from . import team, rota, reporting, scenarios, venues, contacts, language, upkeep, placeholders, glyphs, waivers  # noqa: F401, I001
