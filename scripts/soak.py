#!/usr/bin/env python
"""Soak run (not a test): the site under gunicorn on 127.0.0.1, production settings,
N concurrent connections over a mix of pages and feeds for a fixed time.

    .venv/bin/python scripts/soak.py [--seconds 60] [--connections 64] [--workers 5]

Sets up a throw-away install (SQLite in a temporary folder, demo content, collected
static files), starts gunicorn, checks the security headers of the home page, a news
page, a feed and the admin login, then runs the load and reports requests, errors,
latencies and each worker's memory (RSS) over time. Exits non-zero on any error or
if a worker's memory keeps growing.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SECURITY_HEADERS = [
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "permissions-policy",
    "x-frame-options",
]


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


async def fetch(port, path, timeout=30.0):
    """One GET over a fresh connection, as a browser behind the TLS proxy would send it."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nX-Forwarded-Proto: https\r\n"
                "User-Agent: dpga-soak\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def worker_pids(master):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def discover(port):
    status, _, body = await fetch(port, "/sitemap.xml")
    assert status == 200, status
    paths = [
        re.sub(r"^https?://[^/]+", "", loc)
        for loc in re.findall(r"<loc>([^<]+)</loc>", body.decode())
    ]
    news = [p for p in paths if p.startswith("/news/") and p.count("/") == 3]
    members = [p for p in paths if p.startswith("/members/") and p.count("/") == 3]
    listing = (await fetch(port, "/news/"))[2].decode()
    tags = sorted(set(re.findall(r'href="(/news/tags/[^/"]+/)"', listing)))
    mix = ["/", "/news/", "/members/", "/search/?q=open", "/sitemap.xml"]
    mix += news[:20] + members[:10] + tags[:5]
    feeds = ["/news/feed/rss/", "/news/feed/atom/"]
    for fmt in ("json",):
        if (await fetch(port, f"/news/feed/{fmt}/"))[0] == 200:
            feeds.append(f"/news/feed/{fmt}/")
    feeds += [f"{t}feed/rss/" for t in tags[:3]] + [f"{m}feed/atom/" for m in members[:3]]
    # Pages and feeds about half and half, as readers poll feeds often.
    return mix, feeds, news


async def header_check(port, news):
    print("\n== Security headers (production settings, behind a TLS proxy) ==")
    ok = True
    for path in ["/", news[0] if news else "/news/", "/news/feed/atom/", "/admin/login/"]:
        status, headers, _ = await fetch(port, path)
        missing = [h for h in SECURITY_HEADERS if h not in headers]
        ok &= status == 200 and not missing
        print(f"{path}: {status}" + (f"  MISSING {missing}" if missing else ""))
        for name in SECURITY_HEADERS:
            if name in headers:
                print(f"    {name}: {headers[name]}")
        for cookie in [v for k, v in headers.items() if k == "set-cookie"]:
            print(f"    set-cookie: {cookie.split('=')[0]}=…; {cookie.split(';', 1)[1].strip()}")
    return ok


async def load(port, urls, seconds, connections, master):
    deadline = time.monotonic() + seconds
    latencies, statuses, errors = [], {}, []
    memory = []

    async def one_connection(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            path = rng.choice(urls)
            started = time.perf_counter()
            try:
                status, _, _ = await fetch(port, path)
            except Exception as error:  # noqa: BLE001 - every failure is counted
                errors.append(f"{path}: {type(error).__name__} {error}")
                continue
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500 or status in (400, 404):
                errors.append(f"{path}: HTTP {status}")

    async def sample_memory():
        start = time.monotonic()
        while time.monotonic() < deadline:
            memory.append((time.monotonic() - start, {p: rss_mb(p) for p in worker_pids(master)}))
            await asyncio.sleep(5)
        memory.append((time.monotonic() - start, {p: rss_mb(p) for p in worker_pids(master)}))

    started = time.monotonic()
    await asyncio.gather(sample_memory(), *(one_connection(i) for i in range(connections)))
    return time.monotonic() - started, latencies, statuses, errors, memory


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    if not args.port:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            args.port = probe.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="dpga-soak-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        DATABASE_URL=os.environ.get("SOAK_DATABASE_URL", f"sqlite:///{folder / 'soak.sqlite3'}"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_REQUEST_LOG_LEVEL="WARNING",  # log only 4xx/5xx during the run
    )
    print(f"Setting up a throw-away install in {folder} ...")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input")
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "dpga.wsgi", "--bind", f"{HOST}:{args.port}",
            "--workers", str(args.workers), "--backlog", "2048", "--timeout", "60",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {folder / 'gunicorn.log'}")
            try:
                asyncio.run(fetch(args.port, "/healthz/"))
                break
            except OSError:
                time.sleep(0.2)
        pages, feeds, news = asyncio.run(discover(args.port))
        headers_ok = asyncio.run(header_check(args.port, news))
        urls = pages + feeds
        print(f"\n== Warming up, then {args.seconds} s at {args.connections} connections, "
              f"{args.workers} gunicorn workers, {len(urls)} URLs ({len(feeds)} feeds) ==")  # fmt: skip
        asyncio.run(load(args.port, urls, 5, 8, server.pid))
        elapsed, latencies, statuses, errors, memory = asyncio.run(
            load(args.port, urls, args.seconds, args.connections, server.pid)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    total = sum(statuses.values())
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(f"\nrequests: {total} in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
    print(f"status codes: {dict(sorted(statuses.items()))}")
    print(f"errors: {len(errors)}" + (f"  e.g. {errors[:5]}" if errors else ""))
    p50, p95, p99 = (quantiles[i] * 1000 for i in (49, 94, 98))
    print(
        f"latency ms: p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}  max {max(latencies) * 1000:.0f}"
    )
    print("worker memory (RSS, MB) over the run:")
    growth = []
    pids = sorted({pid for _, sample in memory for pid in sample})
    for pid in pids:
        series = [sample.get(pid) for _, sample in memory if sample.get(pid)]
        print(f"  worker {pid}: " + " ".join(f"{value:.0f}" for value in series))
        if len(series) >= 3:
            # Growth over the second half of the run: a leak keeps climbing there.
            growth.append(series[-1] - series[len(series) // 2])
    stable = all(g < 10 for g in growth)
    print(f"memory growth over the second half: max {max(growth, default=0):+.1f} MB per worker "
          f"({'stable' if stable else 'GROWING'})")  # fmt: skip
    server_errors = sum(
        1 for line in (folder / "gunicorn.log").read_text().splitlines() if '"status": 5' in line
    )
    print(f"5xx lines in the server log: {server_errors}")
    shutil.rmtree(folder, ignore_errors=True)
    ok = headers_ok and not errors and stable and server_errors == 0
    print("\nSOAK " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
