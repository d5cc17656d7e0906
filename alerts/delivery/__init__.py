"""Senders of alert deliveries: in-app, email over SMTP and signed webhooks."""
