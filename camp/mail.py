"""Sending e-mail: rendered templates in the recipient's language."""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage


def send_email(to: str, subject, template: str, locale: str | None = None,
               attachments=(), **context):
    """Render templates/email/<template>.txt in `locale` and send it.

    `subject` is usually a lazy_gettext string, so it is translated in that locale too.
    """
    with force_locale(locale or current_app.config["DEFAULT_LOCALE"]):
        subject = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    message = EmailMessage(subject=subject, body=body, to=[to],
                           from_email=current_app.config["MAIL_DEFAULT_SENDER"])
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    if current_app.debug:
        current_app.logger.info("E-mail to %s: %s\n%s", to, subject, body)
    return message
