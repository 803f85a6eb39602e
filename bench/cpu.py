#!/usr/bin/env python
"""Where a rendered page's CPU goes: milliseconds per request in the gunicorn
workers, the PostgreSQL backends and Redis, for one URL under wrk, page cache off.

    N=100000 BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... \\
        python bench/cpu.py /news/tags/digital-identity/ [--seconds 8] [--set NAME=VALUE ...]

Uses the database `bench/run.py` seeded (run it first, or with --seed-only) and
its environment; --set adds settings to the server's environment, for example
--set DJANGO_PREPARED_STATEMENTS=0 to compare. Reads each process's CPU time from
/proc (Linux), so PostgreSQL and Redis must run on this machine. Load is only ever
sent to 127.0.0.1.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import Server, bench_environment, ensure_wrk, parse_args  # noqa: E402

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
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ours = parser.parse_args()
    sys.argv = sys.argv[:1]
    env = bench_environment(parse_args())
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    kinds = {
        "gunicorn": r"gunicorn dpga\.wsgi",
        "postgres": rf"^postgres: .*\b{re.escape(database)}\b",
        "redis": r"redis-server",
    }
    extra = dict(item.split("=", 1) for item in ours.set)
    wrk = ensure_wrk()
    with Server(env, 2, DJANGO_PAGE_CACHE="0", **extra) as server:
        url = server.url(ours.path)
        subprocess.run([wrk, "-t1", "-c4", "-d3s", url], capture_output=True, check=True)
        before = {kind: cpu_ms(pattern) for kind, pattern in kinds.items()}
        out = subprocess.run(
            [wrk, "-t1", "-c4", f"-d{ours.seconds}s", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        after = {kind: cpu_ms(pattern) for kind, pattern in kinds.items()}
    requests = int(re.search(r"(\d+) requests in", out)[1])
    spent = "  ".join(f"{k} {(after[k] - before[k]) / requests:.2f} ms" for k in kinds)
    print(f"{ours.path} {extra or ''} {requests / ours.seconds:.0f} req/s  {spent}")


if __name__ == "__main__":
    main()
