"""axe-core in a real browser: no WCAG 2.2 A/AA violation, nor any of axe's
best-practice rules (unique landmarks, one main heading ...), on any public page type,
in the light and the dark colour scheme, on a desktop and a phone, in every language
the site has."""

import pytest
from django.conf import settings

from .conftest import DESKTOP, PHONE, public_page_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice",
]  # fmt: skip

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    })),
    passes: results.passes.length,
  };
}"""


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize(
    "scheme, viewport",
    [("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE), ("dark", PHONE)],
    ids=["light-desktop", "dark-desktop", "light-phone", "dark-phone"],
)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_public_page_type_has_no_wcag_violation(
    demo_site, live_server, new_context, axe_source, scheme, viewport, language
):
    # The checker is injected by the test, not served by the site: let it past any CSP.
    context = new_context(
        viewport=viewport,
        color_scheme=scheme,
        bypass_csp=True,
        extra_http_headers={"Accept-Language": language},
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    failures = {}
    for name, path in public_page_types():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), path
        assert page.get_attribute("html", "lang") == language, path
        page.evaluate(axe_source)
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert result["passes"] > 10, f"axe checked almost nothing on {path}"
        if result["violations"]:
            failures[path] = describe(result["violations"])
    assert not failures, "\n\n".join(f"{path}:\n{text}" for path, text in failures.items())


def test_axe_finds_a_planted_violation(demo_site, live_server, page, axe_source):
    """The check above can fail: an image without alt text on a real page is reported."""
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/img/logo.png';"
        " document.querySelector('main').append(img); }"
    )
    page.evaluate(axe_source)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert "image-alt" in {v["id"] for v in result["violations"]}
