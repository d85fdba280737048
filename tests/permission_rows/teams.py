"""Teams (issue 5). The world: "participant" has a confirmed seat and leads a team on the
owner's challenge; an outsider with a seat has a pending join request to it. Staff, jury and
owner have no seat, so they may look at teams but not take part."""
SIGNED_IN = {"anonymous": 302}
ALL = {}
TAKE_PART = {"anonymous": 302, "participant": 200, "organiser": 200, "admin": 200}
TAKE_PART_POST = {"anonymous": 302, "participant": 303, "organiser": 303, "admin": 303}
LEAD = {"anonymous": 302, "participant": 200, "organiser": 200, "admin": 200}
LEAD_POST = {"anonymous": 302, "participant": 303, "organiser": 303, "admin": 303}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    ("teams.index", "GET", ALL, 200),
    # The participant is in a team already and is sent to it.
    ("teams.new", "GET", dict(TAKE_PART, participant=303), 403),
    ("teams.new", "POST", dict(TAKE_PART, participant=303), 403),
    ("teams.show", "GET", ALL, 200),
    ("teams.edit", "GET", LEAD, 403),
    ("teams.edit", "POST", LEAD_POST, 403),  # empty form: the stored values, saved
    ("teams.invite", "POST", LEAD_POST, 403),
    ("teams.revoke_invite", "POST", LEAD_POST, 403),
    # "not-a-valid-token": a clear page for everybody, never a 500.
    ("teams.invite_landing", "GET", ALL, 400),
    ("teams.invite_landing", "POST", ALL, 400),
    ("teams.request_join", "POST", TAKE_PART_POST, 403),
    ("teams.approve", "POST", LEAD_POST, 403),
    ("teams.decline", "POST", LEAD_POST, 403),
    # Only the person who asked (the outsider, not a role here) may withdraw.
    ("teams.withdraw", "POST", SIGNED_IN, 403),
    # Only members leave; the participant is the only member.
    ("teams.leave", "POST", {"anonymous": 302, "participant": 303}, 403),
    ("teams.hand_over_lead", "POST", LEAD_POST, 403),
    ("teams.mine", "GET", SIGNED_IN, 200),
    ("teams.board_list", "GET", TAKE_PART, 403),
    ("teams.board_me", "GET", dict(TAKE_PART, participant=303), 403),
    ("teams.board_me", "POST", TAKE_PART_POST, 403),
    ("teams.board_remove", "POST", TAKE_PART_POST, 403),
    ("teams.manage", "GET", ORGANISERS, 403),
    ("teams.manage", "POST", ORGANISERS, 403),  # empty form: shown again with errors
    ("teams.manage_team", "GET", ORGANISERS, 403),
    ("teams.manage_team", "POST", ORGANISERS_POST, 403),  # empty = back to the defaults
    ("teams.lock", "POST", ORGANISERS_POST, 403),
    ("teams.unlock", "POST", ORGANISERS_POST, 403),
    ("teams.move", "POST", ORGANISERS_POST, 403),
    ("teams.export_csv", "GET", ORGANISERS, 403),
]
