"""Sending e-mail: rendered templates in the recipient's language.

With CAMP_REDIS_URL set the message is rendered here, in the request, and its delivery
goes on the Redis queue (camp.queue.deliver), where `flask camp worker` sends it and tries
again when the mail server refuses it. Without Redis it is sent at once, as before.
"""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage


def send_email(to: str, subject, template: str, locale: str | None = None,
               attachments=(), **context):
    """Render templates/email/<template>.txt in `locale` and send (or queue) it.

    `subject` is usually a lazy_gettext string, so it is translated in that locale too.
    """
    with force_locale(locale or current_app.config["DEFAULT_LOCALE"]):
        subject = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    attachments = list(attachments)
    message = EmailMessage(subject=subject, body=body, to=[to], from_email=sender)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    from camp import queue
    if queue.enabled():
        from redis.exceptions import RedisError
        try:
            queue.enqueue_mail(queue.message_payload(to, subject, body, sender, attachments))
        except RedisError:
            # The request's own work is already committed; sending now beats losing the
            # message (or answering 500) while Redis is away.
            current_app.logger.exception("queueing e-mail failed; sending it directly")
            message.send()
    else:
        message.send()
    if current_app.debug:
        current_app.logger.info("E-mail to %s: %s\n%s", to, subject, body)
    return message
