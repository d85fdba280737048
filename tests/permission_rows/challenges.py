"""Challenges: the world's challenge is published and owned by role "owner"."""
SIGNED_IN = {"anonymous": 302}
OWNERS = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}
# A published challenge cannot be submitted, deleted or lose its only owner: the owner's
# POST is refused with a message and a redirect (303), nothing changes.
OWNERS_POST = {"anonymous": 302, "owner": 303, "organiser": 303, "admin": 303}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    ("challenges.index", "GET", {}, 200),
    ("challenges.show", "GET", {}, 200),
    ("challenges.new", "GET", SIGNED_IN, 200),
    # An empty form re-renders with its errors.
    ("challenges.new", "POST", SIGNED_IN, 200),
    ("challenges.edit", "GET", OWNERS, 403),
    ("challenges.edit", "POST", OWNERS, 403),
    ("challenges.submit", "POST", OWNERS_POST, 403),
    ("challenges.delete", "POST", OWNERS_POST, 403),
    ("challenges.owners", "GET", OWNERS, 403),
    ("challenges.owners", "POST", OWNERS, 403),
    ("challenges.remove_owner", "POST", OWNERS_POST, 403),
    # Attachments: an empty upload re-renders the page with "Choose a file." (200); the
    # world's attachment (a PDF on the published challenge) downloads for everyone.
    ("challenges.add_attachment", "POST", OWNERS, 403),
    ("challenges.download_attachment", "GET", {}, 200),
    ("challenges.delete_attachment", "POST", OWNERS_POST, 403),
    ("challenges.mine", "GET", SIGNED_IN, 200),
    ("challenges.manage", "GET", ORGANISERS, 403),
    ("challenges.export_csv", "GET", ORGANISERS, 403),
    # Published already: accepting is refused with a message (303), publishing likewise.
    ("challenges.accept", "POST", ORGANISERS_POST, 403),
    ("challenges.publish", "POST", ORGANISERS_POST, 403),
    ("challenges.decline", "GET", ORGANISERS, 403),
    ("challenges.decline", "POST", ORGANISERS, 403),
]
