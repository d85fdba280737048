"""`flask camp ...` commands."""
import click
from flask.cli import AppGroup

from camp.errors import DomainError
from camp.extensions import db

camp_cli = AppGroup("camp", help="Samskab commands.")


@camp_cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the administrator.")
@click.option("--name", prompt=True, help="Full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 12 characters.")
def create_admin(email, name, password):
    """Create the first administrator (or make an existing account one)."""
    from camp.auth import services
    user = services.find_user_by_email(email)
    if user is not None:
        user.is_admin = True
        db.session.commit()
        click.echo(f"{user.email} is now an administrator.")
        return
    try:
        user = services.create_user(email=email, name=name, password=password,
                                    is_admin=True, confirmed=True)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message))
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@camp_cli.command("badges")
@click.argument("slug")
@click.option("--layout", default="a4-6", show_default=True,
              type=click.Choice(["a4-4", "a4-6", "a4-8", "label-90x54"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
def badges(slug, layout, out):
    """Render every confirmed participant's badge of a camp to one PDF."""
    from camp.badges.render import badge_registrations, render_badges_pdf
    from camp.camps.services import camp_by_slug
    camp = camp_by_slug(slug)
    if camp is None:
        raise click.ClickException(f"No camp with the address {slug!r}.")
    regs = badge_registrations(camp.id)
    with open(out, "wb") as fh:
        fh.write(render_badges_pdf(camp, regs, layout))
    click.echo(f"{len(regs)} badges written to {out}.")


@camp_cli.command("booklet")
@click.argument("slug")
@click.option("--out", default=None, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF (default: SLUG-prototypes.pdf).")
@click.option("--locale", default=None, help="Language of the booklet (default: the "
              "site's default).")
def booklet(slug, out, locale):
    """Render the booklet of a camp's submitted prototypes to one PDF."""
    from flask import current_app
    from flask_babel import force_locale
    from camp.camps.services import camp_by_slug
    from camp.gallery.pdf import booklet_prototypes, render_booklet_pdf
    camp = camp_by_slug(slug)
    if camp is None:
        raise click.ClickException(f"No camp with the address {slug!r}.")
    prototypes = booklet_prototypes(camp)
    if not prototypes:
        raise click.ClickException(f"No submitted prototype in {slug!r}.")
    out = out or f"{camp.slug}-prototypes.pdf"
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base), \
            force_locale(locale or current_app.config.get("DEFAULT_LOCALE", "da")):
        pdf = render_booklet_pdf(camp, prototypes)
    with open(out, "wb") as fh:
        fh.write(pdf)
    click.echo(f"{len(prototypes)} prototypes written to {out}.")


@camp_cli.command("send-reminders")
@click.option("--today", default=None, help="The day to remind for, YYYY-MM-DD (default: "
              "today in the default time zone).")
def send_reminders(today):
    """E-mail the reminders that are due (reviews, overdue milestones, commitments up for
    review). Safe to run from cron: each reminder is sent once."""
    from datetime import date, datetime
    from flask import current_app
    from camp.i18n import zone
    from camp.trials.reminders import send_due_reminders
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--today") from None
    else:
        day = datetime.now(zone(current_app.config["DEFAULT_TIMEZONE"])).date()
    counts = send_due_reminders(day)
    for line in counts.sent:
        click.echo(f"Sent: {line}")
    click.echo(f"{day.isoformat()}: {counts.reviews} review, {counts.milestones} milestone "
               f"and {counts.commitments} commitment reminders sent ({counts.emails} "
               f"e-mails).")
    if counts.failed:
        raise click.ClickException(f"{counts.failed} reminders could not be sent; the next "
                                   "run tries them again.")


@camp_cli.command("apply-retention")
@click.option("--today", default=None, help="Run as on this day, YYYY-MM-DD: erase what is "
              "due by the end of it (default: now).")
def apply_retention(today):
    """Erase participants' personal data of camps whose retention period has passed.
    Safe to run from cron: a camp is erased once; statistics stay, anonymised."""
    from datetime import date, datetime, time, timedelta
    from flask import current_app
    from camp.i18n import zone
    from camp.privacy.retention import apply_retention as run
    now = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--today") from None
        tz = zone(current_app.config["DEFAULT_TIMEZONE"])
        now = datetime.combine(day + timedelta(days=1), time(0), tz) - timedelta(microseconds=1)
    report = run(now)
    for slug, n in report.erased:
        click.echo(f"Erased: {slug} ({n} registrations)")
    for slug in report.skipped:
        click.echo(f"Already erased by another run: {slug}")
    click.echo(f"{len(report.erased)} camps erased, {report.registrations} registrations "
               "anonymised.")

@camp_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
def worker(burst):
    """Run the badge runs, booklets and e-mail deliveries queued in Redis
    (CAMP_REDIS_URL). Start one or more, on any host that sees the instance folder."""
    from flask import current_app
    from camp import queue
    if not queue.enabled():
        raise click.ClickException("CAMP_REDIS_URL is not set: jobs run in the web "
                                   "process and e-mail is sent at once; no worker needed.")
    mail, jobs = queue.queue_names()
    click.echo(f"Working on the queues {mail} and {jobs}.")
    queue.work(current_app._get_current_object(), burst=burst)


from camp.demo import register_demo_commands  # noqa: E402

register_demo_commands(camp_cli)
from camp.backup import register_backup_commands  # noqa: E402
from camp.transfer_cli import register_transfer_commands  # noqa: E402

register_backup_commands(camp_cli)
register_transfer_commands(camp_cli)
