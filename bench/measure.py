"""gunicorn and wrk for bench/run.py and bench/cpu.py.

Servers listen on a free port of 127.0.0.1 only, all started with the same gunicorn
options (the site's, or bare Django's from bench/bare/settings.py), and are stopped
by their process id. `measure` runs wrk on each URL between two runs of each
baseline, the bare one and the site stack's, and gives its ratio to each.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
LOG = RESULTS / "gunicorn.log"
SITE_APP, SITE_BASELINE = "dpga.wsgi", "/_bench/baseline/"  # the latter: DJANGO_BENCH=1
BARE_APP, BARE_SETTINGS = "django.core.wsgi:get_wsgi_application()", "bench.bare.settings"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving `app`; `ready_path` answers once it is up (and is its baseline)."""

    def __init__(self, env, workers, app=SITE_APP, ready_path=SITE_BASELINE, **extra_env):
        self.port = free_port()
        self.env = {**env, **extra_env}
        self.workers = workers
        self.app = app
        self.ready_path = ready_path

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", self.app,
            "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--log-level", "warning",
        ]  # fmt: skip
        self.log = open(LOG, "a")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url(self.ready_path), timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn ({self.app}) did not start: see {LOG}")

    def __exit__(self, *exc):
        self.process.terminate()  # by its process id: the arbiter stops its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def bare_server(env, workers):
    """Bare Django with the site's gunicorn options, on its own port."""
    return Server(env, workers, app=BARE_APP, ready_path="/", DJANGO_SETTINGS_MODULE=BARE_SETTINGS)


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


def run_wrk(wrk, url, args, headers=()):
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
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
    """Three requests, as wrk will send them; one sent with an ETag must be answered 304
    (else the row would measure whole pages)."""
    headers = dict(h.split(": ", 1) for h in headers)
    request = urllib.request.Request(server.url(path), headers=headers)
    for _ in range(3):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:  # 304 arrives as an HTTPError
            if error.code != 304:
                raise
            status = 304
    if "If-None-Match" in headers and status != 304:
        raise RuntimeError(f"{path} answered {status} to its own ETag, not 304")


def with_ratios(name, path, figures, baselines):
    return {
        "name": name,
        "path": path,
        **figures,
        **{f"{kind}_rps": rps for kind, rps in baselines.items()},
        **{f"ratio_{kind}": figures["rps"] / rps for kind, rps in baselines.items()},
    }


def measure(site, bare, wrk, rows, args):
    """Each row between two runs of each baseline: its ratio to each is to their mean.

    The machine's speed drifts from minute to minute; baselines measured next to
    each URL keep that drift out of the ratios. The baseline rows are the means of
    all their runs in the phase.
    """
    servers = {"bare": bare, "site": site}
    for server in servers.values():
        warm_up(server, server.ready_path)

    def baselines():
        return {kind: run_wrk(wrk, s.url(s.ready_path), args) for kind, s in servers.items()}

    runs = [baselines()]
    results = []
    for name, path, headers in rows:
        warm_up(site, path, headers)
        figures = run_wrk(wrk, site.url(path), args, headers)
        runs.append(baselines())
        around = {kind: (runs[-2][kind]["rps"] + runs[-1][kind]["rps"]) / 2 for kind in servers}
        results.append(with_ratios(name, path, figures, around))
        print(
            f"  {name:<32} {figures['rps']:>7.0f} req/s  p50 {figures['p50_ms']:5.2f} ms  "
            f"{results[-1]['ratio_bare']:.2f} of bare ({around['bare']:.0f})  "
            f"{results[-1]['ratio_site']:.2f} of site stack ({around['site']:.0f})"
        )
    means = {kind: sum(run[kind]["rps"] for run in runs) / len(runs) for kind in servers}
    baseline_rows = []
    for kind, server in servers.items():
        figures = {
            key: sum(run[kind][key] for run in runs) / len(runs)
            for key in ("rps", "p50_ms", "p99_ms")
        }
        figures["non_2xx_3xx"] = sum(run[kind]["non_2xx_3xx"] for run in runs)
        figures["socket_errors"] = "; ".join(filter(None, (r[kind]["socket_errors"] for r in runs)))
        figures["runs"] = len(runs)
        baseline_rows.append(with_ratios(f"{kind} baseline", server.ready_path, figures, means))
    return [*baseline_rows, *results]
