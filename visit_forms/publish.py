"""Publish new form versions: add their hashes to forms/published.json.

Usage: python -m visit_forms.publish
Existing entries are never rewritten: a changed published file is an error, not an update.
Covenant codes are not checked here; the API checks them when it loads the forms.
"""

from __future__ import annotations

import json
import sys

from visit_forms.loader import canonical_json, read_file
from visit_forms.registry import LOCK_FILE, form_files, read_lock


def main() -> int:
    import hashlib

    lock = read_lock()
    added = []
    for path in form_files():
        name = f"{path.parent.name}/{int(path.stem[1:])}"
        digest = hashlib.sha256(canonical_json(read_file(path))).hexdigest()
        if name in lock and lock[name] != digest:
            print(f"{path}: published version changed; make a new version instead", file=sys.stderr)
            return 1
        if name not in lock:
            lock[name] = digest
            added.append(name)
    LOCK_FILE.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n", encoding="utf-8")
    print("published: " + (", ".join(added) if added else "nothing new"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
