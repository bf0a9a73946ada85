"""The ASB Case Review (formerly the Community Trigger): when a contactable resident's own
reports reach the partnership's threshold ([case_review] in config), they are told of their
right to ask for a case review, and the admins are told the references. Domain code: no
Telegram. Anonymous reports are never counted, looked up or stored."""
