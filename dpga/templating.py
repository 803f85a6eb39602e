"""The public site's templates: Jinja2 (Django's own backend), in templates/jinja2/.

Jinja2 compiles templates to Python, which renders a page of cards faster than
Django's template language (see docs/performance.md). The admin keeps Django's
templates (templates/admin/).

What the templates can call, besides Jinja2's own:

- ``_()``, ``gettext()``, ``ngettext()``, ``pgettext()`` and ``{% trans %}``: Django's
  translations (``make catalogues`` extracts them, see
  dpga/management/commands/makemessages.py);
- ``route_url(name, **kwargs)``, ``static(path)``;
- ``language_code()``, ``language_bidi()``;
- page parts that need the request: ``canonical_url()``, ``site_description()``,
  ``share_tags(...)``, ``breadcrumbs(...)``, ``hreflang_links()``,
  ``language_switcher()``, ``picture(...)``
  and the structured data (JSON-LD);
- filters ``date`` (Django's formats), ``time_element``, ``date_element``, ``language_name``,
  ``urlencode`` (Django's) and ``w3c_datetime``.
"""

import jinja2
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import urlencode
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import (
    get_language,
    get_language_bidi,
    gettext,
    ngettext,
    npgettext,
    pgettext,
    to_locale,
)
from markupsafe import Markup

from dpga import seo
from dpga.languages.alternates import hreflang_alternates, language_name, switcher_links


def environment(**options):
    # Like Django's templates, a missing value (or an attribute of one) draws as nothing.
    options["undefined"] = jinja2.ChainableUndefined
    options.pop("autoescape", None)  # always on
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    # Jinja2's "new style" gettext (formatting with keyword arguments), from Django's.
    env.newstyle_gettext = True
    env.globals.update(
        _=_gettext,
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
        route_url=route_url,
        static=static,
        language_code=lambda: get_language() or settings.LANGUAGE_CODE,
        language_bidi=get_language_bidi,
        canonical_url=canonical_url,
        site_description=seo.site_description,
        share_tags=share_tags,
        breadcrumbs=breadcrumbs,
        hreflang_links=hreflang_links,
        language_switcher=language_switcher,
        picture=picture,
        site_structured_data=site_structured_data,
        announcement_structured_data=announcement_structured_data,
        member_structured_data=member_structured_data,
    )
    env.filters.update(
        date=date,
        urlencode=urlencode,
        time_element=time_element,
        date_element=date_element,
        language_name=language_name,
        w3c_datetime=seo.w3c_datetime,
        number=lambda value: number_format(value, force_grouping=True),  # 1,000 · 1 000
    )
    return env


def _formatted(translated, variables):
    # Always a format string (so "%%" is "%"), as Jinja2's new-style gettext.
    translated = Markup(translated)  # noqa: S704 - a translator's text, as {% trans %} treats it
    return translated % variables if variables or "%" in translated else translated


def _gettext(message, **variables):
    return _formatted(gettext(message), variables)


def _ngettext(singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _formatted(ngettext(singular, plural, number), variables)


def _pgettext(context, message, **variables):
    return _formatted(pgettext(context, message), variables)


def _npgettext(context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _formatted(npgettext(context, singular, plural, number), variables)


def date(value, format=None):
    """Django's ``date`` filter, in the current time zone as in Django's templates."""
    return date_filter(template_localtime(value), format)


def route_url(viewname, **kwargs):
    """reverse() with keyword arguments: ``route_url("announcements:tag", slug=...)``."""
    return reverse(viewname, kwargs=kwargs)


def time_element(when):
    """A moment as visitors read it, in a machine-readable <time>:
    <time datetime="2026-11-27T14:00:00+00:00">27 November 2026, 14:00 UTC</time>"""
    shown = dateformat.format(template_localtime(when), get_format("DATETIME_FORMAT") + " T")
    return format_html('<time datetime="{}">{}</time>', seo.w3c_datetime(when), shown)


def date_element(when):
    """The day of a moment, in the site's time zone, in a machine-readable <time>:
    <time datetime="2026-11-27">27 November 2026</time>"""
    local = template_localtime(when)
    shown = dateformat.format(local, get_format("DATE_FORMAT"))
    return format_html('<time datetime="{}">{}</time>', local.date().isoformat(), shown)


def _render(context, template_name, **values):
    """Another template rendered with `values` (and the page's request), as markup."""
    template = context.environment.get_template(template_name)
    html = template.render({**values, "request": context.get("request")})
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def _page_number(context):
    page = context.get("page_obj")
    return page.number if page is not None else 1


@jinja2.pass_context
def canonical_url(context):
    return seo.canonical_url(context["request"], _page_number(context))


@jinja2.pass_context
def share_tags(context, title=None, description=None, announcement=None, member=None):
    """Open Graph and Twitter card tags; the image is the page's own or the site's card."""
    request = context["request"]
    if announcement is not None:
        image = seo.announcement_share_image(request, announcement)
    elif member is not None:
        image = seo.member_share_image(request, member)
    else:
        image = seo.site_share_image(request)
    return _render(
        context,
        "includes/_share_tags.html",
        site_name=settings.SITE_NAME,
        title=title or settings.SITE_NAME,
        description=description or seo.site_description(),
        url=seo.canonical_url(request, _page_number(context)),
        locale=to_locale(get_language() or settings.LANGUAGE_CODE),
        image=image,
        announcement=announcement,
        modified=seo.modified_at(announcement) if announcement is not None else None,
        tags=announcement.tag_list if announcement is not None else [],
        og_type="article" if announcement is not None else "website",
        large_card=bool(image.width and image.width >= 600),
    )


@jinja2.pass_context
def breadcrumbs(context, *parts):
    """A visible breadcrumb trail and its BreadcrumbList.

    ``parts``: label, url, label, url, ..., and last the current page's label;
    the home page comes first by itself and the current page's address is this
    page's canonical URL.
    """
    request = context["request"]
    *ancestors, current = parts
    if len(ancestors) % 2:
        raise TypeError("breadcrumbs() takes label/url pairs, then a label")
    trail = [(gettext("Home"), reverse("home"))]
    trail += list(zip(ancestors[::2], ancestors[1::2], strict=True))
    trail.append((current, seo.canonical_url(request, _page_number(context))))
    return _render(
        context,
        "includes/_breadcrumbs.html",
        ancestors=trail[:-1],
        current=current,
        structured_data=seo.ld_json_script(seo.graph(seo.breadcrumb_ld(request, trail))),
    )


@jinja2.pass_context
def hreflang_links(context):
    if "request" not in context:
        return ""
    alternates = hreflang_alternates(context["request"], context.get("translated_object"))
    return _render(context, "includes/_hreflang.html", alternates=alternates)


@jinja2.pass_context
def language_switcher(context):
    if "request" not in context:
        return ""
    links = switcher_links(context["request"], context.get("translated_object"))
    return _render(context, "includes/_language_switcher.html", links=links)


def _first_on_page(request):
    if request is None:
        return False
    count = getattr(request, "_pictures_rendered", 0)
    request._pictures_rendered = count + 1
    return count == 0


@jinja2.pass_context
def picture(context, picture, alt="", sizes="100vw", css_class="", eager=None):
    """One responsive <picture> element, the same everywhere.

    The first picture a page draws is loaded eagerly with high fetch priority
    (it is usually the largest thing above the fold); every later one is lazy.
    Pass ``eager=True`` or ``eager=False`` to decide yourself.
    """
    if picture is None:
        return ""
    first = _first_on_page(context.get("request"))
    return _render(
        context,
        "includes/_picture.html",
        picture=picture,
        alt=alt,
        sizes=sizes,
        css_class=css_class,
        eager=first if eager is None else eager,
    )


def _structured_data(*nodes):
    """A function drawing the page's JSON-LD: the graph of `nodes(request, *args)`."""

    @jinja2.pass_context
    def draw(context, *args):
        request = context["request"]
        return seo.ld_json_script(seo.graph(*(node(request, *args) for node in nodes)))

    return draw


site_structured_data = _structured_data(seo.alliance_ld, seo.website_ld)
announcement_structured_data = _structured_data(seo.news_article_ld)
member_structured_data = _structured_data(seo.member_ld)
