"""The throughput baseline: a minimal plain-Django project over Safeguard's own tables.

It imports no Safeguard code. It reads the same database (DATABASE_URL) with unmanaged models, plain
generic views and trivial templates, and is served by the same gunicorn settings, so the ratio of
Safeguard's throughput to its throughput is what Safeguard's own work costs on top of Django: sign-in and
sessions, security middleware, permission checks, the GOV.UK layout and the access log.
"""
