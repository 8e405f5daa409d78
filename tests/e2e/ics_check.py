#!/usr/bin/python3
"""Reads calendar files (RFC 5545) as strictly as tests/e2e/programme.test.mjs
needs: CRLF line ends, lines of at most 75 octets, folds that never split a
UTF-8 sequence, then Debian's python3-icalendar parses them and every
component's parse errors must be empty.  Prints one JSON object per file
(its events, with the LANGUAGE parameter of SUMMARY and DESCRIPTION) and
exits 1 with the reasons when any file fails.

Usage: ics_check.py FILE..."""
import json
import sys

import icalendar


def lines_ok(data, problems):
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    for n, line in enumerate(data.split(b"\r\n")[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {n}: a bare CR or LF")
        if len(line) > 75:
            problems.append(f"line {n}: {len(line)} octets")
        if line[:1] == b" " and line[1:2] and (line[1] & 0xC0) == 0x80:
            problems.append(f"line {n}: a fold splits a UTF-8 sequence")
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    try:
        unfolded.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        problems.append(f"not UTF-8 after unfolding: {e}")


def when(v):
    d = v.dt
    return {"value": d.isoformat(), "tzid": v.params.get("TZID", ""),
            "offset": d.utcoffset().total_seconds() if hasattr(d, "utcoffset") and d.utcoffset() is not None else None}


def language(event, name):
    """The LANGUAGE parameter (RFC 5545 3.2.10) of a property, "" without."""
    v = event.get(name)
    return str(v.params.get("LANGUAGE", "")) if v is not None else ""


def check(path):
    problems = []
    with open(path, "rb") as f:
        data = f.read()
    lines_ok(data, problems)
    cal = icalendar.Calendar.from_ical(data)
    zones = {str(c["TZID"]) for c in cal.walk("VTIMEZONE")}
    events = []
    for c in cal.walk():
        if getattr(c, "errors", None):
            problems.append(f"{c.name}: {c.errors}")
    for k in ("VERSION", "PRODID"):
        if k not in cal:
            problems.append(f"VCALENDAR without {k}")
    for e in cal.walk("VEVENT"):
        for k in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if k not in e:
                problems.append(f"VEVENT without {k}")
        start, end = when(e["DTSTART"]), when(e["DTEND"])
        for t in (start, end):
            if t["tzid"] and t["tzid"] not in zones:
                problems.append(f"TZID {t['tzid']} without its VTIMEZONE")
        if e["DTEND"].dt <= e["DTSTART"].dt:
            problems.append("DTEND not after DTSTART")
        events.append({"uid": str(e["UID"]), "summary": str(e["SUMMARY"]),
                       "summary_lang": language(e, "SUMMARY"),
                       "description_lang": language(e, "DESCRIPTION"),
                       "location": str(e.get("LOCATION", "")),
                       "description": str(e.get("DESCRIPTION", "")),
                       "url": str(e.get("URL", "")),
                       "start": start, "end": end, "stamp": e["DTSTAMP"].dt.isoformat()})
    return {"file": path, "zones": sorted(zones), "events": events, "problems": problems}


def main():
    results = [check(p) for p in sys.argv[1:]]
    print(json.dumps(results))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
