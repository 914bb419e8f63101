//! The closed vocabularies of the incident record: category, severity, phase, status,
//! impact ratings, milestone kinds, roles, action kinds and statuses, follow-up types,
//! statuses and priorities, and the lessons-learned topics.
//!
//! Each is a Rust enum with one stable snake_case text form, used in the case file, in
//! `--json` output and on the command line. Reading text that is not one of them fails
//! with an error that lists every allowed value.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in the order they are listed and shown.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the vocabulary is called in messages.
            pub const WHAT: &'static str = $what;

            /// The stable text form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The allowed text forms, comma-separated (for help and error messages).
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(Error::Invalid(format!(
                        "unknown {} '{}'; allowed: {}",
                        $what,
                        other,
                        Self::allowed()
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse().map_err(|e: Error| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

vocabulary! {
    /// What kind of incident it is.
    Category, "category" {
        Uncategorized => "uncategorized",
        Malware => "malware",
        Ransomware => "ransomware",
        Phishing => "phishing",
        UnauthorizedAccess => "unauthorized_access",
        AccountCompromise => "account_compromise",
        DataBreach => "data_breach",
        DenialOfService => "denial_of_service",
        WebApplicationAttack => "web_application_attack",
        InsiderThreat => "insider_threat",
        SupplyChain => "supply_chain",
        Misconfiguration => "misconfiguration",
        LostOrStolenDevice => "lost_or_stolen_device",
        Other => "other",
    }
}

vocabulary! {
    /// How bad it is (`unrated` until someone rates it).
    Severity, "severity" {
        Unrated => "unrated",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

vocabulary! {
    /// The NIST SP 800-61 phase the response is in.
    Phase, "phase" {
        Preparation => "preparation",
        DetectionAnalysis => "detection_analysis",
        ContainmentEradicationRecovery => "containment_eradication_recovery",
        PostIncident => "post_incident",
    }
}

vocabulary! {
    /// Where the case stands. `sealed` is set by sealing the case, never by hand.
    Status, "status" {
        Open => "open",
        Monitoring => "monitoring",
        Resolved => "resolved",
        Closed => "closed",
        Sealed => "sealed",
    }
}

vocabulary! {
    /// NIST functional impact: how much the incident hurts the business functions.
    FunctionalImpact, "functional impact" {
        None => "none",
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

vocabulary! {
    /// NIST information impact: what happened to the information.
    InformationImpact, "information impact" {
        None => "none",
        Privacy => "privacy",
        Proprietary => "proprietary",
        Integrity => "integrity",
    }
}

vocabulary! {
    /// NIST recoverability: what it takes to recover.
    Recoverability, "recoverability" {
        Regular => "regular",
        Supplemented => "supplemented",
        Extended => "extended",
        NotRecoverable => "not_recoverable",
    }
}

vocabulary! {
    /// The moments of an incident, in their usual order.
    MilestoneKind, "milestone" {
        /// The first harm or compromise (the attacker's first action that counts).
        ImpactStarted => "impact_started",
        /// Something (a person or a system) noticed it.
        Detected => "detected",
        /// The organisation became aware of it: the legal clock of GDPR, NIS2, DORA, HIPAA.
        Awareness => "awareness",
        /// It was declared an incident and the response started.
        Declared => "declared",
        /// It was classified as major (DORA's clock).
        ClassifiedMajor => "classified_major",
        /// It was determined material (SEC 8-K Item 1.05's clock).
        MaterialityDetermined => "materiality_determined",
        Contained => "contained",
        Eradicated => "eradicated",
        /// The last known good state was restored.
        Recovered => "recovered",
        Closed => "closed",
    }
}

vocabulary! {
    /// A person's role in the response.
    Role, "role" {
        IncidentResponseLead => "incident_response_lead",
        SecurityIncidentOwner => "security_incident_owner",
        ExecutiveIncidentManager => "executive_incident_manager",
        Communications => "communications",
        Legal => "legal",
        Investigator => "investigator",
        Other => "other",
    }
}

vocabulary! {
    /// Whether an affected party is a tenant or a customer.
    PartyKind, "affected party kind" {
        Tenant => "tenant",
        Customer => "customer",
    }
}

vocabulary! {
    /// What an action is meant to be.
    ActionKind, "action kind" {
        EmergencyWorkaround => "emergency_workaround",
        TemporaryWorkaround => "temporary_workaround",
        PermanentFix => "permanent_fix",
    }
}

vocabulary! {
    /// Which part of containment, eradication and recovery an action belongs to.
    ActionStage, "action stage" {
        Containment => "containment",
        Eradication => "eradication",
        Recovery => "recovery",
    }
}

vocabulary! {
    /// Where an action stands.
    ActionStatus, "action status" {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

vocabulary! {
    /// What a follow-up item asks for.
    FollowUpType, "follow-up type" {
        Investigate => "investigate",
        Mitigate => "mitigate",
        Repair => "repair",
        Detect => "detect",
        Prevent => "prevent",
        Process => "process",
    }
}

vocabulary! {
    /// Where a follow-up item stands.
    FollowUpStatus, "follow-up status" {
        Open => "open",
        InProgress => "in_progress",
        Done => "done",
        WontDo => "wont_do",
    }
}

vocabulary! {
    /// How urgent a follow-up item is: p0 (drop everything) to p3 (when there is time).
    Priority, "priority" {
        P0 => "p0",
        P1 => "p1",
        P2 => "p2",
        P3 => "p3",
    }
}

vocabulary! {
    /// The lessons-learned topics: the NIST SP 800-61 questions, then the retrospective's
    /// own headings.
    LessonTopic, "lesson topic" {
        /// Exactly what happened, and at what times?
        WhatHappened => "what_happened",
        /// How well did staff and management perform?
        StaffPerformance => "staff_performance",
        /// What information was needed sooner?
        InformationNeededSooner => "information_needed_sooner",
        /// Were any steps or actions taken that might have hindered recovery?
        HinderedRecovery => "hindered_recovery",
        /// What would staff and management do differently next time?
        DoDifferently => "do_differently",
        /// How could information sharing with other organisations be improved?
        InformationSharing => "information_sharing",
        /// What corrective actions can prevent similar incidents?
        CorrectiveActions => "corrective_actions",
        /// What precursors or indicators should be watched for?
        PrecursorsToWatch => "precursors_to_watch",
        /// What additional tools or resources are needed?
        MissingTools => "missing_tools",
        WentWell => "went_well",
        WentWrong => "went_wrong",
        GotLucky => "got_lucky",
        ContributingFactors => "contributing_factors",
    }
}

impl LessonTopic {
    /// The question or heading as shown to people.
    pub fn question(self) -> &'static str {
        match self {
            LessonTopic::WhatHappened => "Exactly what happened, and at what times?",
            LessonTopic::StaffPerformance => "How well did staff and management perform?",
            LessonTopic::InformationNeededSooner => "What information was needed sooner?",
            LessonTopic::HinderedRecovery => "Were any steps or actions taken that might have hindered recovery?",
            LessonTopic::DoDifferently => "What would staff and management do differently next time?",
            LessonTopic::InformationSharing => "How could information sharing with other organisations be improved?",
            LessonTopic::CorrectiveActions => "What corrective actions can prevent similar incidents in the future?",
            LessonTopic::PrecursorsToWatch => "What precursors or indicators should be watched for in the future?",
            LessonTopic::MissingTools => "What additional tools or resources are needed to detect, analyse and mitigate future incidents?",
            LessonTopic::WentWell => "What went well?",
            LessonTopic::WentWrong => "What went wrong?",
            LessonTopic::GotLucky => "Where did we get lucky?",
            LessonTopic::ContributingFactors => "Contributing factors",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip_and_unknown_values_list_the_allowed_ones() {
        for k in MilestoneKind::ALL {
            assert_eq!(k.as_str().parse::<MilestoneKind>().unwrap(), *k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        let e = "fixed".parse::<FollowUpStatus>().unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid argument: unknown follow-up status 'fixed'; allowed: open, in_progress, done, wont_do"
        );
        assert_eq!(
            "p4".parse::<Priority>().unwrap_err().to_string(),
            "invalid argument: unknown priority 'p4'; allowed: p0, p1, p2, p3"
        );
        assert_eq!(
            serde_json::from_str::<Recoverability>("\"not_recoverable\"").unwrap(),
            Recoverability::NotRecoverable
        );
    }
}
