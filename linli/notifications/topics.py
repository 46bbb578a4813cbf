"""Notification topics a person can set channel preferences for. "*" stands for every topic."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ALL_TOPICS = "*"
NOTICES = "notices"
VOTES = "votes"

# Shown on the preferences page in this order. A capability that notifies on a new topic adds
# it here so that people can choose channels for it; unlisted topics follow the "*" row.
TOPIC_LABELS = {
    ALL_TOPICS: _("Everything (default for every topic)"),
    NOTICES: _("New public notices"),
    VOTES: _("Owners' votes: announcements, reminders and results"),
}
