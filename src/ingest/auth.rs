//! What common Unix authentication messages say, in canonical columns.
//!
//! sshd, PAM, sudo, su, useradd/userdel and the kernel firewall write free text whose
//! shape every responder knows ("Failed password for root from 203.0.113.45 port 22
//! ssh2"). This module reads the user, the addresses and an `action` out of those
//! shapes, and nothing else: a message it does not know leaves the columns empty.

use std::net::IpAddr;

/// Fields read from one message.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AuthFields {
    pub user: Option<String>,
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub action: Option<&'static str>,
    /// Extra named values for `attrs` (e.g. `command`, `target_user`).
    pub extra: Vec<(&'static str, String)>,
}

fn ip(token: &str) -> Option<String> {
    let t = token.trim_matches(|c| matches!(c, '[' | ']' | ',' | ';' | '(' | ')'));
    t.parse::<IpAddr>().ok().map(|a| a.to_string())
}

/// The token right after `marker` in `msg`.
fn after<'a>(msg: &'a str, marker: &str) -> Option<&'a str> {
    let i = msg.find(marker)?;
    msg[i + marker.len()..].split_whitespace().next()
}

/// The value of `key=` up to the next space (PAM and kernel style).
fn kv<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    let mut search = 0;
    while let Some(i) = msg[search..].find(key) {
        let start = search + i;
        let boundary = start == 0 || msg.as_bytes()[start - 1] == b' ';
        if boundary {
            let rest = &msg[start + key.len()..];
            let v = rest.split(' ').next().unwrap_or("");
            return (!v.is_empty()).then_some(v);
        }
        search = start + key.len();
    }
    None
}

fn user_token(t: &str) -> String {
    // "deploy(uid=1002)" -> "deploy"
    t.split('(')
        .next()
        .unwrap_or(t)
        .trim_end_matches([',', ';'])
        .to_string()
}

/// Reads what it can from a message written by `process`.
pub fn extract(process: Option<&str>, msg: &str) -> AuthFields {
    let mut f = AuthFields::default();
    let proc = process.unwrap_or("");
    let base = proc.split('(').next().unwrap_or(proc);

    if base == "sudo" {
        // "  deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/id"
        if let Some((who, rest)) = msg.split_once(" : ") {
            let who = who.trim();
            if !who.is_empty() && !who.contains(' ') {
                f.user = Some(who.to_string());
                f.action = Some(if rest.contains("incorrect password") {
                    "sudo_denied"
                } else {
                    "sudo"
                });
                for part in rest.split(" ; ") {
                    if let Some(v) = part.trim().strip_prefix("USER=") {
                        f.extra.push(("target_user", v.to_string()));
                    } else if let Some(v) = part.trim().strip_prefix("COMMAND=") {
                        f.extra.push(("command", v.to_string()));
                    } else if let Some(v) = part.trim().strip_prefix("PWD=") {
                        f.extra.push(("cwd", v.to_string()));
                    } else if let Some(v) = part.trim().strip_prefix("TTY=") {
                        f.extra.push(("tty", v.to_string()));
                    }
                }
                return f;
            }
        }
    }

    let from_ip = after(msg, " from ").and_then(ip);
    if let Some(rest) = msg.strip_prefix("Failed ") {
        // "Failed password for [invalid user ]NAME from IP port N ssh2"
        f.action = Some("auth_failure");
        if let Some(i) = rest.find(" for ") {
            let who = &rest[i + 5..];
            let who = who.strip_prefix("invalid user ").unwrap_or(who);
            if let Some(j) = who.rfind(" from ") {
                f.user = Some(who[..j].to_string());
            }
        }
        f.src_ip = from_ip;
    } else if let Some(rest) = msg.strip_prefix("Accepted ") {
        // "Accepted publickey for alice from 10.20.0.21 port 50022 ssh2: ED25519 SHA256:..."
        f.action = Some("auth_success");
        if let Some((method, tail)) = rest.split_once(" for ") {
            f.extra.push(("auth_method", method.to_string()));
            if let Some(j) = tail.find(" from ") {
                f.user = Some(tail[..j].to_string());
            }
        }
        f.src_ip = from_ip;
    } else if let Some(rest) = msg.strip_prefix("Invalid user ") {
        f.action = Some("invalid_user");
        if let Some(j) = rest.rfind(" from ") {
            f.user = Some(rest[..j].to_string());
        }
        f.src_ip = from_ip;
    } else if msg.contains("authentication failure;") {
        f.action = Some("auth_failure");
        if let Some(r) = kv(msg, "rhost=") {
            match ip(r) {
                Some(a) => f.src_ip = Some(a),
                None => f.extra.push(("rhost", r.to_string())),
            }
        }
        f.user = kv(msg, "user=").map(str::to_string);
    } else if let Some(i) = msg.find("session opened for user ") {
        f.action = Some("session_opened");
        f.user = msg[i + 24..].split_whitespace().next().map(user_token);
    } else if let Some(i) = msg.find("session closed for user ") {
        f.action = Some("session_closed");
        f.user = msg[i + 24..].split_whitespace().next().map(user_token);
    } else if msg.starts_with("new user: ") {
        f.action = Some("user_created");
        f.user = kv(msg, "name=").map(user_token);
    } else if let Some(rest) = msg.strip_prefix("delete user '") {
        f.action = Some("user_deleted");
        f.user = rest.split('\'').next().map(str::to_string);
    } else if msg.contains("[UFW BLOCK]") || (msg.contains(" SRC=") && msg.contains(" DST=")) {
        f.action = Some(if msg.contains("BLOCK") {
            "firewall_block"
        } else {
            "firewall"
        });
        f.src_ip = kv(msg, "SRC=").and_then(ip);
        f.dst_ip = kv(msg, "DST=").and_then(ip);
    } else if msg.starts_with("Received disconnect from ") || msg.starts_with("Disconnected from ")
    {
        f.action = Some("disconnect");
        f.src_ip = after(msg, " from ")
            .and_then(ip)
            .or_else(|| msg.split_whitespace().find_map(ip));
        if let Some(i) = msg.find(" user ") {
            f.user = msg[i + 6..].split_whitespace().next().map(user_token);
        }
    } else if msg.contains("POSSIBLE BREAK-IN ATTEMPT") {
        f.action = Some("breakin_attempt");
        f.src_ip = msg
            .split_whitespace()
            .find_map(|t| t.starts_with('[').then(|| ip(t)).flatten());
    } else if base == "su" {
        if let Some(rest) = msg.strip_prefix("(to ") {
            // "(to root) alice on pts/0"
            f.action = Some("su");
            if let Some((target, tail)) = rest.split_once(") ") {
                f.extra.push(("target_user", target.to_string()));
                f.user = tail.split_whitespace().next().map(str::to_string);
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_password_for_an_invalid_user() {
        let f = extract(
            Some("sshd"),
            "Failed password for invalid user admin from 203.0.113.45 port 40022 ssh2",
        );
        assert_eq!(f.action, Some("auth_failure"));
        assert_eq!(f.user.as_deref(), Some("admin"));
        assert_eq!(f.src_ip.as_deref(), Some("203.0.113.45"));
    }

    #[test]
    fn accepted_publickey_keeps_the_method() {
        let f = extract(
            Some("sshd"),
            "Accepted publickey for alice from 10.20.0.21 port 50022 ssh2: ED25519 SHA256:abc",
        );
        assert_eq!(f.action, Some("auth_success"));
        assert_eq!(f.user.as_deref(), Some("alice"));
        assert_eq!(f.src_ip.as_deref(), Some("10.20.0.21"));
        assert_eq!(f.extra, vec![("auth_method", "publickey".to_string())]);
    }

    #[test]
    fn sudo_gives_user_target_and_command() {
        let f = extract(
            Some("sudo"),
            "  deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/id",
        );
        assert_eq!(f.action, Some("sudo"));
        assert_eq!(f.user.as_deref(), Some("deploy"));
        assert!(f.extra.contains(&("command", "/usr/bin/id".to_string())));
        assert!(f.extra.contains(&("target_user", "root".to_string())));
    }

    #[test]
    fn pam_failure_with_a_host_name_keeps_it_as_rhost() {
        let f = extract(
            Some("sshd(pam_unix)"),
            "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root",
        );
        assert_eq!(f.action, Some("auth_failure"));
        assert_eq!(f.src_ip, None);
        assert_eq!(f.user.as_deref(), Some("root"));
        assert_eq!(
            f.extra,
            vec![("rhost", "220-135-151-1.hinet-ip.hinet.net".to_string())]
        );
    }

    #[test]
    fn a_message_it_does_not_know_fills_nothing() {
        assert_eq!(
            extract(Some("CRON"), "(root) CMD (run-parts /etc/cron.hourly)"),
            AuthFields::default()
        );
    }
}
