"""Notifications: Slack-compatible webhooks and SMTP email, with retries and a sent-log."""

from finops.notify.delivery import Delivery, NotifySettings, deliver_email, deliver_webhook

__all__ = ["Delivery", "NotifySettings", "deliver_email", "deliver_webhook"]
