"""Prepared queries: SQL the ORM builds once per process, then runs with new values.

Django builds and compiles a queryset's SQL on every call. For a query of
several subqueries (the announcement page's previous, next and related news)
that costs ten times what the database takes to answer it. A prepared query
lets the ORM build it once per shape, from *probe* values, finds where each
probe landed among the SQL's parameters, and from then on runs the same SQL
with the real values in those places (through ``Model.objects.raw()``: model
instances, field converters and annotations as usual).

    around = PreparedQuery(build)          # build(*shape, **values) -> QuerySet
    rows = around("en", now=..., pk=..., tag_ids=[...])

``shape`` arguments are part of the SQL's structure (a language that decides a
join, a limit) and part of the cache key. ``values`` are data: integers,
strings, dates, aware datetimes, or lists of integers (whose length is part
of the shape). Everything that comes from the database -- ids included -- must
be passed as a value, never baked into ``build``, so a prepared query never
goes stale (and all are forgotten after a migration or a flush). One database:
the SQL is that of the database the first queryset read from. Instances of a
translatable model come out shown in the language the queryset asked for, as
from the queryset itself (``in_language()``), with its ``prefetch_related()``
lookups done.

On PostgreSQL the SQL is also prepared on the server, by psycopg (its values
bound on the server; prepared once per connection, then run by name): the
server then stops parsing and planning it on every run -- for a page of cards,
some two thirds of what the database spent on it. PostgreSQL still decides for itself,
from the first runs' plans, whether one generic plan serves every value.
It follows psycopg's ``prepare_threshold`` (settings.py sets it from
``DJANGO_PREPARED_STATEMENTS``); with ``None`` -- Django's default, for a
pooler that hands one session's statements to another, PgBouncer in
transaction mode -- nothing is prepared on the server.
"""

import datetime
import functools
import itertools
import threading
import weakref

from django.db import connections
from django.db.models import prefetch_related_objects
from django.db.models.signals import post_migrate
from django.dispatch import receiver

_PROBE_INT = 1_987_000_000  # far from any id or count this site will ever hold
_PROBE_TIME = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)


class PreparedQuery:
    """`build` makes the queryset; at most `max_shapes` shapes are kept (the oldest go)."""

    def __init__(self, build=None, *, max_shapes=1000):
        self.build = build
        self.max_shapes = max_shapes
        self._prepared = {}
        self._lock = threading.Lock()  # threaded servers: evicting while another inserts
        _ALL.add(self)

    def __call__(self, *shape, **values):
        return self.run(shape, self.build, values)

    def run(self, shape, build, values):
        """Rows for `values`; `build` is called (with probes) only for a shape not seen yet.

        The caller promises that `shape` decides everything else `build` puts in the SQL.
        """
        names = sorted(values)
        sizes = tuple(
            len(values[n]) if isinstance(values[n], list | tuple) else None for n in names
        )
        key = (*shape, *zip(names, sizes, strict=True))
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = _Prepared(build, shape, values)
            with self._lock:
                while len(self._prepared) >= self.max_shapes:
                    del self._prepared[next(iter(self._prepared))]
                self._prepared[key] = prepared
        return prepared.run(values)

    def clear(self):
        """Forget every prepared shape."""
        with self._lock:
            self._prepared.clear()


_ALL = weakref.WeakSet()


@receiver(post_migrate)
def forget_prepared_queries(**kwargs):
    """After migrations or a flush (tests), ids such as content types' may differ:
    every query is prepared again, as Django's own content-type cache is cleared."""
    for query in list(_ALL):
        query.clear()


class _Prepared:
    def __init__(self, build, shape, values):
        counter = itertools.count(1)
        probes = {name: _probe(value, counter) for name, value in values.items()}
        queryset = build(*shape, **probes)
        self.model, self.using = queryset.model, queryset.db
        self.show = getattr(queryset, "show_fetched", lambda objs: objs)
        self.prefetch = queryset._prefetch_related_lookups
        fetching = getattr(queryset, "fetching_queryset", lambda: queryset)()
        self.sql, params = fetching.query.get_compiler(using=self.using).as_sql()
        operations = connections[self.using].ops
        # (name, index or None, adapt) for every parameter that is a probe.
        where = {}
        for name, probe in probes.items():
            for index, item in enumerate(probe) if isinstance(probe, list) else [(None, probe)]:
                for adapt in _adapters(item, operations):
                    where.setdefault(adapt(item), (name, index, adapt))
        self.params = list(params)
        self.slots = []
        found = set()
        for position, param in enumerate(params):
            slot = where.get(param) if _hashable(param) else None
            if slot is not None:
                self.slots.append((position, *slot))
                found.add(slot[:2])
            elif isinstance(param, str) and any(
                str(probe) in param for probe in _flat(probes.values())
            ):
                raise ValueError(f"A probe value was transformed into {param!r}: not preparable.")
        expected = {
            (name, index)
            for name, probe in probes.items()
            for index in (range(len(probe)) if isinstance(probe, list) else [None])
        }
        if found != expected:
            raise ValueError(f"Values the SQL does not use as they are: {expected - found}")
        self.rows = None  # how a row becomes an instance: _Rows, from the first run

    def run(self, values):
        params = list(self.params)
        for position, name, index, adapt in self.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = adapt(value)
        if self.rows is None:  # the first run: the ORM works out how rows become instances
            raw = self.model.objects.raw(self.sql, params).using(self.using)
            rows = list(raw)
            self.rows = _Rows(raw)  # from the columns raw() has just seen
        else:
            rows = self.rows.instances(params)
        if self.prefetch:
            prefetch_related_objects(rows, *self.prefetch)
        return self.show(rows)


class _Rows:
    """Rows of one SQL as model instances, as ``Model.objects.raw()`` makes them
    (field converters, annotations as attributes), with what raw() works out
    from the cursor's columns on every call worked out once."""

    def __init__(self, raw):
        self.model, self.using = raw.model, raw.db
        self.sql = raw.raw_query
        self.names, self.positions, self.annotations = raw.resolve_model_init_order()
        connection = connections[self.using]
        self.compiler = connection.ops.compiler("SQLCompiler")(raw.query, connection, self.using)
        fields = [raw.model_fields.get(column) for column in raw.columns]
        columns = [f.get_col(f.model._meta.db_table) if f else None for f in fields]
        self.converters = self.compiler.get_converters(columns)

    def instances(self, params):
        with _cursor(connections[self.using]) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        instances = []
        for row in rows:
            instance = self.model.from_db(self.using, self.names, [row[p] for p in self.positions])
            for column, position in self.annotations:
                setattr(instance, column, row[position])
            instances.append(instance)
        return instances


def _cursor(connection):
    """Django's cursor; on PostgreSQL with prepared statements on (psycopg's
    ``prepare_threshold``), one that binds values on the server, so that psycopg
    prepares the statement there, once per connection, and runs it by name."""
    connection.ensure_connection()
    threshold = getattr(connection.connection, "prepare_threshold", None)  # psycopg 3
    if connection.vendor != "postgresql" or threshold is None:
        return connection.cursor()
    server_bound, debug = _server_bound_cursors()
    with connection.wrap_database_errors:
        cursor = server_bound(connection.connection)
    if connection.queries_logged:
        return debug(cursor, connection)
    return connection.make_cursor(cursor)


@functools.cache
def _server_bound_cursors():
    """psycopg's server-binding cursor as Django makes it, and a debug wrapper that
    logs its SQL with the values in it, as Django's logs every other query."""
    from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
    from django.db.backends.utils import CursorWrapper

    class DebugWrapper(CursorDebugWrapper):
        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)

    return ServerBindingCursor, DebugWrapper


def _probe(value, counter):
    """A value of the same kind as `value`, that no real data can equal."""
    if isinstance(value, list | tuple):
        return [_probe(item, counter) for item in value]
    if isinstance(value, bool) or not isinstance(value, int | str | datetime.date):
        raise TypeError(f"Cannot prepare a query on {type(value).__name__} values: {value!r}")
    n = next(counter)
    if isinstance(value, datetime.datetime):
        return _PROBE_TIME + datetime.timedelta(seconds=n)
    if isinstance(value, datetime.date):
        return _PROBE_TIME.date() + datetime.timedelta(days=n)
    if isinstance(value, str):
        return f"\x1fprobe-{n}\x1f"
    return _PROBE_INT + n


def _adapters(value, operations):
    """How the ORM may have passed `value` on to the database (as it is, or adapted)."""
    if isinstance(value, datetime.datetime):
        return [lambda v: v, operations.adapt_datetimefield_value]
    if isinstance(value, datetime.date):
        return [lambda v: v, operations.adapt_datefield_value]
    return [lambda v: v]


def _flat(values):
    for value in values:
        yield from value if isinstance(value, list) else [value]


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
