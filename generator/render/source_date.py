"""SOURCE_DATE_EPOCH: the build's date when a reproducible build fixes it."""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), dt.UTC)
