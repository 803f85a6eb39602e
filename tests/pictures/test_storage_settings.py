"""Media storage comes from the environment: local files by default, S3-compatible on request."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dpga.environment import media_storage

S3_ENV = {
    "DJANGO_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "alliance-media",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
}


def test_local_files_by_default():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({"DJANGO_STORAGE": "local"})["BACKEND"].endswith("FileSystemStorage")


def test_s3_compatible_storage_from_the_environment():
    config = media_storage(S3_ENV)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "alliance-media"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["region_name"] == "eu-central-1"
    assert options["custom_domain"] == "media.example.org"
    assert options["file_overwrite"] is False, "two photo.jpg uploads must not collide"
    assert options["querystring_auth"] is False, "cached pages need addresses that never expire"
    assert "access_key" not in options and "secret_key" not in options


def test_the_s3_backend_accepts_these_options_and_builds_public_addresses():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**media_storage(S3_ENV)["OPTIONS"])
    assert storage.url("renditions/a.jpg/480w.webp") == (
        "https://media.example.org/renditions/a.jpg/480w.webp"
    )
    assert storage.file_overwrite is False


@pytest.mark.parametrize(
    "environ",
    [{"DJANGO_STORAGE": "s3"}, {"DJANGO_STORAGE": "ftp", "AWS_STORAGE_BUCKET_NAME": "x"}],
)
def test_a_bad_storage_configuration_is_refused_at_start(environ):
    with pytest.raises(ImproperlyConfigured):
        media_storage(environ)


def test_the_site_uses_s3_for_pictures_when_configured():
    """A fresh process with DJANGO_STORAGE=s3 stores pictures and renditions in the bucket."""
    code = """
import json, django
django.setup()
from django.conf import settings
from announcements.models import Announcement
from members.models import Member
picture = Announcement._meta.get_field("picture").storage
logo = Member._meta.get_field("picture").storage
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "url": picture.url("renditions/x/480w.webp"),
    "storages": sorted({type(picture._wrapped).__name__, type(logo._wrapped).__name__}),
}))
"""
    env = {**os.environ, **S3_ENV, "DJANGO_SETTINGS_MODULE": "dpga.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {
        "backend": "storages.backends.s3.S3Storage",
        "url": "https://media.example.org/renditions/x/480w.webp",
        "storages": ["S3Storage"],
    }
