"""Forms for signing a charter, confirming the signature and withdrawing it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from camp.charters.signatures import NAME_MAX, ORGANISATION_MAX, REASON_MAX, TITLE_MAX


def _max(n):
    return Length(max=n, message=_l("Keep it under %(max)s characters.", max=n))


class SignForm(FlaskForm):
    organisation = StringField(
        _l("Organisation"),
        validators=[DataRequired(message=_l("Name the organisation that signs.")),
                    _max(ORGANISATION_MAX)],
        description=_l("The organisation's full name, as it should appear on the list of "
                       "signatories."),
        render_kw={"maxlength": ORGANISATION_MAX, "autocomplete": "organization"})
    signer_name = StringField(
        _l("Name of the person signing"),
        validators=[DataRequired(message=_l("Write the name of the person who signs.")),
                    _max(NAME_MAX)],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "name"})
    signer_title = StringField(
        _l("Title or position"), validators=[Optional(), _max(TITLE_MAX)],
        description=_l("For example mayor, director or chair."),
        render_kw={"maxlength": TITLE_MAX, "autocomplete": "organization-title"})
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(message=_l("Enter a valid e-mail address.")),
                    Email(message=_l("Enter a valid e-mail address, like name@example.dk."),
                          check_deliverability=False), _max(254)],
        description=_l("We send a link to this address; the signature counts once it is "
                       "confirmed. The address is not shown publicly."),
        render_kw={"autocomplete": "email"})
    consent = BooleanField(
        _l("I may sign on behalf of this organisation, and I agree that the organisation, "
           "my name and my title are shown publicly on the list of signatories."),
        validators=[DataRequired(message=_l("Tick the box to confirm that you may sign and "
                                            "that the signature is public."))])

    def data_for_service(self) -> dict:
        return {"organisation": self.organisation.data, "signer_name": self.signer_name.data,
                "signer_title": self.signer_title.data, "email": self.email.data}


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the confirmation is a deliberate POST, never a GET."""


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the withdrawal"),
        validators=[DataRequired(message=_l("Give a reason for the withdrawal; it is shown "
                                            "in the history.")), _max(REASON_MAX)],
        render_kw={"rows": 2, "maxlength": REASON_MAX})


def withdraw_forms(signatures, submitted_id=None, submitted=None) -> dict:
    """signature id -> a blank withdrawal form (or the one just posted, with its errors)."""
    forms = {}
    for s in signatures:
        if submitted is not None and s.id == submitted_id:
            forms[s.id] = submitted
        else:
            forms[s.id] = WithdrawForm(prefix=f"withdraw-{s.id}", formdata=None)
    return forms
