"""Wire types of the forms endpoints."""

from __future__ import annotations

from api.lib.wire import Wire


class LocalText(Wire):
    nl: str
    en: str


class FormSummary(Wire):
    key: str
    version: int
    title: LocalText
    sha256: str
    # The newest version of its key: new visits use it; drafts keep the version they began with.
    latest: bool
