"""The programme as an iCalendar file (a pure function of the camp)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from camp.db import utcnow


def programme_uid(camp, item=None) -> str:
    """Stable across edits (also of the slug), so calendars update instead of duplicating."""
    return f"camp-{camp.id}-item-{item.id}@samskab" if item is not None \
        else f"camp-{camp.id}@samskab"


def build_programme_ics(camp, url: str = "", now: datetime | None = None) -> bytes:
    """One VEVENT per programme item, or one for the whole camp when it has none.

    Times are written in the camp's time zone (with its VTIMEZONE), so calendar apps
    show the wall-clock times of the programme.
    """
    tz = ZoneInfo(camp.timezone)
    cal = Calendar()
    cal.add("prodid", "-//Samskab//Programme//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", camp.title)
    cal.add("x-wr-timezone", camp.timezone)
    location = ", ".join(p for p in (camp.venue, camp.address) if p)
    stamp = now or utcnow()
    items = sorted(camp.programme, key=lambda i: (i.starts_at, i.id))
    entries = [(programme_uid(camp, i), i.title, i.starts_at, i.ends_at, i.place,
                i.description) for i in items] or \
        [(programme_uid(camp), camp.title, camp.starts_at, camp.ends_at, "", camp.description)]
    for uid, title, start, end, place, description in entries:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("summary", title)
        event.add("dtstart", start.astimezone(tz))
        event.add("dtend", end.astimezone(tz))
        where = ", ".join(p for p in (place, location) if p)
        if where:
            event.add("location", where)
        if description:
            event.add("description", description)
        if url:
            event.add("url", url)
        cal.add_component(event)
    cal.add_missing_timezones(first_date=date(camp.starts_at.year - 1, 1, 1),
                              last_date=date(camp.ends_at.year + 2, 1, 1))
    return cal.to_ical()
