"""Real servers for the outage tests: a PostgreSQL cluster, a redis-server and the
site under gunicorn, each of our own on a free port of 127.0.0.1, in a temporary
folder, never the machine's shared services. Each is stopped, killed or paused
(SIGSTOP) through its own process id only.

PostgreSQL's initdb refuses to run as root: as root, the cluster belongs to the
``postgres`` user and its commands run through ``runuser``.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def postgres_bin():
    """The folder of initdb/pg_ctl/postgres, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return Path(folders[-1]) if folders else None


def missing_servers():
    """What is missing to run the real-server tests (empty when nothing is)."""
    missing = []
    if postgres_bin() is None:
        missing.append("PostgreSQL's initdb/pg_ctl")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser (initdb refuses to run as root)")
    return missing


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout} s")


def children(pid):
    """The process ids whose parent is `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # "pid (name) state ppid ...": the name may hold spaces and parentheses.
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def port_answers(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


class Postgres:
    """A PostgreSQL cluster of our own (trust authentication, no fsync: a test's)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="dpga-outage-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.paused = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def run(self, program, *args):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self.run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self, mode="fast"):
        """``fast``: a clean shutdown; ``immediate``: the processes quit at once, as in a crash."""
        self.run("pg_ctl", "stop", "-w", "-D", str(self.data), "-m", mode)

    def processes(self):
        """The postmaster's id, then its children's (one per connection, and helpers)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *children(postmaster)]

    def pause(self):
        """Still there, never answers: connections open (the kernel still accepts and
        acknowledges), no replies. The postmaster first, so it starts no new process."""
        self.paused = self.processes()
        for pid in self.paused:
            os.kill(pid, signal.SIGSTOP)

    def resume(self):
        for pid in reversed(self.paused):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.paused = []

    def remove(self):
        self.resume()
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A redis-server of our own that keeps nothing on disk: restarted, it is empty."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", tempfile.gettempdir()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_answers(self.port), 10, "redis-server answers")

    def kill(self):
        """Gone: connections are refused."""
        self.process.kill()
        self.process.wait(10)

    def pause(self):
        """Still there, never answers: connections open, no replies."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def keys(self, pattern="*"):
        import redis

        with redis.Redis(port=self.port, socket_timeout=2) as client:
            return [key.decode() for key in client.keys(pattern)]

    def remove(self):
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.kill()


class Site:
    """The site under gunicorn (two workers), with production settings, against the given
    database and Redis (and any DJANGO_* variables given); static files collected into
    its own folder."""

    def __init__(self, database_url, redis_url, **env):
        self.folder = Path(tempfile.mkdtemp(prefix="dpga-outage-site-"))
        static_root = self.folder / "static"
        (self.folder / "outage_settings.py").write_text(
            f"from dpga.settings import *  # noqa: F403\n\nSTATIC_ROOT = {str(static_root)!r}\n"
        )
        self.port = free_port()
        self.log = self.folder / "gunicorn.log"
        self.process = None
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
            },
            "PYTHONPATH": os.pathsep.join([str(self.folder), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "outage_settings",
            "DJANGO_SECRET_KEY": "outage-" + "q7Wm2xLp" * 8,
            "DJANGO_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            **env,
        }

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "dpga.wsgi", "--workers", "2"]
                + ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(lambda: port_answers(self.port), 60, "gunicorn answers")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self):
        """gunicorn's worker processes (a worker killed for its timeout is replaced)."""
        return set(children(self.process.pid))

    def log_text(self):
        return self.log.read_text(errors="replace")

    def remove(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def __repr__(self):
        return f"<{self.status} in {self.seconds:.2f} s>"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """An HTTP client with cookies that does not follow redirects and times each answer."""

    def __init__(self, site):
        self.site = site
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path, data=None, timeout=15):
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.site.url(path), data=body)
        if data is not None:
            request.add_header("Referer", self.site.url(path))
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, headers, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, content = error.code, error.headers, error.read()
        return Answer(status, headers, content.decode(errors="replace"), time.monotonic() - started)

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request(path, data=data, **kwargs)

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)


def form_fields(html):
    """The named fields of the page's largest form, as a browser sends them."""
    from lxml import html as lxml_html

    form = max(lxml_html.fromstring(html).forms, key=lambda form: len(form.inputs))
    return [(name, value) for name, value in form.form_values()]
