"""While a backup is restored, rows are written as they were saved: nothing reacts.

`manage.py restore` loads rows with `loaddata`, which marks each save `raw`:
receivers that react to an edit (write a revision, move a feed's change time,
ping the WebSub hub, record a moved address) do nothing for a raw save.
Setting a many-to-many relation carries no `raw`, so `restore_backup()` loads
inside `restoring()`, and the receivers of many-to-many changes check
`is_restoring()`. A restored site is then the backed-up one, row for row:
its revisions, feed states and redirects come from the archive.
"""

import contextlib
import contextvars

_restoring = contextvars.ContextVar("dpga_restoring", default=False)


@contextlib.contextmanager
def restoring():
    """Inside the block, saves and relation changes are a backup being loaded."""
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


def is_restoring():
    return _restoring.get()
