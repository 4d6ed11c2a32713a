"""Local-only code: the local DynamoDB server, `make run` (devserver), demo data and its command.

Outside the `reservations` package on purpose: it never ships in the Lambda zip
(zappa_settings.json excludes it), and settings install it as an app only when it is present and
the site is not in production.
"""
