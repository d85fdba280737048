"""Pairing scanner devices: organisers create and revoke, volunteers pair a phone."""
from flask import redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from camp.checkin import devices, forms
from camp.checkin.models import Device
from camp.checkin.views import DEVICE_KEY, bp
from camp.extensions import limiter
from camp.tickets.qr import qr_svg
from camp.urls import external_url
from camp.web import get_in_camp, load_camp, post_action, save_form

NEW_TOKEN_KEY = "new_device_token"


@bp.route("/camps/<slug>/manage/devices", methods=["GET", "POST"])
def devices_page(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.DeviceForm()

    def create():
        device, token = devices.create_device(current_user, camp, form.name.data,
                                              form.hours.data)
        session[NEW_TOKEN_KEY] = token  # shown once, on the next page
        return device

    done = save_form(form, create, lambda d: _("%(name)s is ready to pair.", name=d.name),
                     url_for("checkin.devices_page", slug=camp.slug))
    if done:
        return done
    token = session.pop(NEW_TOKEN_KEY, None)
    pair_link = external_url("checkin.pair", token=token) if token else None
    # qr_svg() draws the link as path data: no text reaches the markup.
    pair_qr = Markup(qr_svg(pair_link)) if pair_link else None  # nosec B704
    return render_template(
        "checkin/devices.html", camp=camp, form=form, rows=devices.devices_with_scans(camp.id),
        pair_link=pair_link, pair_qr=pair_qr,
        revoke_form=forms.EmptyForm())


@bp.post("/camps/<slug>/manage/devices/<int:device_id>/revoke")
def revoke_device(slug, device_id):
    camp = load_camp(slug, "camp.manage")
    device = get_in_camp(Device, device_id, camp)
    return post_action(lambda: devices.revoke(current_user, camp, device),
                       _("%(name)s can no longer scan.", name=device.name),
                       url_for("checkin.devices_page", slug=camp.slug))


@bp.route("/pair/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute")
def pair(token):
    device = devices.device_for_token(token)
    if device is None:
        return render_template("checkin/pair_invalid.html"), 404
    form = forms.EmptyForm()
    if form.validate_on_submit():
        session[DEVICE_KEY] = token
        session.permanent = True
        return redirect(url_for("checkin.scanner", slug=device.camp.slug), code=303)
    return render_template("checkin/pair.html", device=device, camp=device.camp, form=form)
