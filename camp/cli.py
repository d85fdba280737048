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


from camp.demo import register_demo_commands  # noqa: E402

register_demo_commands(camp_cli)
