#!/usr/bin/env python
"""Screenshots of every public page type (not a test): docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only home,news-list]

Sets up a throw-away install (SQLite and media in a temporary folder, demo content),
serves it with runserver on a free port of 127.0.0.1, and takes each page type at
375 px and 1280 px wide, in the light and the dark colour scheme, in English and
Arabic, with Debian's Chromium (headless, a fresh profile, nothing downloaded). The
PNGs are reduced to a 64-colour palette so they stay small enough to commit. Named
``<page>-<language>-<width>-<scheme>.png``, listed in ``index.md`` beside them.
"""

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = {375: 812, 1280: 800}
SCHEMES = ("light", "dark")
LANGUAGES = ("en", "ar")
# The longest a full-page shot may be (CSS pixels): the top of a long page says enough.
MAX_HEIGHT = 2000

PAGE_TYPES = """
import json
from django.utils import timezone
from announcements.models import Announcement
published = Announcement.objects.published()
with_picture = published.exclude(picture="").first()
without_picture = published.filter(picture="").first()
month = timezone.localtime(with_picture.publish_at)
tag = with_picture.tags.order_by("name").first()
print(json.dumps([
    ("home", "/"),
    ("news-list", "/news/"),
    ("announcement", with_picture.get_absolute_url()),
    ("announcement-without-picture", without_picture.get_absolute_url()),
    ("tag", f"/news/tags/{tag.slug}/"),
    ("archive-year", f"/news/{month.year}/"),
    ("archive-month", f"/news/{month.year}/{month.month:02d}/"),
    ("search", f"/search/?q=alliance&tag={tag.slug}"),
    ("member-directory", "/members/"),
    ("member-profile", "/members/unicef/"),
    ("open-data", "/open-data/"),
    ("not-found", "/no-such-page/"),
]))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own 127.0.0.1 server
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def save_small(png, path):
    """Save a screenshot as a 64-colour PNG."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def write_index(pages, out):
    """index.md: every page type, a row per language and scheme, phone and desktop."""
    lines = [
        "# Screenshots",
        "",
        "Every public page type at 375 px and 1280 px, light and dark, in English and "
        "Arabic, over the demo content. Made by `scripts/screenshots.py` (the top "
        f"{MAX_HEIGHT} px of long pages).",
        "",
    ]
    for name, path in pages:
        lines += [f"## {name} (`{path}`)", "", "| | 375 px | 1280 px |", "| --- | --- | --- |"]
        for language in LANGUAGES:
            for scheme in SCHEMES:
                cells = [
                    f"[![{name}, {language}, {width} px, {scheme}]({name}-{language}-{width}-{scheme}.png)]"
                    f"({name}-{language}-{width}-{scheme}.png)"
                    for width in WIDTHS
                ]
                lines.append(f"| {language}, {scheme} | " + " | ".join(cells) + " |")
        lines.append("")
    (out / "index.md").write_text("\n".join(lines))


def prefixed(path, language):
    return path if language == "en" else f"/{language}{path}"


def shoot(base, pages, out):
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for language in LANGUAGES:
            for width, height in WIDTHS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        color_scheme=scheme,
                        extra_http_headers={"Accept-Language": language},
                    )
                    page = context.new_page()
                    for name, path in pages:
                        page.goto(base + prefixed(path, language))
                        full = page.evaluate("document.documentElement.scrollHeight")
                        clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)}
                        png = page.screenshot(full_page=True, clip=clip)
                        target = out / f"{name}-{language}-{width}-{scheme}.png"
                        save_small(png, target)
                        print(target.name, target.stat().st_size // 1024, "KB")
                    context.close()
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated page names")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dpga-shots-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{folder}/media",
            "DJANGO_CACHE_DIR": f"{folder}/cache",
        }
        env.pop("REDIS_URL", None)
        manage(env, "compilemessages", "--ignore=.*", "--ignore=node_modules", "--verbosity=0")
        manage(env, "migrate", "--verbosity=0")
        manage(env, "load_demo", "--port", str(port), stdout=subprocess.DEVNULL)
        listed = manage(env, "shell", "-c", PAGE_TYPES, capture_output=True, text=True).stdout
        pages = json.loads(listed.strip().splitlines()[-1])
        if options.only:
            wanted = set(options.only.split(","))
            pages = [(name, path) for name, path in pages if name in wanted]
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://{HOST}:{port}"
            wait_for(base + "/healthz/")
            shoot(base, pages, options.out)
            if not options.only:
                write_index(pages, options.out)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
