"""News by email, end to end through a real SMTP server on loopback (aiosmtpd)."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from announcements.models import Delivery, Subscriber
from announcements.tasks import digests_due, send_announcement
from tests.factories import make_announcement, make_member, make_scheduled
from tests.smtp_helpers import free_port, start_smtp

ADDRESS = "Reader@Example.ORG"
STORED = "Reader@example.org"
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def smtp(settings):
    mailbox = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://news.example/"
    yield mailbox
    mailbox.controller.stop(no_assert=True)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Save as the admin does: the emails are enqueued once the change commits."""

    def run(make, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make(*args, **kwargs)

    return run


def link(message, pattern):
    text = message.get_body(("plain",)).get_content()
    assert "https://news.example/" in text, text
    return re.search(r"https://news\.example(\S*" + pattern + r"\S*/)", text).group(1)


def subscribe(client, smtp, **choices):
    data = {"email": ADDRESS, "frequency": "each", "language": "en", **choices}
    response = client.post("/subscribe/", data)
    assert response.status_code == 200
    (confirmation,) = smtp.to(STORED)
    confirm = link(confirmation, "/subscribe/confirm/")
    assert client.get(confirm).status_code == 200
    assert not Subscriber.objects.confirmed().exists()  # opening the link is not confirming
    assert client.post(confirm).status_code == 200
    smtp.messages.clear()
    return Subscriber.objects.get()


def one_click(client, message):
    """RFC 8058: POST List-Unsubscribe=One-Click to the https URL of the header."""
    url = re.search(r"<(https://[^>]+)>", message["List-Unsubscribe"]).group(1)
    path = url.removeprefix("https://news.example")
    return client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def assert_list_headers(message):
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://news\.example/unsubscribe/[^>]+/>, <mailto:[^>]+>",
        str(message["List-Unsubscribe"]).strip(),
    )


def run_worker():
    """What `manage.py worker` does with the database backend: run the tasks due now."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_subscribe_confirm_get_news_once_then_leave_with_one_click(client, smtp, publish, settings):
    subscriber = subscribe(client, smtp, all_news="on")
    assert subscriber.email == STORED
    item = publish(make_announcement, title="The alliance welcomes OICT")
    (message,) = smtp.to(STORED)
    assert message["Subject"] == "The alliance welcomes OICT"
    assert_list_headers(message)
    assert message.get_body(("html",)).get_content().count('href="https://news.example/') >= 2
    assert "<img" not in message.get_body(("html",)).get_content()  # no tracking pixel
    publish(item.save)  # saved again (a typo fixed): no second email
    assert len(smtp.to(STORED)) == 1

    # A queue that can hold a task until its time (the tests' default runs them at once):
    # scheduling queues the email for the publish time, and a worker sends it then.
    immediate, settings.TASKS = settings.TASKS, {"default": {"BACKEND": DATABASE_BACKEND}}
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        scheduled = publish(make_scheduled, hours_ahead=1, title="Scheduled news")
        run_worker()
    assert len(smtp.to(STORED)) == 1  # not yet
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(seconds=1)):
        run_worker()
    settings.TASKS = immediate
    assert [m["Subject"] for m in smtp.to(STORED)][-1] == "Scheduled news"
    assert len(smtp.to(STORED)) == 2
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2

    assert one_click(client, smtp.to(STORED)[-1]).status_code == 200
    publish(make_announcement, title="After leaving")
    assert len(smtp.to(STORED)) == 2


def test_topics_choose_what_arrives(db, client, smtp, publish):
    who = make_member(slug="who", name="World Health Organization")
    subscribe(client, smtp, members=[who.pk])
    publish(make_announcement, title="Not about WHO")
    publish(make_announcement, title="About WHO", members=[who])
    assert [m["Subject"] for m in smtp.to(STORED)] == ["About WHO"]


def test_a_weekly_digest_gathers_the_week_then_one_click_ends_it(db, client, smtp, publish):
    subscribe(client, smtp, all_news="on", frequency="weekly")
    publish(make_announcement, title="First of the week", publish_at=timezone.now())
    publish(make_announcement, title="Second of the week", publish_at=timezone.now())
    assert smtp.messages == []  # a digest subscriber gets no single emails
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert digests_due() == 1
        assert digests_due() == 0  # sent: not due again for a week
    (digest,) = smtp.to(STORED)
    assert_list_headers(digest)
    text = digest.get_body(("plain",)).get_content()
    assert "First of the week" in text and "Second of the week" in text
    assert one_click(client, digest).status_code == 200
    publish(make_announcement, title="Later")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=16)):
        assert digests_due() == 0
    assert len(smtp.to(STORED)) == 1


def test_confirmation_is_sent_at_most_once_a_day_and_says_who_asked(db, client, smtp):
    for _ in range(3):
        client.post(
            "/subscribe/",
            {"email": ADDRESS, "all_news": "on", "frequency": "each", "language": "fr"},
        )
    (confirmation,) = smtp.to(STORED)
    assert "127.0.0.1" in confirmation.get_body(("plain",)).get_content()
    assert Subscriber.objects.count() == 1


def test_the_subscribe_form_is_throttled_per_client(db, client, smtp, settings):
    settings.SUBSCRIBE_RATE_PER_HOUR = 2
    answers = [
        client.post(
            "/subscribe/",
            {"email": f"r{n}@example.org", "all_news": "on", "frequency": "each", "language": "en"},
        ).status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]


def test_a_bad_or_forged_link_is_a_404_and_bad_input_a_form_error(db, client, smtp):
    assert client.get("/unsubscribe/forged-token/").status_code == 404
    assert client.post("/subscribe/confirm/x:y:z/").status_code == 404
    response = client.post(
        "/subscribe/", {"email": "not an address", "frequency": "each", "language": "en"}
    )
    assert response.status_code == 400
    assert smtp.messages == []


def test_an_smtp_server_that_is_away_never_gives_the_publisher_an_error(
    db, client, smtp, publish, settings
):
    subscribe(client, smtp, all_news="on")
    settings.EMAIL_PORT = free_port()  # nothing listens there
    publish(make_announcement, title="While the mail server is away")
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.error and delivery.attempts == 1


def test_a_failed_email_is_sent_when_the_queue_tries_again_and_only_once(
    db, client, smtp, publish, settings
):
    subscribe(client, smtp, all_news="on")
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the server is away
    first = publish(make_announcement, title="While away")
    settings.EMAIL_PORT = port  # back
    publish(make_announcement, title="Once back")
    assert [m["Subject"] for m in smtp.to(STORED)] == ["Once back"]
    send_announcement.call(first.pk, attempt=2)  # the retry the queue runs later
    send_announcement.call(first.pk, attempt=3)  # and a duplicate of it
    assert sorted(m["Subject"] for m in smtp.to(STORED)) == ["Once back", "While away"]


def test_the_subscribe_page_is_never_kept_by_the_page_cache(db, client):
    first = client.get("/fr/subscribe/")
    second = client.get("/fr/subscribe/")
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_every_page_links_to_news_by_email(db, client):
    pages = {"/": "/subscribe/", "/news/": "/subscribe/", "/fr/members/": "/fr/subscribe/"}
    for path, subscribe_page in pages.items():
        assert f'href="{subscribe_page}"' in client.get(path).content.decode()


def test_emails_are_in_the_subscribers_language_when_a_translation_exists(
    db, client, smtp, django_capture_on_commit_callbacks
):
    from tests.i18n_helpers import SLUGS, TITLES
    from tests.i18n_helpers import make_announcement as make_translated

    subscribe(client, smtp, all_news="on", language="fr")
    Subscriber.objects.create(
        email="ru@example.org",
        all_news=True,
        language="ru",
        confirmed_at=timezone.now() - datetime.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_translated(translate=["fr"], days_ago=0)
    (french,) = smtp.to(STORED)
    assert french["Subject"] == TITLES["fr"]
    assert (
        f"https://news.example/fr/news/{SLUGS['fr']}/" in french.get_body(("plain",)).get_content()
    )
    (russian,) = smtp.to("ru@example.org")
    assert russian["Subject"] == TITLES["en"]  # no Russian translation: the original


def test_email_url_sets_up_smtp_and_a_bad_one_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from dpga.email_url import email_settings

    smtp = email_settings("smtp://news%40org:s3cret@mail.example:587/?tls=True", debug=False)
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"]) == (
        "mail.example",
        587,
        "news@org",
    )
    assert smtp["EMAIL_HOST_PASSWORD"] == "s3cret" and smtp["EMAIL_USE_TLS"]
    assert email_settings("", debug=True)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        email_settings("http://mail.example/", debug=False)


def test_the_admin_counts_subscribers_per_topic_and_exports_and_erases_one(db, client):
    from tests.factories import make_user

    who = make_member(slug="who", name="World Health Organization")
    for n in range(3):
        subscriber = Subscriber.objects.create(
            email=f"r{n}@example.org", confirmed_at=timezone.now()
        )
        if n:
            subscriber.members.add(who)
    client.force_login(make_user("boss", superuser=True))
    listing = client.get("/admin/announcements/subscriber/").content.decode()
    assert re.search(r"World Health Organization\s*\(2\)", listing)
    exported = client.post(
        "/admin/announcements/subscriber/",
        {
            "action": "export_data",
            "_selected_action": [Subscriber.objects.get(email="r1@example.org").pk],
        },
    )
    assert exported.json()[0]["members"] == ["World Health Organization"]
    client.post(
        "/admin/announcements/subscriber/",
        {
            "action": "erase_data",
            "_selected_action": [Subscriber.objects.get(email="r1@example.org").pk],
        },
    )
    assert not Subscriber.objects.filter(email="r1@example.org").exists()
