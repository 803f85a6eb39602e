"""The Nu HTML Checker (npm vnu-jar, run with Java) finds no error on any page type, in
English and in Arabic (right to left), nor in the stylesheet."""

import io
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from .conftest import ROOT, VNU_JAR, ensure_roles, missing, public_page_types, require_file

pytestmark = [pytest.mark.nu_checker, pytest.mark.django_db]

STYLESHEET = ROOT / "dpga" / "static" / "css" / "site.css"


@pytest.fixture
def checker():
    """The Nu HTML Checker's command line, or a skip saying what is missing."""
    java = shutil.which("java")
    if not java:
        missing("needs Java to run the Nu HTML Checker: apt-get install default-jre-headless")
    jar = require_file(VNU_JAR, "npm ci (installs vnu-jar from package-lock.json)")
    return [java, "-jar", str(jar), "--format", "json", "--also-check-css"]


def run_checker(checker, paths):
    result = subprocess.run(
        [*checker, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]


def describe(errors):
    return "\n".join(
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}  [{m.get('extract', '').strip()}]"
        for m in errors
    )


def test_every_page_type_and_the_stylesheet_are_valid(checker, client, tmp_path):
    ensure_roles()
    call_command("load_demo", stdout=io.StringIO())
    files = []
    for language in ("en", "ar"):
        for name, path in public_page_types():
            # An English path's Arabic page: the prefix, and the same slug (a translated
            # slug redirects from it).
            response = client.get(path if language == "en" else f"/ar{path}", follow=True)
            assert response.status_code == (404 if name == "not-found" else 200), path
            assert f'<html lang="{language}"' in response.text, path
            page = tmp_path / f"{name}-{language}.html"
            page.write_bytes(response.content)
            files.append(page)
    files.append(STYLESHEET)
    errors = run_checker(checker, files)
    assert not errors, describe(errors)


def test_the_checker_reports_an_invalid_page(checker, tmp_path):
    """The check above can fail: a duplicate id and a stray end tag are errors."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">one</p><p id="a">two</p></div></body></html>'
    )
    errors = run_checker(checker, [page])
    assert len(errors) >= 2, errors
