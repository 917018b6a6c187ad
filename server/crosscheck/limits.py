"""What one client may cost the server: connections, time, pages, and when work gives up.

* A connection must send its request head within `HEAD_TIMEOUT` seconds of opening (or of
  its previous answer) and its body within `BODY_TIMEOUT`: idle or trickling sockets are
  closed, so they cannot hold the server's connection slots (`HeadTimeoutH11`).
* A page with more than `MAX_TAGS` tags is refused before it is parsed (counted as its
  '<' characters: C speed, so even a 5 MB page does not hold up the event loop).
* Analyses and additions run in two lanes of threads: ordinary pages in one, large pages
  (`lane`) in another of their own, so a few huge pages never hold up ordinary ones. Reads
  and health use Starlette's own thread pool, so neither lane can queue them.
* Past its deadline an addition is given up only if it has not begun to commit, and then it
  never will (`Deadline`): a 503 always means "not stored".
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

T = TypeVar("T")

HEAD_TIMEOUT = 10.0  # seconds for a connection to send its request line and headers
BODY_TIMEOUT = 10.0  # seconds for the body, once the head has arrived
CONNECTIONS = 256  # open at once; past it uvicorn answers 503 (idle ones go after HEAD_TIMEOUT)
MAX_TAGS = 60_000  # a page's tags, opening and closing ('<'): real news pages have < 25,000
LARGE_TAGS = 10_000  # pages above this, or above LARGE_BYTES, go to the large lane
LARGE_BYTES = 1024 * 1024
LANES = {"ordinary": 2, "large": 1}  # analyses or additions running at once in each lane


class Late(Exception):
    """The work was given up at its deadline, before it changed anything."""


class Deadline:
    """When work is due, and the one moment an addition may still commit.

    The request gives up (`abandon`) and the writer commits (`commit`) under one lock, so
    exactly one of them wins: a 503 never goes out for an article that is then stored.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.due = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._state = "working"
        self.started = False  # the work has its lane and has begun

    def commit(self) -> bool:
        """May the writer commit now? Asked with the store's write lock held."""
        with self._lock:
            if self._state == "working" and time.monotonic() < self.due:
                self._state = "committing"
                return True
            self._state = "given up"
            return False

    def abandon(self) -> bool:
        """Give up, unless a commit has begun (then it is waited for)."""
        with self._lock:
            if self._state == "committing":
                return False
            self._state = "given up"
            return True

    @property
    def given_up(self) -> bool:
        return self._state == "given up" or time.monotonic() >= self.due


def in_time(work: Callable[[Deadline], T], deadline: Deadline) -> T:
    """Run `work` unless its request gave up while it waited for its lane."""
    deadline.started = True
    if deadline.given_up:
        raise Late
    return work(deadline)


def settle(task: asyncio.Future[Any]) -> None:
    """Collect the outcome of work whose request stopped waiting (no 'never retrieved')."""
    if not task.cancelled():
        task.exception()


def tags(html: str) -> int:
    return html.count("<")


def lane(size: int, count: int) -> str:
    """The lane of a page of `size` characters and `count` tags."""
    return "large" if size > LARGE_BYTES or count > LARGE_TAGS else "ordinary"


def lanes() -> dict[str, anyio.CapacityLimiter]:
    return {name: anyio.CapacityLimiter(size) for name, size in LANES.items()}


class HeadTimeoutH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection that has not sent a whole request
    head within HEAD_TIMEOUT of opening or of its previous answer (uvicorn itself waits
    forever for the first request, and any byte restarts its keep-alive wait)."""

    head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
        super().connection_lost(exc)

    def arm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
        self.head_timer = self.loop.call_later(HEAD_TIMEOUT, self.head_overdue)

    def head_overdue(self) -> None:
        """Close the connection if its request head is still incomplete."""
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server_options() -> dict[str, Any]:
    """uvicorn settings that go with these limits."""
    return {"http": HeadTimeoutH11, "limit_concurrency": CONNECTIONS, "timeout_keep_alive": 5}
