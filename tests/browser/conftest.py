"""Browser tests: Playwright for Python driving the system's Chromium, axe-core and the
Nu HTML Checker from node_modules (``npm ci``), against pytest-django's live server.

Nothing here downloads a browser. Where a tool is missing the tests skip and say
exactly what to install; with DPGA_REQUIRE_BROWSER_TOOLS=1 (set by .ci/run) a missing
tool fails the run instead, so CI can never go green by skipping them.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.editorial import ensure_roles  # noqa: F401 (the browser tests import it from here)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = Path(os.environ.get("DPGA_TEST_ARTIFACTS", ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
PASSWORD = "a-long-test-password-1"


def chromium_path():
    """CHROMIUM_PATH if set (and only it), else Debian's /usr/bin/chromium or one on PATH."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"] if Path(os.environ["CHROMIUM_PATH"]).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing(reason):
    """Skip, or fail where the tools are required (CI)."""
    if os.environ.get("DPGA_REQUIRE_BROWSER_TOOLS") == "1":
        pytest.fail(f"{reason} (DPGA_REQUIRE_BROWSER_TOOLS=1)", pytrace=False)
    pytest.skip(reason)


def require_file(path, how):
    if not path.is_file():
        missing(f"needs {path.relative_to(ROOT)}: {how}")
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session, each test in a fresh context."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("needs the Python package playwright: make install")
    executable = chromium_path()
    if not executable:
        missing("needs Chromium: apt-get install chromium (tests never download a browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _browser_before_data(request):
    """Browser tests find out first whether there is a browser, before loading any data."""
    if request.node.get_closest_marker("browser"):
        request.getfixturevalue("browser")


@pytest.fixture
def new_context(browser):
    """Make browser contexts (fresh cookies and storage) that are closed after the test."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def axe_source():
    return require_file(AXE_JS, "npm ci (installs axe-core from package-lock.json)").read_text()


@pytest.fixture
def site_urls(settings):
    """Serve uploaded pictures from the live server too (DEBUG is off in tests)."""
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture
def demo_site(transactional_db, site_urls):
    """The alliance's demo members and announcements, committed so the live server sees them."""
    ensure_roles()
    call_command("load_demo", stdout=io.StringIO())


def public_page_types():
    """(name, path) of every public page type, over the demo content (English addresses,
    whatever language an earlier request left active)."""
    from django.utils import translation

    from announcements.models import Announcement

    with_picture = Announcement.objects.published().exclude(picture="").first()
    without_picture = Announcement.objects.published().filter(picture="").first()
    month = timezone.localtime(with_picture.publish_at)
    with translation.override("en"):
        addresses = [with_picture.get_absolute_url(), without_picture.get_absolute_url()]
    return [
        ("home", "/"),
        ("news-list", "/news/"),
        ("announcement-with-picture", addresses[0]),
        ("announcement-without-picture", addresses[1]),
        ("tag", "/news/tags/united-nations/"),
        ("archive-year", f"/news/{month.year}/"),
        ("archive-month", f"/news/{month.year}/{month.month:02d}/"),
        ("search-results", "/search/?q=alliance"),
        ("search-no-results", "/search/?q=nothing+matches+this"),
        ("member-directory", "/members/"),
        ("member-profile", "/members/unicef/"),
        ("open-data", "/open-data/"),
        ("not-found", "/no-such-page/"),
    ]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
