"""The project as a newcomer meets it: checks, migrations, settings, demo content, static files."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from announcements.models import Announcement
from members.models import Member

from .sitemap_helpers import sitemap_text

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_system_check_is_clean():
    # Django 6.1's JSONField check asks the database what it supports.
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_secret_key_is_required_when_debug_is_off():
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dpga.settings'; django.setup()"
    result = run_python(code)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert run_python(code, DJANGO_DEBUG="1").returncode == 0
    assert run_python(code, DJANGO_SECRET_KEY="x" * 50).returncode == 0


def test_debug_is_off_unless_asked_for():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dpga.settings'; django.setup();"
        "from django.conf import settings; print(settings.DEBUG, settings.USE_TZ, settings.DATABASES['default']['ENGINE'])"
    )
    result = run_python(code, DJANGO_SECRET_KEY="x" * 50)
    assert result.stdout.split() == ["False", "True", "django.db.backends.sqlite3"]
    result = run_python(code, DJANGO_DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.stdout.split() == ["True", "True", "django.db.backends.postgresql"]


@pytest.mark.django_db
def test_roles_exist_with_the_right_permissions():
    editors = Group.objects.get(name="Editors")
    publishers = Group.objects.get(name="Publishers")
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    publisher_perms = set(publishers.permissions.values_list("codename", flat=True))
    assert {
        "add_announcement",
        "change_announcement",
        "add_member",
        "change_member",
    } <= editor_perms
    assert "publish_announcement" not in editor_perms
    assert "publish_announcement" in publisher_perms


@pytest.mark.django_db
def test_demo_loader_is_idempotent_and_loads_the_alliance():
    call_command("load_demo", stdout=StringIO())
    counts = (Member.objects.count(), Announcement.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Member.objects.count(), Announcement.objects.count()) == counts
    assert counts[0] == 17
    board = set(Member.objects.filter(is_board_member=True).values_list("short_name", flat=True))
    assert board == {"UNDP", "UNICEF"}
    newest = Member.objects.listed().order_by("-joined_on").first()
    assert newest.short_name == "OICT"
    oict_news = Announcement.objects.published().about(newest)
    assert oict_news.filter(slug="oict-joins-the-alliance").exists()
    assert Announcement.objects.filter(status=Announcement.Status.DRAFT).exists()
    assert all(m.picture for m in Member.objects.all())


@pytest.mark.django_db
def test_demo_admin_gets_a_random_password_printed_once():
    out = StringIO()
    call_command("load_demo", "--admin", stdout=out)
    assert "password '" in out.getvalue()
    again = StringIO()
    call_command("load_demo", "--admin", stdout=again)
    assert "password '" not in again.getvalue()
    assert "changepassword" in again.getvalue()


def test_static_files_are_served_by_whitenoise_with_debug_off(tmp_path):
    static_root = tmp_path / "static"
    code = f"""
import os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'dpga.settings'
django.setup()
from django.conf import settings
settings.STATIC_ROOT = {str(static_root)!r}
from django.core.management import call_command
call_command('collectstatic', '--no-input', verbosity=0)
from django.templatetags.static import static
url = static('css/site.css')
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from whitenoise.middleware import WhiteNoiseMiddleware
response = Client().get(url, secure=True)  # production answers over HTTPS only
print(url, response.status_code, response.get('Cache-Control'))
"""
    result = run_python(code, DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="testserver")
    assert result.returncode == 0, result.stderr
    url, status, *cache = result.stdout.split()
    assert (
        url.startswith("/static/css/site.")
        and url.endswith(".css")
        and url != "/static/css/site.css"
    )
    assert status == "200"
    assert "immutable" in " ".join(cache)


@pytest.mark.django_db
def test_sitemap_and_robots(client):
    call_command("load_demo", stdout=StringIO())
    sitemap = sitemap_text(client)
    assert "/news/oict-joins-the-alliance/" in sitemap and "<lastmod>" in sitemap
    assert "/members/oict/" in sitemap and "/news/</loc>" in sitemap
    assert "open-ai-models-draft" not in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
