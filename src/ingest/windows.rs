//! What Windows events mean, shared by the `evtx` and `winevent_json` readers.
//!
//! Both readers bring a record down to the same shape, [`WinRecord`]: the System values
//! (event id, channel, provider, computer, level, user SID) and the EventData/UserData
//! fields as one flat map. [`WinRecord::fill`] turns that shape into canonical columns:
//! the user, addresses and process from the fields that name them, an `action` and a short
//! description from [`KNOWN`] (a small table of the event ids responders look for, keyed by
//! the log they are written to, since ids are only unique within a provider), the severity
//! from the level, and a one-line message: `[Security] 4624 An account was successfully
//! logged on: TargetUserName=bob LogonType=3 IpAddress=10.0.0.5`.

use std::net::IpAddr;

use serde_json::{Map, Value};

use super::common::{first_text, text, text_ref};
use crate::event::Event;

/// The log an event id belongs to, told from its channel or provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Security,
    System,
    Sysmon,
    PowerShell,
    TaskScheduler,
    WmiActivity,
}

impl Log {
    /// The log of a channel (`Security`, `Microsoft-Windows-Sysmon/Operational`, ...) or,
    /// when the channel says nothing, of a provider. Case does not matter: exports write
    /// `security` as well as `Security`.
    pub fn of(channel: Option<&str>, provider: Option<&str>) -> Option<Log> {
        let name = |s: &str| {
            let s = s.to_ascii_lowercase();
            if s.contains("sysmon") {
                Some(Log::Sysmon)
            } else if s == "security" || s == "microsoft-windows-security-auditing" {
                Some(Log::Security)
            } else if s == "system" {
                Some(Log::System)
            } else if s.contains("powershell") {
                Some(Log::PowerShell)
            } else if s.contains("taskscheduler") {
                Some(Log::TaskScheduler)
            } else if s.contains("wmi-activity") {
                Some(Log::WmiActivity)
            } else {
                None
            }
        };
        channel.and_then(name).or_else(|| provider.and_then(name))
    }
}

/// One well-known event id.
#[derive(Debug)]
pub struct Known {
    pub log: Log,
    pub id: u32,
    /// The `action` column.
    pub action: &'static str,
    /// Windows' own short description.
    pub description: &'static str,
    /// The fields the message shows, in order, when present.
    pub keys: &'static [&'static str],
}

const LOGON: &[&str] = &[
    "TargetUserName",
    "TargetDomainName",
    "LogonType",
    "IpAddress",
    "WorkstationName",
    "ProcessName",
];
const LOGON_FAILED: &[&str] = &[
    "TargetUserName",
    "TargetDomainName",
    "LogonType",
    "Status",
    "SubStatus",
    "IpAddress",
    "WorkstationName",
];
const KERBEROS: &[&str] = &[
    "TargetUserName",
    "ServiceName",
    "Status",
    "IpAddress",
    "PreAuthType",
];
const SUBJECT_TARGET: &[&str] = &["SubjectUserName", "TargetUserName", "TargetDomainName"];
const GROUP_MEMBER: &[&str] = &[
    "SubjectUserName",
    "MemberName",
    "MemberSid",
    "TargetUserName",
];
const OBJECT: &[&str] = &[
    "SubjectUserName",
    "ObjectType",
    "ObjectName",
    "ProcessName",
    "AccessList",
];
const SHARE: &[&str] = &[
    "SubjectUserName",
    "IpAddress",
    "ShareName",
    "RelativeTargetName",
    "AccessList",
];
const TASK: &[&str] = &["SubjectUserName", "TaskName"];
const WFP: &[&str] = &[
    "Application",
    "Direction",
    "SourceAddress",
    "SourcePort",
    "DestAddress",
    "DestPort",
    "Protocol",
];
const SERVICE: &[&str] = &[
    "ServiceName",
    "ImagePath",
    "ServiceType",
    "StartType",
    "AccountName",
];
const CLEARED: &[&str] = &["SubjectUserName", "SubjectDomainName", "Channel"];
const SUBJECT: &[&str] = &["SubjectUserName", "SubjectDomainName"];
const SYSMON_PROCESS: &[&str] = &["User", "Image", "CommandLine", "ParentImage"];
const SYSMON_NET: &[&str] = &[
    "Image",
    "Protocol",
    "SourceIp",
    "SourcePort",
    "DestinationIp",
    "DestinationPort",
    "DestinationHostname",
];
const SYSMON_ACCESS: &[&str] = &["SourceImage", "TargetImage", "GrantedAccess"];
const SYSMON_IMAGE: &[&str] = &["Image", "ImageLoaded", "Signed"];
const SYSMON_FILE: &[&str] = &["Image", "TargetFilename"];
const SYSMON_REG: &[&str] = &["EventType", "Image", "TargetObject", "Details"];
const SYSMON_PIPE: &[&str] = &["Image", "PipeName"];
const SYSMON_THREAD: &[&str] = &["SourceImage", "TargetImage", "StartAddress"];
const SYSMON_DNS: &[&str] = &["Image", "QueryName", "QueryResults"];
const SCRIPT: &[&str] = &["ScriptBlockText", "Path"];

macro_rules! known {
    ($($log:ident $id:literal $action:literal $desc:literal $keys:expr;)*) => {
        /// The well-known event ids.
        pub const KNOWN: &[Known] = &[
            $(Known { log: Log::$log, id: $id, action: $action, description: $desc, keys: $keys },)*
        ];
    };
}

known! {
    Security 1100 "eventlog_shutdown" "The event logging service has shut down" &[];
    Security 1102 "log_cleared" "The audit log was cleared" SUBJECT;
    Security 4624 "logon" "An account was successfully logged on" LOGON;
    Security 4625 "logon_failed" "An account failed to log on" LOGON_FAILED;
    Security 4627 "group_membership" "Group membership information"
        &["TargetUserName", "TargetDomainName", "LogonType"];
    Security 4634 "logoff" "An account was logged off" &["TargetUserName", "LogonType"];
    Security 4647 "logoff" "User initiated logoff" &["TargetUserName"];
    Security 4648 "explicit_credentials_logon" "A logon was attempted using explicit credentials"
        &["SubjectUserName", "TargetUserName", "TargetServerName", "IpAddress", "ProcessName"];
    Security 4656 "object_handle_requested" "A handle to an object was requested" OBJECT;
    Security 4657 "registry_value_modified" "A registry value was modified"
        &["SubjectUserName", "ObjectName", "ObjectValueName", "ProcessName"];
    Security 4658 "object_handle_closed" "The handle to an object was closed"
        &["SubjectUserName", "ProcessName"];
    Security 4661 "object_handle_requested" "A handle to an object was requested" OBJECT;
    Security 4663 "object_accessed" "An attempt was made to access an object" OBJECT;
    Security 4670 "permissions_changed" "Permissions on an object were changed" OBJECT;
    Security 4672 "special_privileges_assigned" "Special privileges assigned to new logon"
        &["SubjectUserName", "PrivilegeList"];
    Security 4673 "privileged_service_called" "A privileged service was called"
        &["SubjectUserName", "Service", "PrivilegeList", "ProcessName"];
    Security 4688 "process_created" "A new process has been created"
        &["SubjectUserName", "NewProcessName", "CommandLine", "ParentProcessName"];
    Security 4689 "process_exited" "A process has exited" &["SubjectUserName", "ProcessName"];
    Security 4690 "object_handle_duplicated" "An attempt was made to duplicate a handle to an object"
        &["SubjectUserName"];
    Security 4697 "service_installed" "A service was installed in the system" SERVICE;
    Security 4698 "scheduled_task_created" "A scheduled task was created" TASK;
    Security 4699 "scheduled_task_deleted" "A scheduled task was deleted" TASK;
    Security 4700 "scheduled_task_enabled" "A scheduled task was enabled" TASK;
    Security 4701 "scheduled_task_disabled" "A scheduled task was disabled" TASK;
    Security 4702 "scheduled_task_updated" "A scheduled task was updated" TASK;
    Security 4703 "token_right_adjusted" "A token right was adjusted"
        &["SubjectUserName", "TargetUserName", "EnabledPrivilegeList", "ProcessName"];
    Security 4719 "audit_policy_changed" "System audit policy was changed" &["SubjectUserName"];
    Security 4720 "user_created" "A user account was created" SUBJECT_TARGET;
    Security 4722 "user_enabled" "A user account was enabled" SUBJECT_TARGET;
    Security 4723 "password_change_attempted" "An attempt was made to change an account's password"
        SUBJECT_TARGET;
    Security 4724 "password_reset_attempted" "An attempt was made to reset an account's password"
        SUBJECT_TARGET;
    Security 4725 "user_disabled" "A user account was disabled" SUBJECT_TARGET;
    Security 4726 "user_deleted" "A user account was deleted" SUBJECT_TARGET;
    Security 4728 "group_member_added" "A member was added to a security-enabled global group"
        GROUP_MEMBER;
    Security 4732 "group_member_added" "A member was added to a security-enabled local group"
        GROUP_MEMBER;
    Security 4738 "user_changed" "A user account was changed" SUBJECT_TARGET;
    Security 4740 "user_locked_out" "A user account was locked out" SUBJECT_TARGET;
    Security 4756 "group_member_added" "A member was added to a security-enabled universal group"
        GROUP_MEMBER;
    Security 4768 "kerberos_tgt_requested" "A Kerberos authentication ticket (TGT) was requested"
        KERBEROS;
    Security 4769 "kerberos_service_ticket_requested" "A Kerberos service ticket was requested"
        KERBEROS;
    Security 4771 "kerberos_preauth_failed" "Kerberos pre-authentication failed" KERBEROS;
    Security 4776 "credential_validation" "The computer attempted to validate the credentials for an account"
        &["TargetUserName", "Workstation", "Status"];
    Security 4798 "group_membership_enumerated" "A user's local group membership was enumerated"
        &["SubjectUserName", "TargetUserName", "CallerProcessName"];
    Security 4799 "group_membership_enumerated" "A security-enabled local group membership was enumerated"
        &["SubjectUserName", "TargetUserName", "CallerProcessName"];
    Security 5140 "share_accessed" "A network share object was accessed" SHARE;
    Security 5145 "share_access_checked" "A network share object was checked to see whether client can be granted desired access"
        SHARE;
    Security 5156 "connection_allowed" "The Windows Filtering Platform has permitted a connection" WFP;
    Security 5157 "connection_blocked" "The Windows Filtering Platform has blocked a connection" WFP;
    Security 5158 "bind_allowed" "The Windows Filtering Platform has permitted a bind to a local port"
        &["Application", "SourceAddress", "SourcePort", "Protocol"];
    System 104 "log_cleared" "The event log was cleared" CLEARED;
    System 6005 "eventlog_started" "The Event log service was started" &[];
    System 6006 "eventlog_stopped" "The Event log service was stopped" &[];
    System 7036 "service_state_changed" "A service entered a new state" &["param1", "param2"];
    System 7040 "service_start_type_changed" "The start type of a service was changed"
        &["param1", "param2", "param3"];
    System 7045 "service_installed" "A service was installed in the system" SERVICE;
    Sysmon 1 "process_created" "Process Create" SYSMON_PROCESS;
    Sysmon 2 "file_time_changed" "A process changed a file creation time" SYSMON_FILE;
    Sysmon 3 "network_connection" "Network connection detected" SYSMON_NET;
    Sysmon 4 "sysmon_state_changed" "Sysmon service state changed" &["State"];
    Sysmon 5 "process_terminated" "Process terminated" &["Image"];
    Sysmon 6 "driver_loaded" "Driver loaded" &["ImageLoaded", "Signed", "Signature"];
    Sysmon 7 "image_loaded" "Image loaded" SYSMON_IMAGE;
    Sysmon 8 "remote_thread_created" "CreateRemoteThread detected" SYSMON_THREAD;
    Sysmon 9 "raw_disk_read" "RawAccessRead detected" &["Image", "Device"];
    Sysmon 10 "process_accessed" "Process accessed" SYSMON_ACCESS;
    Sysmon 11 "file_created" "File created" SYSMON_FILE;
    Sysmon 12 "registry_key_changed" "Registry object added or deleted" SYSMON_REG;
    Sysmon 13 "registry_value_set" "Registry value set" SYSMON_REG;
    Sysmon 14 "registry_renamed" "Registry object renamed" SYSMON_REG;
    Sysmon 15 "file_stream_created" "File stream created" SYSMON_FILE;
    Sysmon 16 "sysmon_config_changed" "Sysmon config state changed" &["Configuration"];
    Sysmon 17 "pipe_created" "Pipe Created" SYSMON_PIPE;
    Sysmon 18 "pipe_connected" "Pipe Connected" SYSMON_PIPE;
    Sysmon 19 "wmi_filter_registered" "WmiEventFilter activity detected" &["Operation", "Name", "Query"];
    Sysmon 20 "wmi_consumer_registered" "WmiEventConsumer activity detected"
        &["Operation", "Name", "Destination"];
    Sysmon 21 "wmi_binding_registered" "WmiEventConsumerToFilter activity detected"
        &["Operation", "Consumer", "Filter"];
    Sysmon 22 "dns_query" "Dns query" SYSMON_DNS;
    Sysmon 23 "file_deleted" "File Delete archived" SYSMON_FILE;
    Sysmon 24 "clipboard_changed" "Clipboard changed" &["Image"];
    Sysmon 25 "process_tampering" "Process Tampering" &["Image", "Type"];
    Sysmon 26 "file_deleted" "File Delete logged" SYSMON_FILE;
    PowerShell 400 "powershell_engine_started" "Engine state is changed from None to Available"
        &["HostApplication"];
    PowerShell 800 "powershell_pipeline_executed" "Pipeline execution details" &["HostApplication"];
    PowerShell 4103 "powershell_module_logged" "Executing Pipeline" &["ContextInfo", "Payload"];
    PowerShell 4104 "powershell_script_block" "Creating Scriptblock text" SCRIPT;
    TaskScheduler 106 "scheduled_task_registered" "Task registered" &["TaskName", "UserContext"];
    TaskScheduler 140 "scheduled_task_updated" "Task registration updated" &["TaskName", "UserName"];
    TaskScheduler 141 "scheduled_task_deleted" "Task registration deleted" &["TaskName", "UserName"];
    TaskScheduler 200 "scheduled_task_action_started" "Action started" &["TaskName", "ActionName"];
    TaskScheduler 201 "scheduled_task_action_completed" "Action completed" &["TaskName", "ActionName"];
    WmiActivity 5857 "wmi_provider_loaded" "WMI provider started" &["ProviderName", "HostProcess"];
    WmiActivity 5858 "wmi_error" "WMI operation error" &["Operation", "ResultCode", "ClientMachine"];
    WmiActivity 5860 "wmi_temporary_subscription" "WMI temporary event registered" &["Query"];
    WmiActivity 5861 "wmi_permanent_subscription" "WMI permanent event registered" &["ESS", "Consumer"];
}

/// The table entry for an event id written to `log`. With no log known, only Security's
/// four-digit ids are looked up: they are distinctive, where small ids are reused by
/// many providers.
pub fn known(log: Option<Log>, id: u32) -> Option<&'static Known> {
    let log = match log {
        Some(l) => l,
        None if (1100..=6500).contains(&id) => Log::Security,
        None => return None,
    };
    KNOWN.iter().find(|k| k.log == log && k.id == id)
}

/// Fields shown in the message of an event id the table does not know.
const GENERIC_KEYS: &[&str] = &[
    "TargetUserName",
    "SubjectUserName",
    "User",
    "Image",
    "CommandLine",
    "NewProcessName",
    "ProcessName",
    "IpAddress",
    "SourceIp",
    "DestinationIp",
    "ServiceName",
    "ObjectName",
    "TargetObject",
    "TargetFilename",
    "ShareName",
    "TaskName",
    "QueryName",
];
const MESSAGE_KEYS_MAX: usize = 6;
/// Longest value shown in a message (the whole value stays in `attrs`).
const MESSAGE_VALUE_MAX: usize = 200;

/// Logon events whose `TargetUserName` is the account that logged on; other events name
/// the acting account in `SubjectUserName`.
const TARGET_USER_IDS: [u32; 7] = [4624, 4625, 4648, 4768, 4769, 4771, 4776];

/// A Windows event brought to one shape, whatever file it came from.
#[derive(Debug, Default)]
pub struct WinRecord<'a> {
    pub event_id: Option<u32>,
    /// The event id as written (kept when it is no number).
    pub event_id_text: Option<String>,
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub computer: Option<String>,
    /// `Level`: 0 (LogAlways) to 5 (Verbose).
    pub level: Option<u8>,
    /// `System/Security/@UserID`.
    pub user_sid: Option<String>,
    /// The EventData/UserData fields, flat.
    pub fields: Option<&'a Map<String, Value>>,
    /// A description the record brings itself (the first line of a rendered message),
    /// used when the table does not know the id.
    pub rendered: Option<String>,
}

/// An IP address as written, when it is one (`-` and empty are not).
fn ip_field(fields: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        let v = text(fields, k)?;
        let bare = v.trim();
        // `::ffff:10.0.0.5` parses as IPv6 as it is; `[::1]` and `fe80::1%12` do not.
        let probe = bare.trim_start_matches('[').trim_end_matches(']');
        let probe = probe.split('%').next().unwrap_or(probe);
        probe.parse::<IpAddr>().is_ok().then(|| bare.to_string())
    })
}

/// One line: runs of white space and control characters as one space, cut at
/// `MESSAGE_VALUE_MAX` characters.
fn one_line(v: &str) -> String {
    let mut s = String::new();
    push_one_line(&mut s, v);
    s
}

/// Appends [`one_line`] of `v` to `out`.
fn push_one_line(out: &mut String, v: &str) {
    let mut n = 0;
    let words = v
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty());
    for (i, word) in words.enumerate() {
        if i > 0 {
            if n == MESSAGE_VALUE_MAX {
                out.push('…');
                return;
            }
            out.push(' ');
            n += 1;
        }
        if word.is_ascii() && n + word.len() <= MESSAGE_VALUE_MAX {
            out.push_str(word);
            n += word.len();
            continue;
        }
        for c in word.chars() {
            if n == MESSAGE_VALUE_MAX {
                out.push('…');
                return;
            }
            out.push(c);
            n += 1;
        }
    }
}

/// The severity of a `Level`.
pub fn severity_of_level(level: u8) -> Option<&'static str> {
    match level {
        0 | 4 => Some("info"),
        1 => Some("critical"),
        2 => Some("error"),
        3 => Some("warning"),
        5 => Some("verbose"),
        _ => None,
    }
}

impl WinRecord<'_> {
    /// Fills `host`, `user`, `src_ip`, `dst_ip`, `process`, `event_code`, `action`,
    /// `severity` and `message` of `event`.
    pub fn fill(&self, event: &mut Event) {
        let log = Log::of(self.channel.as_deref(), self.provider.as_deref());
        let known = self.event_id.and_then(|id| known(log, id));
        let empty = Map::new();
        let fields = self.fields.unwrap_or(&empty);

        event.host = self.computer.clone();
        event.event_code = self.event_id_text.clone();
        event.action = known.map(|k| k.action.to_string());
        event.severity = self.level.and_then(severity_of_level).map(str::to_string);

        let target_first = self
            .event_id
            .is_some_and(|id| TARGET_USER_IDS.contains(&id));
        let user_keys: &[&str] = if target_first {
            &["TargetUserName", "SubjectUserName", "User"]
        } else {
            &["SubjectUserName", "TargetUserName", "User"]
        };
        event.user = first_text(fields, user_keys).or_else(|| self.user_sid.clone());
        event.src_ip = ip_field(fields, &["IpAddress", "SourceAddress", "SourceIp"]);
        event.dst_ip = ip_field(fields, &["DestinationIp", "DestAddress"]);
        event.process = first_text(
            fields,
            &["Image", "NewProcessName", "ProcessName", "SourceImage"],
        );
        event.message = self.message(known);
    }

    fn message(&self, known: Option<&Known>) -> String {
        let mut m = String::new();
        if let Some(channel) = &self.channel {
            m.push('[');
            push_one_line(&mut m, channel);
            m.push_str("] ");
        }
        m.push_str(self.event_id_text.as_deref().unwrap_or("(no event id)"));
        let description = known
            .map(|k| k.description.to_string())
            .or_else(|| self.rendered.as_deref().map(one_line))
            .or_else(|| self.provider.as_deref().map(one_line));
        if let Some(d) = description {
            m.push(' ');
            m.push_str(d.trim_end_matches('.'));
        }
        let (keys, most) =
            known.map_or((GENERIC_KEYS, MESSAGE_KEYS_MAX), |k| (k.keys, k.keys.len()));
        let fields = self.fields.into_iter().flat_map(|f| {
            keys.iter()
                .filter_map(|key| Some((*key, text_ref(f, key)?)))
                .take(most)
        });
        for (i, (key, value)) in fields.enumerate() {
            m.push_str(if i == 0 { ": " } else { " " });
            m.push_str(key);
            m.push('=');
            push_one_line(&mut m, &value);
        }
        m
    }
}

/// A JSON value as a number, whether written as a number or as text.
pub fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON value as text, whether written as text or as a number.
pub fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(fields: &Map<String, Value>, id: u32, channel: &str) -> Event {
        let rec = WinRecord {
            event_id: Some(id),
            event_id_text: Some(id.to_string()),
            channel: Some(channel.into()),
            computer: Some("pc01".into()),
            level: Some(0),
            fields: Some(fields),
            ..Default::default()
        };
        let mut e = Event::default();
        rec.fill(&mut e);
        e
    }

    #[test]
    fn one_line_joins_words_and_cuts_at_the_limit_in_characters() {
        assert_eq!(one_line("  a \r\n\tb\u{0}\u{1b}c  "), "a b c");
        let a = "a".repeat(MESSAGE_VALUE_MAX);
        assert_eq!(one_line(&a), a);
        assert_eq!(one_line(&format!("{a}b")), format!("{a}…"));
        assert_eq!(one_line(&format!("{a} b")), format!("{a}…"));
        let short = "a".repeat(MESSAGE_VALUE_MAX - 1);
        assert_eq!(one_line(&format!("{short}  bc")), format!("{short} …"));
        let wide = "é".repeat(MESSAGE_VALUE_MAX + 1);
        assert_eq!(
            one_line(&wide),
            format!("{}…", "é".repeat(MESSAGE_VALUE_MAX))
        );
        assert_eq!(
            one_line(&format!("x {wide}")).chars().count(),
            MESSAGE_VALUE_MAX + 1
        );
    }

    #[test]
    fn a_logon_names_the_target_account_and_its_address() {
        let f = json!({"SubjectUserName": "PC01$", "TargetUserName": "bob",
            "LogonType": 3, "IpAddress": "10.0.0.5", "WorkstationName": "-"});
        let e = record(f.as_object().unwrap(), 4624, "Security");
        assert_eq!(e.user.as_deref(), Some("bob"));
        assert_eq!(e.src_ip.as_deref(), Some("10.0.0.5"));
        assert_eq!(e.action.as_deref(), Some("logon"));
        assert_eq!(e.severity.as_deref(), Some("info"));
        assert_eq!(
            e.message,
            "[Security] 4624 An account was successfully logged on: \
             TargetUserName=bob LogonType=3 IpAddress=10.0.0.5"
        );
    }

    #[test]
    fn other_events_name_the_acting_account_and_skip_dashes() {
        let f = json!({"SubjectUserName": "admin", "TargetUserName": "newbie",
            "IpAddress": "-", "SourceAddress": "::1"});
        let e = record(f.as_object().unwrap(), 4720, "Security");
        assert_eq!(e.user.as_deref(), Some("admin"));
        assert_eq!(e.src_ip.as_deref(), Some("::1"));
    }

    #[test]
    fn small_ids_mean_something_only_in_their_log() {
        let f = json!({"Image": "C:\\x.exe", "CommandLine": "x /y\r\nz"});
        let sysmon = record(
            f.as_object().unwrap(),
            1,
            "Microsoft-Windows-Sysmon/Operational",
        );
        assert_eq!(sysmon.action.as_deref(), Some("process_created"));
        assert_eq!(sysmon.process.as_deref(), Some("C:\\x.exe"));
        assert!(sysmon
            .message
            .ends_with("Image=C:\\x.exe CommandLine=x /y z"));
        let other = record(f.as_object().unwrap(), 1, "Application");
        assert_eq!(other.action, None);
        assert_eq!(
            other.message,
            "[Application] 1: Image=C:\\x.exe CommandLine=x /y z"
        );
    }

    #[test]
    fn long_values_are_cut_in_the_message_only() {
        let long = "A".repeat(500);
        let f = json!({ "ScriptBlockText": long });
        let e = record(
            f.as_object().unwrap(),
            4104,
            "Microsoft-Windows-PowerShell/Operational",
        );
        assert!(e.message.ends_with(&format!("={}…", "A".repeat(200))));
    }

    #[test]
    fn every_known_id_is_listed_once_per_log() {
        for (i, a) in KNOWN.iter().enumerate() {
            assert!(
                !KNOWN[i + 1..]
                    .iter()
                    .any(|b| b.log == a.log && b.id == a.id),
                "{:?} {} twice",
                a.log,
                a.id
            );
        }
    }
}
