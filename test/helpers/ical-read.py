"""Reads an iCal document on stdin with Python's icalendar (Debian's python3-icalendar) and
prints its VEVENTs as JSON: one object per event, property name -> value as text. Dates as
YYYY-MM-DD, date-times as YYYY-MM-DDTHH:MM:SS (with +00:00 when in UTC), text unescaped.
Used by test/e2e/calendar.e2e.test.cts as a parser nobody in this package wrote."""
import datetime
import json
import sys

import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
if calendar.name != 'VCALENDAR':
    raise SystemExit('not a VCALENDAR: ' + calendar.name)
events = []
for component in calendar.walk('VEVENT'):
    event = {}
    for name in component.keys():
        value = component.decoded(name)
        if isinstance(value, (datetime.datetime, datetime.date)):
            value = value.isoformat()
        elif isinstance(value, bytes):
            value = value.decode('utf-8')
        event[name] = str(value)
    events.append(event)
print(json.dumps(events, ensure_ascii=False))
