"""A participant's agenda as an iCalendar feed that calendars can subscribe to.

Each meeting keeps one UID for life and a SEQUENCE that grows with every change, and a
cancelled meeting stays in the feed as STATUS:CANCELLED: so a moved meeting updates the
existing calendar entry and a cancelled one disappears, instead of showing twice.

Times carry TZID=Asia/Shanghai, and RFC 5545 wants a VTIMEZONE for every TZID used: clients
that do not know IANA names (several desktop mail clients) otherwise shift the meeting. The
words are in the language of the person who registered, since the file is read by their
calendar, not by a browser with a language.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from matchmaking.fairs.states import MeetingStatus
from matchmaking.models import Fair, FairRegistration, Meeting


def agenda_calendar(registration: FairRegistration, meetings: list[Meeting]) -> bytes:
    with translation.override(registration.registered_by.language):
        return _calendar(registration, meetings)


def _calendar(registration: FairRegistration, meetings: list[Meeting]) -> bytes:
    fair: Fair = registration.fair
    slots = {index: (start, end) for index, start, end in fair.slots()}
    calendar = Calendar()
    calendar.add("prodid", "-//Nongqiao//Fair agenda//ZH")
    calendar.add("version", "2.0")
    # An X- property is not escaped unless typed as text: a line break in a name would
    # otherwise make the feed fail to render (or, escaped by hand wrongly, forge lines).
    calendar.add("x-wr-calname", vText(f"{fair.name} · {registration.organisation.name}"))
    stamp = timezone.now()
    for meeting in meetings:
        start, end = slots.get(meeting.slot, (None, None))
        if start is None:
            continue
        other = (
            meeting.request.recipient
            if meeting.request.requester_id == registration.pk
            else meeting.request.requester
        )
        event = Event()
        event.add("uid", f"meeting-{meeting.uid}@nongqiao")
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        table = _("table %(number)s") % {"number": meeting.table}
        event.add("summary", f"{other.organisation.name} · {table}")
        event.add("location", f"{fair.venue}, {table}")
        event.add("description", f"{other.organisation.name}\n{other.attendees}")
        event.add(
            "status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
