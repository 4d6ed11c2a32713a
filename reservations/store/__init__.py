"""PynamoDB models and table management. See models.py for the access-pattern table."""
