"""The monitoring API: schedules, cycles, update requests, meetings, decisions, snapshots and deliveries at
/api/v1/.

The shape is the reviews API's (safeguard/reviews/api/): reads are scoped by `permissions.visible_*` and a
record the caller may not see answers the same 404 as a missing one; every write is one operation that
calls one service in `safeguard.monitoring.services`, and a state move is its own POST operation
(`/monitoring-cycles/{id}/close/`), never a writable `status`. Records named in a request body are looked
up among those the caller can see, so an id the caller may not see gets the same field error as one that
does not exist.

`common.py` holds what the viewsets share (the 409 answer, scopes for request bodies, report download
links), `serializers.py` the request and response bodies, `cycles.py`, `meetings.py` and `reports.py` the
viewsets; the routes are in `safeguard/monitoring/api_urls.py`.
"""
