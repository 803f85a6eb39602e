"""`icontains_pattern`: `icontains` given its LIKE pattern ready-made.

``title__icontains=word`` turns the word into the pattern ``%word%`` (escaping
``%``, ``_`` and ``\\``) while the SQL is built. Given the pattern itself
(``like_pattern(word)``), the parameter is the value as passed, so a prepared
query (dpga/prepared.py) can pass a new one on: searches then skip building their
SQL too. The SQL and the matching are those of ``icontains`` on every database.
"""

from django.db import connection, models
from django.db.models.lookups import IContains, PatternLookup


class IContainsPattern(IContains):
    def process_rhs(self, qn, connection):
        # PatternLookup's own process_rhs() makes the pattern; the value already is one.
        return super(PatternLookup, self).process_rhs(qn, connection)


models.CharField.register_lookup(IContainsPattern, "icontains_pattern")
models.TextField.register_lookup(IContainsPattern, "icontains_pattern")


def like_pattern(word):
    """The pattern ``icontains`` would make of `word`: ``%word%``, escaped."""
    return f"%{connection.ops.prep_for_like_query(word)}%"
