"""What the page cache tests share: a small newsroom."""

from .factories import make_announcement, make_member


def newsroom():
    """A member and two live announcements about it, both tagged Health."""
    member = make_member(slug="unicef", name="UNICEF")
    live = make_announcement(
        title="Live story", slug="live-story", tags=["Health"], members=[member]
    )
    make_announcement(title="Older story", slug="older-story", tags=["Health"], members=[member])
    return {"member": member, "live": live}
