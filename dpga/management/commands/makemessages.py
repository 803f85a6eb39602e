"""makemessages that also reads the site's Jinja2 templates (templates/jinja2/).

Django's makemessages understands only its own template language. For a
Jinja2 template, Jinja2's own extractor (``jinja2.ext.babel_extract``, the one
Babel uses) finds the messages -- ``_()``, ``gettext()``, ``ngettext()``,
``{% trans %}`` ... -- and each is written as the Python call xgettext reads, on
its template line. Besides .html, .txt and .py files it reads .xsl ones (the feeds'
stylesheet is a Jinja2 template); everything else is Django's command as it is.
"""

import io
import os

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

# Relative to the project: makemessages runs from its root and walks it.
JINJA2_DIRS = [
    os.path.relpath(directory, settings.BASE_DIR)
    for engine in settings.TEMPLATES
    if engine["BACKEND"].endswith(".Jinja2")
    for directory in engine.get("DIRS", [])
]


def is_jinja2(path):
    path = os.path.normpath(path)
    return any(path.startswith(directory + os.sep) for directory in JINJA2_DIRS)


def jinja2_as_python(source):
    """The messages of a Jinja2 template as Python gettext calls, line for line."""
    lines = [""] * (source.count("\n") + 1)
    found = babel_extract(
        io.BytesIO(source.encode()),
        keywords=("_", "gettext", "ngettext", "pgettext", "npgettext"),
        comment_tags=(),
        options={"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
    )
    for lineno, function, message, _comments in found:
        arguments = message if isinstance(message, tuple) else (message,)
        arguments = [repr(a) for a in arguments if a is not None]
        if function in ("ngettext", "npgettext"):
            arguments.append("1")
        lines[lineno - 1] += (
            f"{function if function != '_' else 'gettext'}({', '.join(arguments)}); "
        )
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if self.domain != "django" or not is_jinja2(self.path):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as source:
            content = jinja2_as_python(source.read())
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args, **options):
        options["extensions"] = [*(options.get("extensions") or ["html", "txt", "py"]), "xsl"]
        return super().handle(*args, **options)
