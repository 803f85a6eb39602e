#!/usr/bin/env python
"""`make bench`: how fast the site serves its public pages, next to Django's minimum.

    python bench/run.py [--n 10000] [--duration 5] [--database-url URL] [--redis-url URL]

1. Seeds a separate database (default: bench-results/bench-<N>.sqlite3; or
   --database-url, e.g. postgres://postgres@127.0.0.1:5432/dpga_bench, which is
   dropped and created again) with N announcements, tags, members and pictures'
   metadata, and runs collectstatic.
2. Counts the queries and bytes of every URL in-process (cache cold, then warm).
3. Serves the site with gunicorn (production settings: DEBUG off, a generated
   SECRET_KEY, 2 workers) on 127.0.0.1 and measures every URL with wrk
   (installed from Debian's packages when missing): first with the page cache,
   then with the page cache off ("first render": list cards come from the
   fragment cache, kept by what they show, as after a content change), then
   with the fragment cache off too ("nothing kept"). Each URL is measured
   between two runs of the baseline (a view returning a fixed small response
   through the same stack), and its ratio is to their mean.
4. Prints the table and the targets, and writes both to bench-results/.

Load is only ever sent to 127.0.0.1.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
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
    sys.path.insert(0, str(ROOT))
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
        ("baseline", "/_bench/baseline/"),
        ("home", "/"),
        ("news list page 1", "/news/"),
        (f"news list page {middle} (middle)", f"/news/?page={middle}"),
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
            "queries_after_change": len(after_change),
            "queries_cached": len(cached),
            "queries_render": len(render),
            "bytes": len(response.content),
            "etag": response.get("ETag"),
            "html": response.content.decode() if name == "home" else None,
        }
    return results


# ----------------------------------------------------------------------------
# gunicorn and wrk.


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env, workers, **extra_env):
        self.port = free_port()
        self.env = {**env, **extra_env}
        self.workers = workers

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "dpga.wsgi",
            "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--log-level", "warning",
        ]  # fmt: skip
        self.log = open(RESULTS / "gunicorn.log", "a")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/_bench/baseline/"), timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        self.log.close()
        raise RuntimeError(f"gunicorn did not start: see {RESULTS / 'gunicorn.log'}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("wrk is missing: installing it from Debian's packages (apt-get install wrk)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    return shutil.which("wrk")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_latency(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


# A new search each request (an unused parameter, so nothing kept is found): what
# a search costs when nobody asked it since the last change.
FRESH_QUERY_SCRIPT = """
math.randomseed(os.time())
local run = math.random(1, 1000000000)
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&fresh=" .. run .. "-" .. counter)
end
"""


def run_wrk(wrk, url, args, headers=(), script=None):
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        lua = RESULTS / "wrk-script.lua"
        lua.write_text(script)
        command += ["-s", str(lua)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"wrk's output was not understood:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": parse_latency(percentiles["50"]),
        "p99_ms": parse_latency(percentiles["99"]),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def warm_up(server, path, headers=()):
    request = urllib.request.Request(
        server.url(path), headers=dict(h.split(": ", 1) for h in headers)
    )
    for _ in range(3):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as error:  # 304 arrives as an HTTPError
            if error.code != 304:
                raise


def measure(server, wrk, rows, args):
    """Each URL between two runs of the baseline: its ratio is to their mean.

    The machine's speed drifts over a phase (a shared 2-core machine: ±20 % in a
    minute); a baseline measured next to each URL keeps that drift out of the ratios.
    """
    baseline_path = "/_bench/baseline/"
    warm_up(server, baseline_path)
    baselines = [run_wrk(wrk, server.url(baseline_path), args)]
    results = []
    for name, path, headers, *script in rows:
        if path == baseline_path:
            continue
        warm_up(server, path, headers)
        figures = run_wrk(wrk, server.url(path), args, headers, *script)
        baselines.append(run_wrk(wrk, server.url(baseline_path), args))
        around = (baselines[-2]["rps"] + baselines[-1]["rps"]) / 2
        results.append({"name": name, "path": path, **figures, "baseline_rps": around})
        print(
            f"  {name:<38} {figures['rps']:>9.1f} req/s  p50 {figures['p50_ms']:.2f} ms"
            f"  (baseline {around:.0f} req/s)"
        )
    mean = {
        key: sum(b[key] for b in baselines) / len(baselines) for key in ("rps", "p50_ms", "p99_ms")
    }
    baseline = {"name": "baseline", "path": baseline_path, **baselines[0], **mean}
    baseline["baseline_rps"] = mean["rps"]
    return [baseline, *results]


# ----------------------------------------------------------------------------
# Report.


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def table(phase, results, queries):
    cached = phase.startswith("Cached")
    lines = [
        f"### {phase}",
        "",
        "| URL | req/s | p50 ms | p99 ms | ratio | queries | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        q = queries.get(r["path"], {})
        if r["name"] == "baseline" or "304" in r["name"] or r["name"] == "static file":
            query_text = "0"
        elif not q:
            query_text = "–"
        elif cached:
            query_text = f"{q['queries_cached']} ({q['queries_after_change']} after a change)"
        else:
            query_text = str(q["queries_render"])
        flag = "" if not r["non_2xx_3xx"] else f" ({r['non_2xx_3xx']} errors)"
        r["ratio"] = r["rps"] / r["baseline_rps"]
        size = "–" if "304" in r["name"] else q.get("bytes", "–")
        lines.append(
            f"| {r['name']} `{r['path']}`{flag} | {r['rps']:.0f} | {r['p50_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['ratio']:.2f} | {query_text} | {size} |"
        )
    return "\n".join(lines)


def check_targets(cached, cold, bare, queries, urls, home_html, stylesheet_bytes):
    phases = (("cached", cached), ("cold", cold), ("bare", bare))
    by = {phase: {r["name"]: r for r in rows} for phase, rows in phases}
    page_names = [name for name, _ in urls if name != "baseline"]
    deep = next(name for name in page_names if "middle" in name)
    checks = []

    def check(text, ok, figure):
        checks.append(f"- [{'x' if ok else ' '}] {text}: {figure}")

    worst = min(page_names, key=lambda n: by["cached"][n]["ratio"])
    check(
        "anonymous pages from the cache ≥ 0.6 of baseline",
        by["cached"][worst]["ratio"] >= 0.6,
        f"lowest {by['cached'][worst]['ratio']:.2f} ({worst})",
    )
    for name in ("conditional page 304", "conditional feed 304"):
        check(
            f"{name} ≥ 0.8",
            by["cached"][name]["ratio"] >= 0.8,
            f"{by['cached'][name]['ratio']:.2f}",
        )
    html_pages = [name for name in page_names if "feed" not in name]
    for phase, how in (("cold", "cards kept"), ("bare", "nothing kept")):
        for name in html_pages:  # every list and detail page (feeds are not pages)
            check(
                f"first render of {name} ≥ 0.15 ({how})",
                by[phase][name]["ratio"] >= 0.15,
                f"{by[phase][name]['ratio']:.2f}",
            )
    pages = [q for path, q in queries.items() if "queries_render" in q and "_bench" not in path]
    most = max(q["queries_render"] for q in pages)
    check("queries per page ≤ 6 (rendered)", most <= 6, f"at most {most}")
    most = max(q["queries_after_change"] for q in pages)
    check("queries per page ≤ 6 (first request after a change)", most <= 6, f"at most {most}")
    for phase in ("cold", "cached"):
        ratio = by[phase][deep]["p50_ms"] / by[phase]["news list page 1"]["p50_ms"]
        check(f"deep list page ≤ 1.5× page 1 latency ({phase})", ratio <= 1.5, f"{ratio:.2f}×")
        ratio = by[phase]["search"]["p50_ms"] / by[phase]["news list page 1"]["p50_ms"]
        check(f"search ≤ 2× list page latency ({phase})", ratio <= 2, f"{ratio:.2f}×")
    home_bytes = len(home_html.encode())
    check("home page HTML ≤ 40 KB", home_bytes <= 40 * 1024, f"{home_bytes / 1024:.1f} KB")
    check("stylesheet ≤ 15 KB", stylesheet_bytes <= 15 * 1024, f"{stylesheet_bytes / 1024:.1f} KB")
    blocking = [
        tag for tag in re.findall(r"<script\b[^>]*>", home_html)
        if not re.search(r"\b(async|defer)\b|type=\"(module|application/(ld\+)?json)\"", tag)
    ]  # fmt: skip
    check("no render-blocking script", not blocking, f"{len(blocking)} blocking")
    return checks


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
    home_html = queries["/"]["html"]
    css = static_url(home_html)
    stylesheet_bytes = (ROOT / "staticfiles" / css.removeprefix("/static/")).stat().st_size
    queries[css] = {"bytes": stylesheet_bytes}
    wrk = ensure_wrk()
    from django.db import connections

    connections.close_all()

    rows = [(name, path, ()) for name, path in urls]
    cached_rows = [
        *rows,
        ("conditional page 304", "/news/", (f"If-None-Match: {queries['/news/']['etag']}",)),
        ("conditional feed 304", "/news/feed/rss/",
         (f"If-None-Match: {queries['/news/feed/rss/']['etag']}",)),
        ("static file", css, ()),
    ]  # fmt: skip
    print(f"Cached (page cache on), {args.workers} gunicorn workers:")
    with Server(env, args.workers) as server:
        cached = measure(server, wrk, cached_rows, args)
    print("First render (page cache off; cards kept by what they show):")
    with Server(env, args.workers, DJANGO_PAGE_CACHE="0") as server:
        cold = measure(server, wrk, rows, args)
    print("Nothing kept (page cache and fragment cache off):")
    fresh_search = ("search never asked before (no target)", f"/search/?q={SEARCH_WORD}&fresh=1")
    bare_rows = [*rows, (*fresh_search, (), FRESH_QUERY_SCRIPT)]
    with Server(env, args.workers, DJANGO_PAGE_CACHE="0", DJANGO_FRAGMENT_CACHE="0") as server:
        bare = measure(server, wrk, bare_rows, args)

    database = env["DATABASE_URL"].split(":", 1)[0]
    cache_kind = "Redis" if args.redis_url else "file-based cache"
    report = "\n\n".join(
        [
            f"## Benchmark: {args.n} announcements, {database}, {cache_kind}",
            f"Machine: {machine()}. gunicorn {args.workers} sync workers; wrk 1 thread, "
            f"{args.connections} connections, {args.duration}s per URL. Each URL is measured "
            "between two runs of the baseline; its ratio = its req/s ÷ their mean (the "
            "baseline row: the mean of all the phase's baseline runs). Queries per request: "
            "served from the page cache (and the first request after a content change), or "
            "rendered.",
            table("Cached (page cache on)", cached, queries),
            table("First render (page cache off; cards kept by what they show)", cold, queries),
            table("Nothing kept (page cache and fragment cache off)", bare, queries),
            "### Targets",
            "\n".join(
                check_targets(cached, cold, bare, queries, urls, home_html, stylesheet_bytes)
            ),
        ]
    )
    print()
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{args.n}-{database}-{stamp}"
    out.with_suffix(".md").write_text(report + "\n")
    for q in queries.values():
        q.pop("html", None)
    out.with_suffix(".json").write_text(
        json.dumps(
            {"n": args.n, "cached": cached, "cold": cold, "nothing_kept": bare, "queries": queries},
            indent=2,
        )
    )
    print(f"\nWritten to {out.with_suffix('.md').relative_to(ROOT)} (and .json)")


if __name__ == "__main__":
    main()
