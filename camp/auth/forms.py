"""Account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, \
    StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from camp.actors import actor_type_choices
from camp.auth.services import MIN_PASSWORD_LENGTH
from camp.i18n import LANGUAGES

_required = DataRequired(message=_l("This field is required."))
_email = Email(message=_l("Enter a valid e-mail address, like name@example.dk."),
               check_deliverability=False)
_password_length = Length(min=MIN_PASSWORD_LENGTH, max=200,
                          message=_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))


class ProfileFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[_required, Length(max=120)])
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=160)],
        description=_l("Leave empty if you take part as a private citizen."))
    actor_type = SelectField(_l("I take part as"), choices=actor_type_choices,
                             validators=[_required])


class SignupForm(ProfileFields):
    email = EmailField(_l("E-mail"), validators=[_required, _email, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required, _password_length],
                             description=_l("At least 12 characters. A short sentence is easy "
                                            "to remember and hard to guess."))
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[_required, EqualTo("password", message=_l("The passwords do not match."))])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required, _email, Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    password_confirm = PasswordField(
        _l("Repeat new password"),
        validators=[_required, EqualTo("password", message=_l("The passwords do not match."))])


class ProfileForm(ProfileFields):
    locale = SelectField(_l("Language"), validators=[_required],
                         choices=[SelectChoice(k, v) for k, v in LANGUAGES.items()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[_required])
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    password_confirm = PasswordField(
        _l("Repeat new password"),
        validators=[_required, EqualTo("password", message=_l("The passwords do not match."))])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[_required])
    confirm = BooleanField(_l("I understand that my account and personal data will be "
                              "erased, and that this cannot be undone."),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])


class ConfirmForm(FlaskForm):
    """An empty form: a button that POSTs with CSRF."""
