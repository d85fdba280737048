"""The programme as an iCalendar file."""
from __future__ import annotations

from icalendar import Calendar, Event

from camp.db import utcnow


def build_programme_ics(camp, base_url: str = "") -> bytes:
    """One event per programme item, or one for the whole camp when it has none."""
    cal = Calendar()
    cal.add("prodid", "-//Samskab//Programme//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", camp.title)
    cal.add("x-wr-timezone", camp.timezone)
    location = ", ".join(p for p in (camp.venue, camp.address) if p)
    stamp = utcnow()
    items = list(camp.programme)
    entries = [(f"item-{i.id}", i.title, i.starts_at, i.ends_at, i.place, i.description)
               for i in items] or [("camp", camp.title, camp.starts_at, camp.ends_at, "",
                                    camp.description)]
    for uid, title, start, end, place, description in entries:
        event = Event()
        event.add("uid", f"{uid}.{camp.slug}@samskab")
        event.add("dtstamp", stamp)
        event.add("summary", title)
        event.add("dtstart", start)
        event.add("dtend", end)
        where = ", ".join(p for p in (place, location) if p)
        if where:
            event.add("location", where)
        if description:
            event.add("description", description)
        if base_url:
            event.add("url", base_url)
        cal.add_component(event)
    return cal.to_ical()
