#!/usr/bin/env python3
"""Counts, independently of Tideline, the events of sample-data/incident-2026-03 that each
indicator of incident-2026-03.txt should hit, with one hand-written regular expression per
indicator applied to each record's raw text (a line; a CloudTrail record). Lines of
malformed.log without a leading timestamp are import issues, not events, and are skipped.
The counts are pinned in tests/ioc.rs."""
import json, pathlib, re
root = pathlib.Path(__file__).resolve().parent.parent / "incident-2026-03"
records = []
for p in sorted(root.rglob("*")):
    if not p.is_file() or p.name.lower().startswith("expected"):
        continue
    if p.name == "cloudtrail.json":
        records += [json.dumps(r) for r in json.load(open(p))["Records"]]
        continue
    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        if p.name == "malformed.log" and not re.match(r"^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d ", line):
            continue
        records.append(line)
ip4 = lambda ip: r"(?<![\d.])(?<!\d\.)" + re.escape(ip) + r"(?!\d|\.\d)"
checks = {
    "203.0.113.45": ip4("203.0.113.45"),
    "198.51.100.7": ip4("198.51.100.7"),
    "203.0.113.4": ip4("203.0.113.4"),
    "3.0.113.45": r"(?<![\d.])3\.0\.113\.45(?!\d)",
    "192.0.2.0/24": r"(?<![\d.])192\.0\.2\.\d{1,3}(?![\d.])",
    "2001:db8:f860:4801::/64": r"(?i)2001:db8:f860:4801:[0-9a-f:]+",
    "2001:db8:76a7:55ad::412e": r"(?i)2001:db8:76a7:55ad::412e(?![0-9a-f:])",
    "http://198.51.100.7/x.sh": r"http://198\.51\.100\.7/x\.sh(?![\w%-])",
    "acme.local": r"(?i)(?<![\w-])(?:[\w-]+\.)*acme\.local(?![\w-])",
    "me.local": r"(?i)(?<![\w-])me\.local",
    "ample.com": r"(?i)(?<![\w-])ample\.com",
    "orders@example.com": r"(?i)(?<![\w.%+-])orders@example\.com(?![\w-])",
    "3b2dfb45...": r"(?i)3b2dfb456a22f80c2c467f5c1add78414e658f076953402e512828f12bcd16b2",
    "38c41d31...": r"(?i)38c41d31aaec2f49d7a515ac3c805675",
    "x.sh": r"(?i)(?<![\w.-])x\.sh(?![\w-])",
    "C:\\Users\\alice\\Downloads\\event_history.json": r"(?i)C:\\\\Users\\\\alice\\\\Downloads\\\\event_history\.json",
    "gobuster/3.6": r"gobuster/3\.6",
    "sysbackup": r"(?i)(?<!\w)sysbackup(?!\w)",
    "/tmp/\\.[a-z]+\\.sh": r"/tmp/\.[a-z]+\.sh",
    "evil.example.org": r"(?i)evil\.example\.org",
}
for name, rx in checks.items():
    r = re.compile(rx)
    print(f"{sum(1 for rec in records if r.search(rec)):6}  {name}")
print(f"{len(records):6}  events")
