"""Remembered addresses (dpga/routes.py): the same answers as reverse(), per language."""

from django.urls import reverse, set_script_prefix
from django.utils import translation

from dpga import routes
from dpga.routes import route_url


def test_an_address_is_reverse_s_answer_in_each_language():
    for code in ("en", "fr", "ar"):
        with translation.override(code):
            assert route_url("announcements:tag", slug="health") == reverse(
                "announcements:tag", kwargs={"slug": "health"}
            )
    with translation.override("fr"):
        assert route_url("announcements:tag", slug="health").startswith("/fr/")
    with translation.override("en"):
        assert not route_url("announcements:tag", slug="health").startswith("/fr/")


def test_an_address_is_worked_out_once():
    routes._address.cache_clear()
    with translation.override("en"):
        route_url("members:detail", slug="unicef")
        route_url("members:detail", slug="unicef")
    info = routes._address.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_the_script_prefix_is_part_of_the_address():
    with translation.override("en"):
        plain = route_url("members:directory")
        set_script_prefix("/site/")
        try:
            assert route_url("members:directory") == "/site" + plain
        finally:
            set_script_prefix("/")


def test_a_changed_url_configuration_is_not_answered_from_memory(settings):
    with translation.override("en"):
        route_url("members:directory")
        settings.ROOT_URLCONF = "tests.data.no_such_urls"  # the setting_changed signal
        assert routes._address.cache_info().currsize == 0
