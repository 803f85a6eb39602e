import pytest
from django.core.files.storage import default_storage

from tests.factories import make_user


@pytest.fixture
def storage(settings):
    """An in-memory media storage: proves every picture path goes through the storage API
    (no local paths), the same API S3-compatible storage is used through."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("picture-admin", superuser=True))
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit work (file deletion) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
