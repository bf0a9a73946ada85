"""Channels to agencies besides their Telegram group chat: e-mail over SMTP and a signed
webhook carrying an Open311 GeoReport v2 shaped request.

``items`` builds the outbox items (domain code, no Telegram); ``mail_sender``,
``webhook_sender`` and ``composite`` deliver them for the dispatcher.
"""
