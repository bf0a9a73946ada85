"""The numbered migrations: SQL scripts, and Python steps for what SQL cannot express."""
