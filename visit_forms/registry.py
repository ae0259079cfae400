"""The published forms: data files in `forms/<key>/v<version>.yaml`, locked by hash.

A stored visit names the (key, version) it was filled with, so a published version may never
change or disappear: `forms/published.json` holds the SHA-256 of each one, and loading fails when
a file differs from it or is missing. `python -m visit_forms.publish` adds new versions to the
lock and refuses to touch existing ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from visit_forms.compiled import Form
from visit_forms.loader import CovenantCodes, FormLoadError, load_file

FORMS_DIR = Path(__file__).with_name("forms")
LOCK_FILE = FORMS_DIR / "published.json"
_FILE_NAME = re.compile(r"v([1-9][0-9]*)\.yaml")


def form_files(directory: Path = FORMS_DIR) -> list[Path]:
    return sorted(path for path in directory.glob("*/v*.yaml") if _FILE_NAME.fullmatch(path.name))


def read_lock(lock_file: Path = LOCK_FILE) -> dict[str, str]:
    if not lock_file.exists():
        return {}
    data: dict[str, str] = json.loads(lock_file.read_text(encoding="utf-8"))
    return data


def load_forms(directory: Path, codes: CovenantCodes) -> list[Form]:
    forms = []
    for path in form_files(directory):
        form = load_file(path, codes)
        expected = (path.parent.name, int(path.stem[1:]))
        if (form.key, form.version) != expected:
            raise FormLoadError(
                str(path), "key", f"the file is named for {expected[0]} v{expected[1]}"
            )
        forms.append(form)
    return forms


@dataclass(frozen=True, slots=True)
class Registry:
    forms: dict[tuple[str, int], Form]

    def get(self, key: str, version: int) -> Form | None:
        return self.forms.get((key, version))

    def latest(self, key: str) -> Form | None:
        versions = [form for (k, _), form in self.forms.items() if k == key]
        return max(versions, key=lambda form: form.version, default=None)

    def all(self) -> list[Form]:
        return [self.forms[key] for key in sorted(self.forms)]


def load_published(
    codes: CovenantCodes, directory: Path = FORMS_DIR, lock_file: Path | None = None
) -> Registry:
    lock = read_lock(lock_file or directory / LOCK_FILE.name)
    forms = load_forms(directory, codes)
    found: dict[tuple[str, int], Form] = {}
    for form in forms:
        name = f"{form.key}/{form.version}"
        source = str(directory / form.key / f"v{form.version}.yaml")
        if name not in lock:
            raise FormLoadError(source, "", "not published: run `python -m visit_forms.publish`")
        if lock[name] != form.sha256:
            raise FormLoadError(
                source, "", "a published version changed; publish the change as a new version"
            )
        found[(form.key, form.version)] = form
    missing = sorted(set(lock) - {f"{key}/{version}" for key, version in found})
    if missing:
        raise FormLoadError(str(directory), "", f"published versions are missing: {missing}")
    return Registry(found)
