"""Channels that deliver Messages: e-mail and webhooks (generic JSON, Slack/Mattermost, Teams)."""
