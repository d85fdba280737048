"""`flask camp export-camp` and `flask camp import-camp`."""
from __future__ import annotations

import json

import click

from camp.errors import DomainError
from camp.extensions import db


def register_transfer_commands(group) -> None:
    @group.command("export-camp")
    @click.argument("slug")
    @click.option("--out", default=None, type=click.Path(dir_okay=False),
                  help="Where to write the JSON document (default: SLUG.camp.json).")
    def export_command(slug, out):
        """Write a whole camp, files included, to one JSON document for another
        installation. It holds personal data: keep it safe."""
        from camp.camps.services import camp_by_slug
        from camp.transfer_export import begin_snapshot, dumps, export_camp
        db.session.rollback()  # a fresh transaction: one snapshot of the camp
        begin_snapshot()
        camp = camp_by_slug(slug)
        if camp is None:
            raise click.ClickException(f"No camp with the address {slug!r}.")
        try:
            document = export_camp(camp)
        except DomainError as exc:
            raise click.ClickException(str(exc.message)) from None
        out = out or f"{camp.slug}.camp.json"
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(dumps(document))
        rows = sum(len(rows) for rows in document["tables"].values())
        click.echo(f"Camp {slug!r} written to {out}: {rows} rows, "
                   f"{len(document['users'])} people.")

    @group.command("import-camp")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--slug", default=None, help="A new address for the camp (default: the "
                  "one in the document).")
    def import_command(file, slug):
        """Create a camp from a document made by export-camp, in one transaction."""
        from camp.transfer_import import import_camp
        try:
            with open(file, encoding="utf-8") as fh:
                document = json.load(fh)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise click.ClickException(f"{file} is not a JSON document: {exc}") from None
        try:
            result = import_camp(document, slug)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from None
        except BaseException:
            db.session.rollback()
            raise
        rows = sum(result.counts.values())
        click.echo(f"Camp imported as {result.slug!r}: {rows} rows, {result.files} files, "
                   f"{len(result.users_created)} new accounts (without a password: they "
                   "use 'forgot password' to sign in).")
        click.echo("New credentials were made: ticket secrets (send participants their "
                   "tickets again), scanner device tokens (set the scanners up again), "
                   "team invitation and signature confirmation links.")
