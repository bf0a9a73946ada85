"""Tests of the Telegram adapters in bot/telegram."""
