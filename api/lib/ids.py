"""Random (version 4) ids, made many at a time.

`uuid.uuid4()` asks the kernel for 16 random bytes per id; a visit's 36 consent records and
its audit rows made that dozens of system calls per request, each dearer than the id itself.
The same source, asked once for all of them, gives ids that are just as random.
"""

from __future__ import annotations

import os
import uuid


def new_ids(count: int) -> list[uuid.UUID]:
    data = os.urandom(16 * count)
    return [
        uuid.UUID(bytes=data[start : start + 16], version=4) for start in range(0, len(data), 16)
    ]
