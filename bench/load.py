"""A small load generator on asyncio and aiohttp, for loopback servers only.

- `closed_loop`: `concurrency` clients each send the next request as soon as the last one is answered,
  for `seconds` (and at most `max_requests` in all): the maximum throughput, counted in successful
  answers per second. Its requests may take up to `SLOW_TIMEOUT`: a slow page is slow, not failing, and a
  client that gave up would leave its request queued on the server.
- `open_loop`: requests start at fixed intervals (`rate` a second for `seconds`) whether or not earlier
  ones have been answered, and each latency is counted from the time its request was due, so a slow
  server cannot hide its queue (no coordinated omission). At most `max_in_flight` requests are open at
  once; the rest are counted as dropped.

Every loop is bounded in count and in time; every request has a timeout.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

REQUEST_TIMEOUT = 10.0  # open loop: a request not answered by then counts as an error
SLOW_TIMEOUT = 120.0  # closed loop and single requests


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"The load generator only targets loopback addresses, not {host!r}.")


@dataclass
class RunResult:
    requests: int = 0
    errors: int = 0
    dropped: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Successful answers a second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def _session(limit: int, timeout: float = REQUEST_TIMEOUT) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        cookie_jar=aiohttp.DummyCookieJar(),  # cookies are sent explicitly in the headers
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def _get(session: aiohttp.ClientSession, url: str, headers: dict[str, str], result: RunResult) -> None:
    try:
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            await response.read()
            result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            if response.status != 200:
                result.errors += 1
    except (aiohttp.ClientError, TimeoutError):
        result.errors += 1
        result.statuses[0] = result.statuses.get(0, 0) + 1


async def closed_loop(
    url: str, headers: dict[str, str], *, concurrency: int, seconds: float, max_requests: int = 200_000
) -> RunResult:
    _check_loopback(url)
    result = RunResult()
    deadline = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline and result.requests < max_requests:
            started = time.perf_counter()
            await _get(session, url, headers, result)
            result.latencies.append(time.perf_counter() - started)
            result.requests += 1

    async with _session(concurrency, SLOW_TIMEOUT) as session:
        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(client(session) for _ in range(concurrency))),
            timeout=seconds + SLOW_TIMEOUT + 5,
        )
        result.seconds = time.perf_counter() - started
    return result


async def open_loop(
    url: str, headers: dict[str, str], *, rate: float, seconds: float, max_in_flight: int = 64
) -> RunResult:
    _check_loopback(url)
    result = RunResult()
    total = int(rate * seconds)
    interval = 1.0 / rate
    in_flight = 0

    async def one(session: aiohttp.ClientSession, due: float) -> None:
        nonlocal in_flight
        try:
            await _get(session, url, headers, result)
        finally:
            in_flight -= 1
            result.latencies.append(time.perf_counter() - due)
            result.requests += 1

    async with _session(max_in_flight) as session:
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter() + 0.05
        for i in range(total):
            due = start + i * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if in_flight >= max_in_flight:
                result.dropped += 1
                continue
            in_flight += 1
            tasks.append(asyncio.create_task(one(session, due)))
        if tasks:
            await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 5)
        for task in tasks:
            task.cancel()
        result.seconds = time.perf_counter() - start
    return result
