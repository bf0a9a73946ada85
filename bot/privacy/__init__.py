"""Residents' data rights: the privacy notice, their data on request, erasure, retention and the
audit of staff actions. Domain code: no Telegram imports."""
