"""Charters: drafting, proposals, stances, decisions and comments (issue 8, part D).

In the world the camp's charter (charter_slug) is in consultation (open 14 more days); the
camp's organiser edits it; "participant", "staff", "jury" and "organiser" take part in the
camp and so may propose, comment and take stances; "owner" holds no camp role and
"other_organiser" organises another camp, so both only read. "participant" made the open
proposal (proposal_id), on which "owner" commented (comment_id).

Empty POSTs: a form comes back with its errors (200); a button's refusal is flashed and
redirected (303) — in consultation the text changes only through proposals, so the
editors' direct edits are refused with a message.
"""
EDITORS = {"anonymous": 302, "organiser": 200, "admin": 200}
EDITORS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}
JOINERS = {"anonymous": 302, "participant": 200, "staff": 200, "jury": 200, "organiser": 200,
           "admin": 200}
JOINERS_POST = {"anonymous": 302, "participant": 303, "staff": 303, "jury": 303,
                "organiser": 303, "admin": 303}
CREATORS = {"anonymous": 302, "organiser": 200, "other_organiser": 200, "admin": 200}

ROWS = [
    ("charters.index", "GET", {}, 200),
    ("charters.new", "GET", CREATORS, 403),
    ("charters.new", "POST", CREATORS, 403),
    ("charters.show", "GET", {}, 200),
    ("charters.manage", "GET", EDITORS, 403),
    ("charters.manage", "POST", EDITORS, 403),
    ("charters.set_phase", "POST", EDITORS, 403),
    ("charters.add_editor", "POST", EDITORS, 403),
    ("charters.remove_editor", "POST", EDITORS_POST, 403),
    # Nothing changed since version 1: the page says so (200).
    ("charters.save_version", "POST", EDITORS, 403),
    ("charters.add_section", "POST", EDITORS, 403),
    ("charters.rename_section", "POST", EDITORS_POST, 403),
    ("charters.move_section", "POST", EDITORS_POST, 403),
    ("charters.delete_section", "POST", EDITORS_POST, 403),
    ("charters.add_clause", "POST", EDITORS, 403),
    ("charters.edit_clause", "GET", EDITORS, 403),
    ("charters.edit_clause", "POST", EDITORS, 403),
    ("charters.move_clause", "POST", EDITORS_POST, 403),
    ("charters.remove_clause", "POST", EDITORS_POST, 403),
    ("charters.clause", "GET", {}, 200),
    ("charters.comment_clause", "POST", JOINERS, 403),
    ("charters.delete_comment", "POST", EDITORS_POST, 403),
    ("charters.propose", "GET", JOINERS, 403),
    ("charters.propose", "POST", JOINERS, 403),
    ("charters.propose_first", "GET", JOINERS, 403),
    ("charters.propose_first", "POST", JOINERS, 403),
    ("charters.proposals_index", "GET", {}, 200),
    ("charters.proposal", "GET", {}, 200),
    ("charters.comment_proposal", "POST", JOINERS, 403),
    # The author withdraws; an admin may try and is told only the author can (303).
    ("charters.withdraw", "POST", {"anonymous": 302, "participant": 303, "admin": 303}, 403),
    # No stance given: refused with a message (303).
    ("charters.stance", "POST", JOINERS_POST, 403),
    ("charters.decide", "POST", EDITORS, 403),
]
