"""The monitoring pages people work in: the monitoring home, schedules, cycles, update requests and
meetings (the reports live in report_urls.py and their own views).

Thin views: fetch through the scoped querysets of permissions.py (the same 404 for "missing" and "not
yours"), refuse with 403 and the service's message a user who may see the record but not act on it,
call one service, redirect with a success banner. A service's ValidationError goes back on the form with
an error summary; nothing is written. Every page that shows a monitoring record about actions (and so
about the reviews of children behind them) records the view in the access log.
"""
