"""EMAIL_URL, one variable for the whole email set-up, read into Django's settings.

Imported by dpga/settings.py only: nothing here may import Django's settings or an app.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def email_settings(url, debug):
    """EMAIL_URL -> Django's email settings.

    smtp://user:password@host:587/?tls=True (or ?ssl=True), console:// (print mails),
    or unset: the console under DEBUG (`make run`), else SMTP on localhost:25.
    """
    if not url:
        backend = "console" if debug else "smtp"
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{backend}.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtps:// or console://.")
    query = {
        key: values[-1].lower() in {"1", "true", "yes", "on"}
        for key, values in parse_qs(parts.query).items()
    }
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": query.get("tls", False),
        "EMAIL_USE_SSL": query.get("ssl", parts.scheme == "smtps"),
        "EMAIL_TIMEOUT": 30,
    }
