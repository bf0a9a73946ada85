"""What the test packages share: running the real bot against the emulator (harness, fixtures),
residents who talk to it (residents), the report conversation's steps (flows), what the bot
stored, read through the repositories (stored), a hand-moved clock (clocks), the dispatcher's
settlements (settlements), and local SMTP and webhook receivers (receivers)."""
