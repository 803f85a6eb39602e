"""Review of changes to what the public sees, and edits that never overwrite each other.

- ``models.py``: the working copy, one per item: a non-publisher's pending change to a
  public item (or a new translation of one), never public until a publisher approves it.
- ``admin.py``: the owning admins' side (saves and restores become pending changes,
  the editor keeps editing the pending text, a publisher approves or rejects it) and
  the list of pending changes.
- ``autosave.py``: a form being written is kept as its author's autosave (a working
  copy of kind AUTOSAVE, never public, never a pending change) and restored on return.
- ``conflicts.py``: a change form opened before someone else's save is refused, naming
  that person and what they changed, and keeping the editor's text.

Nothing here imports an app: the models taking part say how (``goes_public()``).
"""
