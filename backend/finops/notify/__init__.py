"""Notifications: Slack-compatible webhooks and SMTP email, with retries and a sent-log."""

from finops.notify.delivery import Delivery, Message, NotifySettings, deliver, deliver_webhook

__all__ = ["Delivery", "Message", "NotifySettings", "deliver", "deliver_webhook"]
