"""Reading the sitemap as a crawler does: the index, then every page it lists."""

from xml.etree import ElementTree

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://testserver"


def parse(response):
    assert response.status_code == 200, response.status_code
    return ElementTree.fromstring(response.content)  # noqa: S314 - the site's own sitemap


def sitemap_pages(client):
    """The paths (with ?p=N past a section's first page) the index /sitemap.xml lists."""
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{{{SITEMAP['s']}}}sitemapindex"
    return [loc.text.removeprefix(HOST) for loc in root.iterfind("s:sitemap/s:loc", SITEMAP)]


def sitemap_entries(client):
    """{address: its <url> element}, for every address on every page of the sitemap."""
    entries = {}
    for page in sitemap_pages(client):
        for url in parse(client.get(page)).iterfind("s:url", SITEMAP):
            entries[url.findtext("s:loc", namespaces=SITEMAP)] = url
    return entries


def sitemap_text(client):
    """Every page of the sitemap, as one text."""
    return "".join(client.get(page).content.decode() for page in sitemap_pages(client))
