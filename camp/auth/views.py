"""Accounts: sign up, confirm, log in/out, reset password, profile, my data, delete."""
import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, \
    session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from camp.auth import forms, services
from camp.auth.models import User
from camp.errors import DomainError
from camp.extensions import db, limiter
from camp.mail import send_email
from camp.tokens import load_token, make_token
from camp.urls import external_url
from camp.web import safe_next, show_domain_error

bp = Blueprint("auth", __name__)


def send_confirmation(user: User) -> None:
    token = make_token("confirm", services.confirmation_payload(user))
    send_email(user.email, _l("Confirm your e-mail address"), "auth_confirm",
               locale=user.locale, user=user,
               link=external_url("auth.confirm_email", token=token))


def _start_session(user: User, remember: bool = False) -> None:
    # A fresh session at log-in: nothing set before authentication survives it.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")), code=303)
    form = forms.SignupForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data, name=form.name.data, password=form.password.data,
                organisation=form.organisation.data, actor_type=form.actor_type.data,
                locale=session.get("lang") or current_app.config["DEFAULT_LOCALE"])
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            send_confirmation(user)
            _start_session(user)
            flash(_("Welcome to Samskab! We have sent a link to %(email)s to confirm your "
                    "e-mail address.", email=user.email), "success")
            return redirect(safe_next(request.args.get("next"), url_for("web.index")), code=303)
    return render_template("auth/signup.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    payload = load_token("confirm", token, current_app.config["TOKEN_MAX_AGE"])
    user = services.user_for_confirmation(payload)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        services.mark_confirmed(user)
        db.session.commit()
        flash(_("Thank you. Your e-mail address is confirmed."), "success")
        return redirect(url_for("web.index"), code=303)
    return render_template("auth/confirm.html", form=form, user=user)


@bp.post("/me/confirm/resend")
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        send_confirmation(current_user)
        flash(_("We have sent a new confirmation link to %(email)s.",
                email=current_user.email), "success")
    return redirect(url_for("auth.profile"), code=303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")), code=303)
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("web.index")), code=303)
        form.password.errors = [_("The e-mail or password is not correct.")]
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "success")
    return redirect(url_for("web.index"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None:
            token = make_token("reset", services.reset_payload(user))
            send_email(user.email, _l("Reset your password"), "auth_reset", locale=user.locale,
                       user=user, link=external_url("auth.reset_password", token=token))
        # The same answer whether or not the account exists: no address probing.
        flash(_("If an account exists for %(email)s, we have sent it a link to choose a new "
                "password. The link is valid for one hour.", email=form.email.data), "success")
        return redirect(url_for("auth.login"), code=303)
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token):
    payload = load_token("reset", token, current_app.config["RESET_MAX_AGE"])
    user = services.user_for_reset(payload)
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        if user.email_confirmed_at is None:
            # Following the link proved the address.
            services.mark_confirmed(user)
        db.session.commit()
        _start_session(user)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("web.index"), code=303)
    return render_template("auth/reset.html", form=form)


@bp.route("/me/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = forms.ProfileForm(obj=current_user)
    if request.method == "GET":
        form.actor_type.data = current_user.actor_type.value
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data,
                                organisation=form.organisation.data,
                                actor_type=form.actor_type.data, locale=form.locale.data)
        db.session.commit()
        session["lang"] = current_user.locale
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"), code=303)
    return render_template("auth/profile.html", form=form)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.password.data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been logged out."),
                  "success")
            return redirect(url_for("auth.profile"), code=303)
    return render_template("auth/password.html", form=form)


@bp.get("/me/data.json")
@login_required
def export_data():
    data = services.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="samskab-my-data.json"'})


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account has been deleted and your personal data erased."), "success")
            return redirect(url_for("web.index"), code=303)
    return render_template("auth/delete.html", form=form)
