"""Proposals, stances, the editors' decisions and comments (blueprint "charters")."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp.charters import comments, forms, proposals, services
from camp.charters.models import CharterComment, Clause, Proposal, ProposalKind, \
    ProposalStatus, Section
from camp.charters.views import bp, load_charter, require
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.mail import send_email
from camp.permissions import can
from camp.textdiff import word_diff
from camp.urls import external_url
from camp.web import get_child, post_action, show_domain_error


def _proposal_url(charter, proposal, anchor=None) -> str:
    return url_for("charters.proposal", charter_slug=charter.slug, proposal_id=proposal.id,
                   _anchor=anchor)


def _clause_url(charter, clause_id, anchor=None) -> str:
    return url_for("charters.clause", charter_slug=charter.slug, clause_id=clause_id,
                   _anchor=anchor)


def describe(proposal, numbers: dict, section_numbers: dict) -> str:
    """Where the proposal applies, in words: "Clause 2.3", "After clause 2.3", ..."""
    number = numbers.get(proposal.clause_id)
    if proposal.kind == ProposalKind.add:
        if proposal.clause_id is None:
            return str(_l("First in section %(n)s", n=section_numbers.get(proposal.section_id,
                                                                            "?")))
        if number:
            return str(_l("After clause %(n)s", n=number))
        return str(_l("After a clause that is no longer in the text"))
    if number:
        return str(_l("Clause %(n)s", n=number))
    return str(_l("A clause that is no longer in the text"))


def _numbering(charter):
    from camp.charters import versions
    numbered = versions.numbered(charter)
    return ({c.id: n for _s, _sec, clauses in numbered for n, c in clauses},
            {sec.id: s for s, sec, _c in numbered})


def _thread_context(charter, clause=None, proposal=None, submitted=None):
    """The comments with the forms to write (the posted one keeps its errors)."""
    thread = comments.thread(clause=clause, proposal=proposal)
    may_write = can(current_user, "charter.join", charter) and comments.refusal(charter) is None

    def form_for(prefix):
        if submitted is not None and submitted._prefix == prefix + "-":
            return submitted
        return forms.CommentForm(prefix=prefix, formdata=None)
    return dict(thread=thread, may_write=may_write,
                comment_form=form_for("comment") if may_write else None,
                reply_forms={c.id: form_for(f"reply-{c.id}") for c in thread}
                if may_write else {},
                may_moderate=can(current_user, "charter.edit", charter),
                tz=services.timezone_of(charter),
                comments_closed=comments.refusal(charter))


def _comment(charter, page, clause=None, proposal=None):
    require(can(current_user, "charter.join", charter))
    reply_to = request.form.get("reply_to", type=int)
    form = forms.CommentForm(prefix=f"reply-{reply_to}" if reply_to else "comment")
    if form.validate_on_submit():
        try:
            comment = comments.add(current_user, charter, form.body.data, form.tag.data,
                                   clause=clause, proposal=proposal, parent_id=reply_to)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_l("Your comment is posted."), "success")
            anchor = f"comment-{comment.id}"
            return redirect(_proposal_url(charter, proposal, anchor) if proposal is not None
                            else _clause_url(charter, clause.id, anchor), code=303)
    return page(submitted=form)


# --- A clause: its text, proposals and discussion -----------------------------------------

def _clause_page(charter, clause, submitted=None):
    numbers, section_numbers = _numbering(charter)
    clause_proposals = proposals.for_clause(clause)
    return render_template(
        "charters/clause.html", charter=charter, clause=clause,
        number=numbers.get(clause.id), section_number=section_numbers.get(clause.section_id),
        proposals=clause_proposals, numbers=numbers, section_numbers=section_numbers,
        describe=describe, counts=proposals.stance_counts(p.id for p in clause_proposals),
        may_join=can(current_user, "charter.join", charter),
        refusal=proposals.consultation_refusal(charter),
        **_thread_context(charter, clause=clause, submitted=submitted))


@bp.get("/charters/<charter_slug>/clauses/<int:clause_id>")
def clause(charter_slug, clause_id):
    charter = load_charter(charter_slug, with_text=True)
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    return _clause_page(charter, clause)


@bp.post("/charters/<charter_slug>/clauses/<int:clause_id>/comments")
def comment_clause(charter_slug, clause_id):
    charter = load_charter(charter_slug, with_text=True)
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    return _comment(charter, lambda submitted: _clause_page(charter, clause, submitted),
                    clause=clause)


@bp.post("/charters/<charter_slug>/comments/<int:comment_id>/delete")
def delete_comment(charter_slug, comment_id):
    charter = load_charter(charter_slug, "charter.edit")
    comment = get_child(CharterComment, comment_id, charter_id=charter.id)
    back = url_for("charters.proposal", charter_slug=charter.slug,
                   proposal_id=comment.proposal_id, _anchor="comments") \
        if comment.proposal_id else _clause_url(charter, comment.clause_id, "comments")
    return post_action(lambda: comments.delete(current_user, comment),
                       _l("The comment is deleted."), back)


# --- Making a proposal --------------------------------------------------------------------

def _propose(charter, clause=None, section=None):
    require(can(current_user, "charter.join", charter))
    refusal = proposals.consultation_refusal(charter)
    if request.method == "GET":
        form = forms.ProposalForm(formdata=None, text=clause.text if clause else "",
                                  kind="replace" if clause else "add")
    else:
        form = forms.ProposalForm()
    if section is not None:
        form.kind.choices = [c for c in form.kind.choices if c.value == "add"]
    if refusal is None and form.validate_on_submit():
        data = proposals.ProposalData(kind=form.kind.data, text=form.text.data or "",
                                      rationale=form.rationale.data or "")
        try:
            proposal = proposals.propose(current_user, charter, data, clause=clause,
                                         section=section)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_l("Your proposal is published. Others can now support or oppose it; the "
                     "editors decide."), "success")
            return redirect(_proposal_url(charter, proposal), code=303)
    elif refusal is not None and request.method == "POST":
        flash(str(refusal), "error")
    numbers, section_numbers = _numbering(charter)
    return render_template(
        "charters/propose.html", charter=charter, clause=clause, section=section, form=form,
        number=numbers.get(clause.id) if clause else None,
        section_number=section_numbers.get(section.id) if section else None,
        refusal=refusal)


@bp.route("/charters/<charter_slug>/clauses/<int:clause_id>/propose", methods=["GET", "POST"])
def propose(charter_slug, clause_id):
    charter = load_charter(charter_slug, with_text=True)
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    if clause.removed_at is not None:
        abort(404)
    return _propose(charter, clause=clause)


@bp.route("/charters/<charter_slug>/sections/<int:section_id>/propose",
          methods=["GET", "POST"])
def propose_first(charter_slug, section_id):
    charter = load_charter(charter_slug, with_text=True)
    section = get_child(Section, section_id, charter_id=charter.id)
    return _propose(charter, section=section)


# --- The list of proposals ----------------------------------------------------------------

@bp.get("/charters/<charter_slug>/proposals/")
def proposals_index(charter_slug):
    charter = load_charter(charter_slug, with_text=True)
    numbers, section_numbers = _numbering(charter)
    form = forms.proposal_filter_form(request.args, numbers)
    valid = form.validate()
    status = form.status.data or "" if valid else ""
    clause_id = int(form.clause.data) if valid and (form.clause.data or "").isdigit() else None
    page = proposals.proposals_page(charter, status, clause_id,
                                    request.args.get("page", 1, type=int))
    ids = [p.id for p in page.items]
    args = {k: v for k, v in {"status": status, "clause": clause_id}.items() if v}
    return render_template(
        "charters/proposals.html", charter=charter, page=page, form=form, args=args,
        counts=proposals.stance_counts(ids), comment_counts=comments.counts_per_proposal(ids),
        numbers=numbers, section_numbers=section_numbers, describe=describe)


# --- One proposal -------------------------------------------------------------------------

def _diffs(proposal):
    """(against the text it was made on, against the current text or None)."""
    old, new = proposal.base_text, proposal.text
    if proposal.kind == ProposalKind.add:
        return word_diff("", new), None
    made = word_diff(old, new if proposal.kind == ProposalKind.replace else "")
    clause = proposal.clause
    if proposal.status != ProposalStatus.open or clause is None \
            or clause.revision == proposal.base_revision:
        return made, None
    current = clause.text if clause.removed_at is None else ""
    return made, word_diff(current, new if proposal.kind == ProposalKind.replace else "")


def _proposal_page(charter, proposal, submitted=None, decision_form=None, status=200):
    numbers, section_numbers = _numbering(charter)
    made, current = _diffs(proposal)
    is_open = proposal.status == ProposalStatus.open
    support, oppose = proposals.stance_counts([proposal.id])[proposal.id]
    joins = can(current_user, "charter.join", charter)
    return render_template(
        "charters/proposal.html", charter=charter, proposal=proposal,
        where=describe(proposal, numbers, section_numbers), diff=made, current_diff=current,
        support=support, oppose=oppose, mine=proposals.stance_of(current_user, proposal),
        may_stance=joins and is_open and getattr(current_user, "id", None) != proposal.author_id
        and proposals.consultation_refusal(charter) is None,
        may_withdraw=is_open and can(current_user, "proposal.withdraw", proposal),
        decision_form=(decision_form or forms.DecisionForm(formdata=None))
        if is_open and can(current_user, "charter.edit", charter)
        and charter.phase.value != "final" else None,
        version_number=_version_number(proposal),
        **_thread_context(charter, proposal=proposal, submitted=submitted)), status


def _version_number(proposal):
    if proposal.version_id is None:
        return None
    from camp.charters.models import CharterVersion
    version = db.session.get(CharterVersion, proposal.version_id)
    return version.number if version else None


def _load_proposal(charter, proposal_id):
    return get_child(Proposal, proposal_id, charter_id=charter.id)


@bp.get("/charters/<charter_slug>/proposals/<int:proposal_id>")
def proposal(charter_slug, proposal_id):
    charter = load_charter(charter_slug, with_text=True)
    return _proposal_page(charter, _load_proposal(charter, proposal_id))


@bp.post("/charters/<charter_slug>/proposals/<int:proposal_id>/comments")
def comment_proposal(charter_slug, proposal_id):
    charter = load_charter(charter_slug, with_text=True)
    proposal = _load_proposal(charter, proposal_id)
    return _comment(charter, lambda submitted: _proposal_page(charter, proposal, submitted),
                    proposal=proposal)


@bp.post("/charters/<charter_slug>/proposals/<int:proposal_id>/withdraw")
def withdraw(charter_slug, proposal_id):
    charter = load_charter(charter_slug)
    proposal = _load_proposal(charter, proposal_id)
    require(can(current_user, "proposal.withdraw", proposal))
    return post_action(lambda: proposals.withdraw(current_user, proposal),
                       _l("Your proposal is withdrawn."), _proposal_url(charter, proposal))


@bp.post("/charters/<charter_slug>/proposals/<int:proposal_id>/stance")
def stance(charter_slug, proposal_id):
    charter = load_charter(charter_slug, "charter.join")
    proposal = _load_proposal(charter, proposal_id)
    value = request.form.get("stance", "")
    messages = {"support": _l("You support this proposal."),
                "oppose": _l("You oppose this proposal."),
                "clear": _l("Your stance is cleared.")}
    return post_action(lambda: proposals.set_stance(current_user, proposal, value),
                       messages.get(value, ""), _proposal_url(charter, proposal, "stances"))


@bp.post("/charters/<charter_slug>/proposals/<int:proposal_id>/decide")
def decide(charter_slug, proposal_id):
    charter = load_charter(charter_slug, "charter.edit", with_text=True)
    proposal = _load_proposal(charter, proposal_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            proposals.decide(current_user, proposal, form.decision.data, form.reason.data)
        except DomainError as exc:
            show_domain_error(form, exc)
            charter = services.charter_by_slug(charter_slug, with_text=True)
            proposal = db.session.get(Proposal, proposal_id)
            return _proposal_page(charter, proposal, decision_form=form,
                                  status=409 if isinstance(exc, Conflict) else 200)
        db.session.commit()
        notify_decision(proposal)
        flash(_l("The proposal is accepted and the charter has a new version.")
              if proposal.status == ProposalStatus.accepted
              else _l("The proposal is rejected. The author and the supporters are told."),
              "success")
        return redirect(_proposal_url(charter, proposal), code=303)
    return _proposal_page(charter, proposal, decision_form=form)


# --- E-mails (after commit, in each recipient's language) ---------------------------------

def notify_decision(proposal: Proposal) -> None:
    """The author and the supporters hear whether the proposal was accepted or rejected."""
    charter = proposal.charter
    accepted = proposal.status == ProposalStatus.accepted
    link = external_url("charters.proposal", charter_slug=charter.slug,
                        proposal_id=proposal.id)
    template = "charter_proposal_accepted" if accepted else "charter_proposal_rejected"
    subject = _l("Your proposal to “%(charter)s” was accepted", charter=charter.title) \
        if accepted else _l("A proposal to “%(charter)s” was rejected", charter=charter.title)
    for user in proposals.recipients(proposal):
        is_author = user.id == proposal.author_id
        if accepted and not is_author:
            subject = _l("A proposal you support in “%(charter)s” was accepted",
                         charter=charter.title)
        elif accepted:
            subject = _l("Your proposal to “%(charter)s” was accepted", charter=charter.title)
        send_email(user.email, subject, template, locale=user.locale, proposal=proposal,
                   charter=charter, is_author=is_author, link=link,
                   version_number=_version_number(proposal))
