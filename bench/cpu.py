#!/usr/bin/env python
"""Where a rendered page's CPU goes: milliseconds per request in the gunicorn
workers, the PostgreSQL backends and Redis, for one URL under wrk, page cache off.

    N=100000 BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... \\
        python bench/cpu.py /news/tags/digital-identity/ [--set NAME=VALUE ...] [run.py's options]

Uses the database `bench/run.py` seeded (run it first, with or without --seed-only), its
environment and its options (--n, --duration, --connections, --workers, the
database and Redis URLs); --set adds settings to the server's environment, for
example --set DJANGO_PREPARED_STATEMENTS=0 to compare. Reads each process's CPU
time from /proc (Linux), so PostgreSQL and Redis must run on this machine. Load is
only ever sent to 127.0.0.1.
"""

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import LOG, Server, ensure_wrk, run_wrk  # noqa: E402
from bench.run import bench_environment, parse_args, setup_django  # noqa: E402

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pattern):
    """CPU time (user + system) of every process whose command line matches."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if re.search(pattern, command):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * TICK_MS


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ours, rest = parser.parse_known_args()
    args = parse_args(rest)
    env = bench_environment(args)
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    kinds = {
        "gunicorn": r"gunicorn dpga\.wsgi",
        "postgres": rf"^postgres: .*\b{re.escape(database)}\b",
        "redis": r"redis-server",
    }
    extra = dict(item.split("=", 1) for item in ours.set)
    setup_django(env)
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)  # as run.py, after seeding
    wrk = ensure_wrk()
    with Server(env, args.workers, DJANGO_PAGE_CACHE="0", **extra) as server:
        url = server.url(ours.path)
        run_wrk(wrk, url, args)  # every worker past its first runs of each query
        before = {kind: cpu_ms(pattern) for kind, pattern in kinds.items()}
        result = run_wrk(wrk, url, args)
        after = {kind: cpu_ms(pattern) for kind, pattern in kinds.items()}
    if result["non_2xx_3xx"] or result["socket_errors"]:
        sys.exit(f"{ours.path} did not answer 2xx/3xx throughout ({result}): see {LOG}")
    requests = result["rps"] * args.duration
    spent = "  ".join(f"{k} {(after[k] - before[k]) / requests:.2f} ms" for k in kinds)
    print(f"{ours.path} {extra or ''} {result['rps']:.0f} req/s  {spent}")


if __name__ == "__main__":
    main()
