#!/bin/sh
# Files the incident's follow-up items as GitHub issues with the GitHub CLI.
# Run it inside a clone of the target repository, or set GH_REPO=owner/repo.
# Every argument is single-quoted: nothing in a title or body is run.
set -eu

# 1 of 3
gh issue create \
  --title='Disable password logins on bastion-01' \
  --body='sshd accepted a password for deploy after 468 failures.
Set PasswordAuthentication no.

Lesson: What went wrong: a service account had a password
Status in the incident record: open
Due: 2026-03-21' \
  --label='Task' \
  --label='priority: High' \
  --label='ssh hardening' \
  --label='bastion' \
  --assignee='octo-ops'

# 2 of 3
gh issue create \
  --title='Rotate keys '\''$(rm -rf ~) `id` "$HOME"' \
  --body='-2+3 looks like a formula; so does @SUM(A1)

Owner: =cmd|'\'' /C calc'\''!A0
Status in the incident record: done
Tracked as SEC-142 (https://tracker.example/SEC-142)
Due: 2026-03-16' \
  --label='Bug' \
  --label='priority: Highest' \
  --label='aws' \
  --label='=HYPERLINK("x")' \
  --label='keys'

# 3 of 3
gh issue create \
  --title='Alert on S3 GetObject bursts | from unknown IPs' \
  --body='Lesson: Lucky: the bucket was versioned
Status in the incident record: in progress' \
  --label='Story'
