"""The load bench's protocol-level person: Streamlit's own websocket protocol, no browser.

Twenty headless chromiums on a 2-core machine starve the server they measure. A `WsPerson` costs
the machine what a real user costs the server and nothing more: it opens `/_stcore/stream`, sends
a `BackMsg.rerun_script` (a `ClientState` naming the page as the frontend does with st.navigation:
the page's script hash from the server's `Navigation` message, its URL path as page name, and the
query string the server last set), and reads `ForwardMsg`s until the run's `script_finished` —
parsing each, rendering nothing. A page's time runs from sending the rerun to the end of its run
(a `st.switch_page` or `st.rerun` ends a run "early for rerun"; the page is done when a run
finishes successfully). An error is an `Exception` element in a delta, a script that does not
compile, or the server closing the socket; a page that does not finish in time is a timeout.

What it does not do that a browser does: widget states are not echoed (the shell keeps its sidebar
widgets' values in session state, app.py `_sticky`), no static files, media or Arrow-table chunks
are fetched, and nothing is laid out.
"""
from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")


class Disconnected(Exception):
    """The server closed the websocket (or never accepted it)."""


@dataclass
class Page:
    url_path: str
    script_hash: str
    title: str
    hidden: bool


@dataclass
class Run:
    """What one page's run sent: its time, the exceptions shown, the messages and bytes read."""
    seconds: float = 0.0
    exceptions: list[str] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0
    headings: list[str] = field(default_factory=list)


class WsPerson:
    """One person's session over the websocket: `await open()`, then `await visit(page)`."""

    def __init__(self, url: str, query: str = "") -> None:
        parts = urllib.parse.urlsplit(url)
        self.http_url = url.rstrip("/")
        self.ws_url = urllib.parse.urlunsplit(("ws", parts.netloc, parts.path.rstrip("/") + "/_stcore/stream", "", ""))
        self.query = query
        self.pages: list[Page] = []
        self.current = ""  # the script hash of the page the server last ran
        self._socket = None

    async def connect(self) -> None:
        # As a browser does: same origin, permessage-deflate; no pings of our own (a browser sends
        # none, and a busy server's late pong must not count as a disconnect).
        try:
            self._socket = await connect(self.ws_url, origin=self.http_url, subprotocols=["streamlit"],
                                         max_size=None, ping_interval=None, proxy=None, open_timeout=None)
        except (OSError, InvalidHandshake) as error:
            raise Disconnected(f"could not connect: {error}") from None

    async def close(self) -> None:
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close()

    async def open(self, url_path: str = "") -> Run:
        """Connect and run the app at `url_path` ("" is the default page), as a first visit does."""
        await self.connect()
        return await self._rerun(page_name=url_path, script_hash="")

    async def visit(self, page: Page) -> Run:
        """Move to `page` as a click on its sidebar link does."""
        return await self._rerun(page_name=page.url_path, script_hash=page.script_hash)

    async def rerun(self) -> Run:
        """Run the current page again, as pressing R (or a widget's change) does."""
        page = next((p for p in self.pages if p.script_hash == self.current), None)
        return await self._rerun(page_name=page.url_path if page else "", script_hash=self.current)

    def browsable(self, skip: tuple[str, ...] = ()) -> list[Page]:
        """The sidebar's pages (the navigation's visible ones), less those in `skip`."""
        return [p for p in self.pages if not p.hidden and p.url_path not in skip]

    async def _rerun(self, *, page_name: str, script_hash: str) -> Run:
        if self._socket is None:
            raise Disconnected("not connected")
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = page_name
        state.page_script_hash = script_hash
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.http_url}/{page_name}"
        run = Run()
        started = time.perf_counter()
        try:
            await self._socket.send(message.SerializeToString())
            while True:
                raw = await self._socket.recv()
                if self._take(raw, run):
                    run.seconds = time.perf_counter() - started
                    return run
        except ConnectionClosed as closed:
            raise Disconnected(f"the server closed the connection ({closed})") from None

    def _take(self, raw: bytes | str, run: Run) -> bool:
        """Parse one message off the wire; True when the run is over."""
        if isinstance(raw, str):
            raw = raw.encode()
        run.messages += 1
        run.bytes += len(raw)
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        return self._read(forward, run)

    def _read(self, forward: ForwardMsg, run: Run) -> bool:
        """Take in one message; True when the run is over."""
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
            elif which == "heading":
                run.headings.append(element.heading.body)
        elif kind == "navigation":
            self.pages = [Page(p.url_pathname, p.page_script_hash, p.page_name, p.is_hidden)
                          for p in forward.navigation.app_pages]
            self.current = forward.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = forward.page_info_changed.query_string
        elif kind == "script_finished":
            if forward.script_finished == COMPILE_ERROR:
                run.exceptions.append("the script did not compile")
                return True
            return forward.script_finished == FINISHED
        return False


async def browse(url: str, until: float, timeout: float, results: list, number: int,
                 skip: tuple[str, ...] = ()) -> None:
    """One person: open the app, then move through the sidebar's pages until `until`, recording
    (page, seconds, "ok" | "error" | "timeout") in `results`. After an error or a timeout the
    person opens the app again on a new connection, as someone reloading the tab would."""
    person: WsPerson | None = None
    step = number  # people start at different pages
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            if person is None:
                person = WsPerson(url)
                try:
                    run = await asyncio.wait_for(person.open(), timeout)
                except (asyncio.TimeoutError, Disconnected) as error:
                    results.append(("open", time.perf_counter() - started, _kind(error)))
                    await person.close()
                    person = None
                    continue
                results.append(("open", run.seconds, "error" if run.exceptions else "ok"))
                continue
            pages = person.browsable(skip)
            if not pages:
                results.append(("open", 0.0, "error"))  # no navigation came: nothing to browse
                await person.close()
                person = None
                continue
            page = pages[step % len(pages)]
            step += 1
            if page.script_hash == person.current:
                continue  # already there: a click would not run anything
            try:
                run = await asyncio.wait_for(person.visit(page), timeout)
            except (asyncio.TimeoutError, Disconnected) as error:
                results.append((page.url_path, time.perf_counter() - started, _kind(error)))
                await person.close()
                person = None
                continue
            results.append((page.url_path, run.seconds, "error" if run.exceptions else "ok"))
    finally:
        if person is not None:
            await person.close()


def _kind(error: Exception) -> str:
    return "timeout" if isinstance(error, asyncio.TimeoutError) else "error"
