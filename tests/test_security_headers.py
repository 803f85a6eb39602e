"""Production configuration and the headers every response carries."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .factories import make_announcement

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3v-" + "a8Zq0pL2" * 8,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
}


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_notices_a_weak_configuration():
    """The check above can fail: HTTPS switched off is reported."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_HTTPS="0", **PRODUCTION_ENV
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def production_settings(**env):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k, None) for k in ("
        "'DEBUG','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS','SECURE_HSTS_PRELOAD',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE',"
        "'SECURE_PROXY_SSL_HEADER','SESSION_COOKIE_NAME')}))"
    )
    result = run_manage("shell", "-c", code, **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_is_https_only_with_hsts_but_no_preload_by_default():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    tuned = production_settings(DJANGO_SECURE_HSTS_SECONDS="600", DJANGO_SECURE_HSTS_PRELOAD="1")
    assert tuned["SECURE_HSTS_SECONDS"] == 600 and tuned["SECURE_HSTS_PRELOAD"] is True


def test_local_run_stays_on_plain_http():
    values = production_settings(DJANGO_DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


@pytest.fixture
def https_site(settings, client):
    """The test client over HTTPS with production's HTTPS settings."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    return client


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/news/",
        "/news/{slug}/",
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/fr/news/feed.xsl",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_every_response_carries_the_security_headers(https_site, url):
    announcement = make_announcement()
    response = https_site.get(url.format(slug=announcement.slug), secure=True)
    assert response.status_code in {200, 404}
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    for name in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(https_site):
    response = https_site.get("/news/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/"


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_for_load_balancers(https_site):
    assert https_site.get("/healthz/").status_code == 200


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_samesite(https_site):
    from .factories import make_user

    make_user("ed")
    login_page = https_site.get("/admin/login/", secure=True)
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = https_site.post(
        "/admin/login/",
        {"username": "ed", "password": "a-long-test-password-1", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_a_template_that_needs_a_script_gets_a_nonce_matching_the_header(rf):
    from django.http import HttpResponse
    from django.template import RequestContext, Template
    from django.utils.module_loading import import_string

    def view(request):
        template = Template('<script nonce="{{ csp_nonce }}">go()</script>')
        return HttpResponse(template.render(RequestContext(request)))

    csp_middleware = next(m for m in settings.MIDDLEWARE if "csp" in m.lower())
    response = import_string(csp_middleware)(view)(rf.get("/"))
    body_nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(body_nonce) >= 16
    assert f"'nonce-{body_nonce}'" in csp_directives(response)["script-src"]
    # A page that uses no nonce gets none in its header (nothing to guess).
    plain = import_string(csp_middleware)(lambda request: HttpResponse("hi"))(rf.get("/"))
    assert "nonce-" not in plain["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_pages_work_under_the_policy(admin_client):
    """The admin's own scripts come from files ('self'); nothing inline needs 'unsafe-inline'."""
    import html5lib

    announcement = make_announcement()
    for url in (
        "/admin/",
        "/admin/announcements/announcement/",
        "/admin/announcements/announcement/add/",
        f"/admin/announcements/announcement/{announcement.pk}/change/",
        "/admin/members/member/add/",
        "/admin/auth/user/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        nonce = None
        for value in csp_directives(response)["script-src"]:
            if value.startswith("'nonce-"):
                nonce = value[7:-1]
        root = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
        for script in root.iter("script"):
            assert script.get("src", "").startswith("/") or (
                nonce and script.get("nonce") == nonce
            ), (url, script.attrib)
        for style in root.iter("style"):
            assert nonce and style.get("nonce") == nonce, url
        for element in root.iter():
            assert not any(name.startswith("on") for name in element.attrib), (url, element.attrib)
