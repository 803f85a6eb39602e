"""Each gunicorn worker keeps copies of the pages it served (the "local" cache): a change
made through one worker is never hidden by another worker's copy. Real servers, as in
test_outages_real.py (CI's PostgreSQL + Redis run, or DPGA_REAL_SERVER_TESTS=1)."""

import pytest

from .outage_servers import Browser, form_fields
from .outage_site import REAL_SERVERS, log_in, running_site

pytestmark = REAL_SERVERS

READS = 12  # sequential requests: the two workers take turns at accepting them


@pytest.fixture(scope="module")
def servers():
    with running_site({}) as running:
        yield running


def test_a_change_through_one_worker_shows_on_every_worker_at_once(servers):
    _postgres, _redis, site, pks = servers
    publisher, reader = Browser(site), Browser(site)
    page = "/news/outage-test-2/"
    for _ in range(READS):  # both workers render or read the page, and keep a copy
        assert "Outage test 2" in reader.get(page).body
    log_in(publisher)
    change = f"/admin/announcements/announcement/{pks[2]}/change/"
    fields = [
        (name, "Corrected through one worker" if name == "title" else value)
        for name, value in form_fields(publisher.get(change).body)
    ]
    assert publisher.post(change, fields).status == 302
    bodies = [reader.get(page).body for _ in range(READS)]
    assert all("Corrected through one worker" in body for body in bodies)
    assert not any("Outage test 2" in body for body in bodies)
