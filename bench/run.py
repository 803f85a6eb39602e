#!/usr/bin/env python
"""`make bench`: how fast the site serves its public pages, next to two baselines.

    python bench/run.py [--n 10000] [--duration 5] [--database-url URL] [--redis-url URL]

1. Seeds a separate database (default: bench-results/bench-<N>.sqlite3; or
   --database-url, e.g. postgres://postgres@127.0.0.1:5432/dpga_bench, which is
   dropped and created again) with N announcements, tags, members and pictures'
   metadata, and runs collectstatic.
2. Counts the queries and bytes of every URL in-process (cache cold, then warm).
3. Serves the site with gunicorn (production settings: DEBUG off, a generated
   SECRET_KEY, 2 workers) on 127.0.0.1 and measures every URL with wrk
   (installed from Debian's packages when missing) twice: with the page cache
   ("cached"), then without it ("first render", DJANGO_PAGE_CACHE=0).
4. Measures two baselines before and after every URL (bench/measure.py): bare
   Django (bench/bare/settings.py: no middleware, one view answering "hello"),
   served by gunicorn with the site's options on its own port for the whole run,
   and the site stack's (/_bench/baseline/, DJANGO_BENCH=1: a fixed small
   response through the site's middleware). A URL's ratio to each is its req/s
   over the mean of that baseline's runs before and after it.
5. Prints the table (both ratios) and the targets, judged against the bare
   baseline (bench/report.py), and writes both to bench-results/.

Load is only ever sent to 127.0.0.1; every server started is stopped by its process id.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import RESULTS, ROOT, Server, bare_server, ensure_wrk, measure  # noqa: E402
from bench.report import check_targets, machine, query_counts, table  # noqa: E402

# In the title and summary of one announcement in 30 (bench/seed.py: TOPICS).
SEARCH_WORD = "water"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", "10000")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "5")))
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--reseed", action="store_true", help="seed even if the database exists")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------
# Environment: the same for the in-process Django and for gunicorn.


def bench_environment(args):
    RESULTS.mkdir(exist_ok=True)
    database_url = args.database_url or f"sqlite:///{RESULTS / f'bench-{args.n}.sqlite3'}"
    cache_dir = RESULTS / "cache"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DJANGO_BENCH="1",
        DJANGO_CACHE_DIR=str(cache_dir),
        DJANGO_MEDIA_ROOT=str(RESULTS / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        # Plain HTTP on 127.0.0.1: production's redirect to HTTPS would answer 301s.
        DJANGO_HTTPS="0",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def prepare_database(args, env):
    """A fresh database for a new N (or --reseed); an existing one is reused."""
    url = env["DATABASE_URL"]
    slug = re.sub(r"[^a-zA-Z0-9]+", "_", url)
    # A database seeded before the migrations changed is seeded again.
    migrations = sorted(p.name for p in ROOT.glob("*/migrations/0*.py"))
    schema = hashlib.sha256("\n".join(migrations).encode()).hexdigest()[:12]
    marker = RESULTS / f"seeded-{slug}-{args.n}-{schema}"
    if marker.exists() and not args.reseed:
        return False
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    for stale in RESULTS.glob(f"seeded-{slug}-*"):
        stale.unlink()
    return marker


def analyse():
    """Planner statistics and visibility maps, as a live (autovacuumed) database has them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def setup_django(env):
    os.environ.update(env)
    # In-process counting: the per-request JSON log lines would only fill the terminal
    # (gunicorn keeps production's request log, written to bench-results/gunicorn.log).
    os.environ["DJANGO_REQUEST_LOG_LEVEL"] = "WARNING"
    for key in ("REDIS_URL",):
        if key not in env:
            os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpga.settings")
    import django

    django.setup()


# ----------------------------------------------------------------------------
# What to measure.


def pick_urls():
    from django.db.models import Count
    from django.utils import timezone
    from taggit.models import Tag

    from announcements.models import Announcement
    from announcements.views import PAGE_SIZE
    from members.models import Member

    published = Announcement.objects.published()
    count = published.count()
    middle = max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE // 2)
    detail = published.newest_first()[count // 2 : count // 2 + 1].get()
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "name").first()
    member = (
        Member.objects.listed().annotate(n=Count("announcements")).order_by("-n", "name").first()
    )
    month = timezone.localtime(detail.publish_at)
    return [
        ("home", "/"),
        ("news list page 1", "/news/"),
        ("news list middle page", f"/news/?page={middle}"),
        ("announcement detail", detail.get_absolute_url()),
        ("tag page", f"/news/tags/{tag.slug}/"),
        ("member profile", member.get_absolute_url()),
        ("members directory", "/members/"),
        ("month archive", f"/news/{month:%Y}/{month:%m}/"),
        ("search", f"/search/?q={SEARCH_WORD}"),
        ("RSS feed", "/news/feed/rss/"),
    ]


def static_url(html):
    match = re.search(r'href="(/static/css/site[^"]*\.css)"', html)
    return match.group(1) if match else "/static/css/site.css"


def count_queries(urls):
    """Queries and bytes per URL, in-process: right after a change (nothing
    cached), from the page cache, and rendered (page cache off, the content
    state and page indexes cached)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(SERVER_NAME="127.0.0.1")
    for _name, url in urls:  # per-process lookups (content types) out of the way
        client.get(url)
    results = {}
    for name, url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as after_change:
            response = client.get(url)
        with CaptureQueriesContext(connection) as cached:
            client.get(url)
        with (
            override_settings(PAGE_CACHE_ENABLED=False),
            CaptureQueriesContext(connection) as render,
        ):
            client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        results[url] = {
            "name": name,
            "queries_after_change": len(after_change),
            "queries_cached": len(cached),
            "queries_render": len(render),
            "bytes": len(response.content),
        }
        if name == "home":
            results[url]["html"] = response.content.decode()
    return results


def conditional_rows(site):
    """The 304 rows, each with the ETag the served page or feed carries. (A page names
    its own address, port included, so an ETag taken in-process would never match:
    the request would be answered 200.)"""
    rows = []
    for name, path in (
        ("conditional page 304", "/news/"),
        ("conditional feed 304", "/news/feed/rss/"),
    ):
        with urllib.request.urlopen(site.url(path), timeout=30) as response:
            rows.append((name, path, (f"If-None-Match: {response.headers['ETag']}",)))
    return rows


def earlier_queries(n, database):
    """Query counts by URL name of the newest run at another N on the same database."""
    runs = sorted(RESULTS.glob(f"bench-*-{database}-*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(runs):
        run = json.loads(path.read_text())
        counts = {q["name"]: query_counts(q) for q in run["queries"].values() if "name" in q}
        if run.get("n") != n and counts:
            return f"N={run['n']} ({path.name})", counts
    return None


def main():
    args = parse_args()
    env = bench_environment(args)
    seeded = prepare_database(args, env)
    setup_django(env)
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    if seeded:
        from bench.seed import seed

        print(f"Seeding {args.n} announcements ...")
        facts = seed(args.n)
        analyse()
        seeded.touch()
        print(f"  seeded in {time.monotonic() - started:.1f}s: {facts}")
    if args.seed_only:
        return
    shutil.rmtree(env["DJANGO_CACHE_DIR"], ignore_errors=True)
    call_command("collectstatic", verbosity=0, interactive=False)

    urls = pick_urls()
    queries = count_queries(urls)
    home_html = queries["/"].pop("html")
    css = static_url(home_html)
    stylesheet_bytes = (ROOT / "staticfiles" / css.removeprefix("/static/")).stat().st_size
    queries[css] = {"bytes": stylesheet_bytes}
    wrk = ensure_wrk()
    from django.db import connections

    connections.close_all()

    rows = [(name, path, ()) for name, path in urls]
    with bare_server(env, args.workers) as bare:
        print(f"Bare baseline: {bare.url('/')}, {args.workers} gunicorn workers")
        print(f"Cached (page cache on), {args.workers} gunicorn workers:")
        with Server(env, args.workers) as site:
            cached_rows = [*rows, *conditional_rows(site), ("static file", css, ())]
            cached = measure(site, bare, wrk, cached_rows, args)
        print("First render (page cache off):")
        with Server(env, args.workers, DJANGO_PAGE_CACHE="0") as site:
            first = measure(site, bare, wrk, rows, args)

    database = env["DATABASE_URL"].split(":", 1)[0]
    cache_kind = "Redis" if args.redis_url else "file-based cache"
    how = (
        f"Machine: {machine()}. gunicorn {args.workers} sync workers for the site and for the "
        f"bare baseline alike; wrk 1 thread, {args.connections} connections, {args.duration}s "
        "per URL. Two baselines, each measured before and after every URL: **bare** (Django "
        'with no middleware and no apps, one view answering "hello", bench/bare/settings.py) '
        "and **site stack** (/_bench/baseline/: a fixed small response through the site's "
        "middleware). A URL's ratio to each = its req/s ÷ the mean of that baseline's runs "
        "before and after it; a baseline's row is the mean of all its runs in the phase. "
        "Targets are judged against the bare baseline. Queries per request (counted "
        "in-process): served from the page cache (and the first request after a content "
        "change), or rendered."
    )
    page_names = [name for name, _ in urls]
    earlier = earlier_queries(args.n, database)
    targets = check_targets(
        cached, first, queries, page_names, home_html, stylesheet_bytes, earlier
    )
    report = "\n\n".join(
        [
            f"## Benchmark: {args.n} announcements, {database}, {cache_kind}",
            how,
            table("Cached (page cache on)", cached, queries, cached=True),
            table("First render (page cache off)", first, queries, cached=False),
            "### Targets (ratios to the bare baseline)",
            "\n".join(targets),
        ]
    )
    print()
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{args.n}-{database}-{stamp}"
    out.with_suffix(".md").write_text(report + "\n")
    results = {"n": args.n, "baselines": how, "cached": cached, "first_render": first}
    out.with_suffix(".json").write_text(json.dumps({**results, "queries": queries}, indent=2))
    print(f"\nWritten to {out.with_suffix('.md').relative_to(ROOT)} (and .json)")


if __name__ == "__main__":
    main()
