//! The follow-up bug list, exported for the trackers that will own the work.
//!
//! - [`jira_csv`]: Jira's CSV importer. Columns Summary, Issue Type, Priority, Assignee,
//!   Due date, Labels, Description. Jira takes several values of a multi-value field as
//!   several columns with the same header, so there are as many `Labels` columns as the
//!   item with most labels has; Jira labels cannot hold spaces, so spaces become `_`.
//!   Dates are `yyyy-MM-dd`: choose that date format in the import wizard. Every cell is
//!   passed through [`csv_cell`], so a value starting with `=`, `+`, `-`, `@`, tab or CR
//!   gets a leading `'` and a spreadsheet opening the file runs nothing.
//! - [`github_bodies`] / [`github_json`]: one JSON body per item for
//!   `POST /repos/{owner}/{repo}/issues` (title, body, labels, assignees). Only an owner
//!   that is a valid GitHub login becomes an assignee; any other owner is named in the body.
//! - [`gh_script`]: a POSIX shell script of `gh issue create` calls. Every argument is one
//!   single-quoted word in `--flag='value'` form (a `'` inside is written `'\''`), so
//!   nothing in a title or body is expanded, substituted or read as another flag.
//! - [`markdown_checklist`]: a GitHub-flavoured task list, escaped like every Markdown
//!   Tideline writes.
//!
//! Output depends only on the items and their order: the same list, the same bytes.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::doc::{visible_controls, Block, CheckItem, Document, Section};
use crate::timeline::export::csv_cell;

/// One follow-up item as a tracker needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The tracker's issue type: "Task", "Bug", "Story" ...
    pub kind: String,
    #[serde(default)]
    pub owner: Option<String>,
    /// "Highest", "High", "Medium", "Low" ...
    #[serde(default)]
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: Option<String>,
    /// "open", "in progress", "done" ...
    #[serde(default)]
    pub status: String,
    /// Where the item already lives, if it was filed: "SEC-142", and its address.
    #[serde(default)]
    pub tracker_key: Option<String>,
    #[serde(default)]
    pub tracker_url: Option<String>,
    /// The lesson the item answers.
    #[serde(default)]
    pub lesson: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
}

impl FollowUp {
    /// Whether the status says the work is finished.
    pub fn is_done(&self) -> bool {
        matches!(
            self.status.trim().to_ascii_lowercase().as_str(),
            "done" | "closed" | "resolved" | "fixed" | "complete" | "completed"
        )
    }

    /// The description with the context a tracker would otherwise lose: the lesson it
    /// answers, its owner and status in Tideline, where it is already tracked.
    fn full_description(&self, owner_in_body: bool) -> String {
        let mut d = self.description.trim().to_string();
        let mut ctx = Vec::new();
        if let Some(l) = self.lesson.as_deref().filter(|l| !l.trim().is_empty()) {
            ctx.push(format!("Lesson: {}", l.trim()));
        }
        if owner_in_body {
            if let Some(o) = self.owner.as_deref().filter(|o| !o.trim().is_empty()) {
                ctx.push(format!("Owner: {}", o.trim()));
            }
        }
        if !self.status.trim().is_empty() {
            ctx.push(format!(
                "Status in the incident record: {}",
                self.status.trim()
            ));
        }
        match (&self.tracker_key, &self.tracker_url) {
            (Some(k), Some(u)) => ctx.push(format!("Tracked as {k} ({u})")),
            (Some(k), None) => ctx.push(format!("Tracked as {k}")),
            (None, Some(u)) => ctx.push(format!("Tracked at {u}")),
            (None, None) => {}
        }
        if !ctx.is_empty() {
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&ctx.join("\n"));
        }
        d
    }
}

/// A Jira label: no spaces allowed, so runs of whitespace become `_`.
fn jira_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The follow-up list as a CSV file for Jira's importer (see the module docs).
pub fn jira_csv(items: &[FollowUp]) -> String {
    let label_columns = items
        .iter()
        .map(|i| i.labels.iter().filter(|l| !l.trim().is_empty()).count())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut header = vec!["Summary", "Issue Type", "Priority", "Assignee", "Due date"];
    header.extend(std::iter::repeat_n("Labels", label_columns));
    header.push("Description");
    let mut out = header.join(",");
    out.push_str("\r\n");
    for i in items {
        let mut cells = vec![
            one_line(&i.title),
            one_line(&i.kind),
            one_line(i.priority.as_deref().unwrap_or("")),
            one_line(i.owner.as_deref().unwrap_or("")),
            one_line(i.due.as_deref().unwrap_or("")),
        ];
        let labels: Vec<String> = i
            .labels
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| jira_label(l))
            .collect();
        for n in 0..label_columns {
            cells.push(labels.get(n).cloned().unwrap_or_default());
        }
        cells.push(visible_controls(&i.full_description(false)));
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn one_line(text: &str) -> String {
    visible_controls(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `name` can be a GitHub login: 1 to 39 ASCII letters, digits and single
/// hyphens, not starting or ending with a hyphen.
pub fn is_github_login(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 39
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// One body per item for `POST /repos/{owner}/{repo}/issues`.
pub fn github_bodies(items: &[FollowUp]) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|i| {
            let login = i
                .owner
                .as_deref()
                .map(str::trim)
                .filter(|o| is_github_login(o));
            let mut labels: Vec<String> = vec![one_line(&i.kind)];
            if let Some(p) = i.priority.as_deref().filter(|p| !p.trim().is_empty()) {
                labels.push(format!("priority: {}", one_line(p)));
            }
            labels.extend(i.labels.iter().map(|l| one_line(l)));
            labels.retain(|l| !l.is_empty());
            let mut body = visible_controls(&i.full_description(login.is_none()));
            if let Some(d) = i.due.as_deref().filter(|d| !d.trim().is_empty()) {
                body.push_str(&format!("\nDue: {}", one_line(d)));
            }
            json!({
                "title": one_line(&i.title),
                "body": body,
                "labels": labels,
                "assignees": login.map(|l| vec![l.to_string()]).unwrap_or_default(),
            })
        })
        .collect()
}

/// [`github_bodies`] as one pretty JSON array with a trailing newline.
pub fn github_json(items: &[FollowUp]) -> crate::Result<String> {
    let mut s = serde_json::to_string_pretty(&github_bodies(items))?;
    s.push('\n');
    Ok(s)
}

/// Quotes a value as one single-quoted shell word.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// A shell script that files every item with `gh issue create` (see the module docs).
/// Run it in a clone of the target repository, or with `GH_REPO=owner/repo` set.
pub fn gh_script(items: &[FollowUp]) -> String {
    let mut s = String::from(
        "#!/bin/sh\n\
         # Files the incident's follow-up items as GitHub issues with the GitHub CLI.\n\
         # Run it inside a clone of the target repository, or set GH_REPO=owner/repo.\n\
         # Every argument is single-quoted: nothing in a title or body is run.\n\
         set -eu\n",
    );
    for (n, body) in github_bodies(items).iter().enumerate() {
        let _ = write!(s, "\n# {} of {}\ngh issue create", n + 1, items.len());
        let arg = |flag: &str, v: &serde_json::Value| {
            format!(" \\\n  --{flag}={}", shell_quote(v.as_str().unwrap_or("")))
        };
        s.push_str(&arg("title", &body["title"]));
        s.push_str(&arg("body", &body["body"]));
        for l in body["labels"].as_array().into_iter().flatten() {
            s.push_str(&arg("label", l));
        }
        for a in body["assignees"].as_array().into_iter().flatten() {
            s.push_str(&arg("assignee", a));
        }
        s.push('\n');
    }
    s
}

/// One check-list line's text: title, then priority, owner, due date and tracker key.
fn checklist_text(i: &FollowUp) -> String {
    let mut facts = Vec::new();
    for (name, v) in [
        ("priority", &i.priority),
        ("owner", &i.owner),
        ("due", &i.due),
        ("tracked as", &i.tracker_key),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            facts.push(format!("{name} {}", v.trim()));
        }
    }
    if facts.is_empty() {
        i.title.clone()
    } else {
        format!("{} ({})", i.title, facts.join(", "))
    }
}

/// The follow-up list as [`Block::Checklist`], for reports.
pub fn checklist_block(items: &[FollowUp]) -> Block {
    Block::Checklist {
        items: items
            .iter()
            .map(|i| CheckItem {
                text: checklist_text(i),
                done: i.is_done(),
            })
            .collect(),
    }
}

/// The follow-up list as a Markdown task list under a heading.
pub fn markdown_checklist(title: &str, items: &[FollowUp]) -> String {
    let doc = Document {
        title: title.to_string(),
        sections: vec![Section {
            id: "follow-ups".into(),
            heading: format!("Follow-up items ({})", items.len()),
            blocks: vec![checklist_block(items)],
        }],
        ..Default::default()
    };
    super::markdown::render(&doc).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_recognised() {
        assert!(is_github_login("octo-cat"));
        assert!(!is_github_login("-octo"));
        assert!(!is_github_login("Alice Smith"));
        assert!(!is_github_login("=cmd|' /C calc'!A0"));
    }

    #[test]
    fn shell_quoting_leaves_nothing_to_expand() {
        assert_eq!(shell_quote("'$(rm -rf ~)"), "''\\''$(rm -rf ~)'");
    }

    #[test]
    fn jira_labels_have_no_spaces() {
        assert_eq!(jira_label(" access  review "), "access_review");
    }
}
