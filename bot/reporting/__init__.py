"""Resident reporting: the draft, the category questions, dates, references and summaries.

Domain code only: nothing here imports Telegram.
"""
