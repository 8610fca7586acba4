"""The reviews API: reviews, findings, action plans and actions at /api/v1/.

Reads are scoped by `permissions.visible_*` (lists, counts and filters alike) and a record the caller may
not see answers the same 404 as a missing one. Every write is one operation that calls one service in
`safeguard.reviews.services`; state moves are explicit operations (`POST /actions/{id}/close/`), never a
writable `status` field. `fields.py` holds the field types and schema extensions, `serializers.py` the
request and response bodies, `reviews.py` and `actions.py` the viewsets; the routes are in
`safeguard/reviews/api_urls.py`.
"""
