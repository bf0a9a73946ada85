"""The shared fixtures live in tests/support/fixtures.py; this registers them for every package."""

pytest_plugins = ["tests.support.fixtures"]
