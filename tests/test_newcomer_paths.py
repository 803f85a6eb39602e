"""Two paths a newcomer takes, checked as they meet them.

* `make run PORT=...`: the admin address printed is where the server will listen.
* Serving with DEBUG off: before `manage.py collectstatic`, gunicorn and runserver
  refuse to start and say what to run (instead of answering every page with a 500);
  the commands that serve nothing still run; after collectstatic both serve pages.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)  # the project's virtualenv: `make` is told to use it, not to build one
PORT = "18231"
REFUSAL = "Run: python manage.py collectstatic --no-input"

needs_make = pytest.mark.skipif(
    not (shutil.which("make") and shutil.which("msgfmt")), reason="needs make and GNU gettext"
)


def clean_environment(**env):
    """This shell's environment without the site's settings, plus env."""
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
        },
        **env,
    }


def make(*args, **env):
    """`make` with the project's virtualenv, never installing into it (-o: the stamp is old)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", f"{VENV}/.installed", f"VENV={VENV}", *args],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@needs_make
def test_make_demo_prints_the_admin_address_on_the_port_given(tmp_path):
    result = make(
        "demo",
        f"PORT={PORT}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Log in at http://127.0.0.1:{PORT}/admin/" in result.stdout
    assert ":8000" not in result.stdout


@needs_make
def test_make_run_serves_where_it_says():
    commands = make("--dry-run", "run", "HOST=127.0.0.1", f"PORT={PORT}").stdout
    said = [line for line in commands.splitlines() if "http://" in line]
    assert said and all(f"http://127.0.0.1:{PORT}/" in line for line in said)
    assert f"load_demo --admin --host 127.0.0.1 --port {PORT}" in commands
    assert f"runserver 127.0.0.1:{PORT}" in commands
    assert "8000" not in commands


@pytest.mark.django_db
def test_load_demo_prints_the_admin_address_on_the_host_and_port_given():
    first, again = StringIO(), StringIO()
    call_command("load_demo", "--admin", "--host", "localhost", "--port", "9001", stdout=first)
    call_command("load_demo", "--admin", "--host", "localhost", "--port", "9001", stdout=again)
    assert "password '" in first.getvalue()  # created: the login and where to use it
    assert "password '" not in again.getvalue()  # there already: still where to log in
    for out in (first.getvalue(), again.getvalue()):
        assert "http://localhost:9001/admin/" in out
        assert ":8000" not in out


# Serving with DEBUG off -------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVERS = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "dpga.wsgi", "--workers", "1", "--bind"],
    "runserver": [sys.executable, "manage.py", "runserver", "--noreload"],
}
# How each says no: gunicorn cannot load dpga.wsgi; runserver stops at its system checks.
REFUSED_BY = {
    "gunicorn": "django.core.exceptions.ImproperlyConfigured: The static files have not been",
    "runserver": "(dpga.E001) The static files have not been collected",
}


@pytest.fixture
def production(tmp_path):
    """The environment of a production install whose STATIC_ROOT is an empty folder."""
    static_root = tmp_path / "static"
    static_root.mkdir()
    (tmp_path / "newcomer_settings.py").write_text(
        f"from dpga.settings import *  # noqa: F403\n\nSTATIC_ROOT = {str(static_root)!r}\n"
    )
    return clean_environment(
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="newcomer_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3v-" + "a8Zq0pL2" * 8,
        DJANGO_HTTPS="0",  # plain http on 127.0.0.1, as behind a proxy that ends TLS
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.mark.parametrize("server", SERVERS)
def test_before_collectstatic_the_server_refuses_to_start_saying_what_to_run(production, server):
    # Serving anyway would keep running: the timeout would then fail the test.
    result = subprocess.run(
        [*SERVERS[server], f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=production,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert REFUSED_BY[server] in result.stderr
    assert REFUSAL in result.stderr


def test_before_collectstatic_commands_that_serve_nothing_still_run(production):
    manage(production, "migrate", "--no-input")
    assert "dpga.E001" not in manage(production, "check", "--deploy")
    manage(production, "collectstatic", "--no-input")


@pytest.mark.parametrize("server", SERVERS)
def test_after_collectstatic_the_server_serves_pages(production, server):
    manage(production, "migrate", "--no-input")
    manage(production, "collectstatic", "--no-input")
    port = free_port()
    process = subprocess.Popen(
        [*SERVERS[server], f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=production,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert answer(f"http://127.0.0.1:{port}/", process) == 200
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert REFUSAL not in errors


def answer(url, process, within=30):
    """The status of url once the server listens; None if it stopped first."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.2)
    return None
