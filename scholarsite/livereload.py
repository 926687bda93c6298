"""Live reload: what each build tells the open browser tabs, and the script that listens.

The preview server hands every build's :class:`BuildOutcome` to a :class:`LiveHub`, which keeps
the build generation and current errors and sends each connected tab a server-sent event:

* ``reload`` after a good build that wrote pages (the files are on disk before the event); a
  build that goes on after that (``BuildOutcome.then``) reloads the tabs showing a page it
  writes later;
* ``css`` when every file a good build wrote is a stylesheet (the tab swaps them in place);
* ``error`` when a build failed (the tab shows an overlay; the last good site stays served).

A tab that (re)connects first receives ``hello`` with the build generation of the page it shows
(:meth:`LiveState.generation_for`) and the current errors, so a tab that was hidden or offline
during a rebuild catches up by itself, and one that reloaded while the rest of a build went on
reloads again only when that rest wrote its page.
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

EVENTS_PATH = "/__scholarsite/events"
SCRIPT_PATH = "/__scholarsite/livereload.js"


@dataclass(frozen=True)
class BuildOutcome:
    """What one build did: success, the errors to show, and the output files it wrote.

    ``then`` is the rest of the build, when it returned as soon as some pages were in place: the
    tabs reload at once, and the rest follows (its outcome may have a ``then`` of its own).
    ``moved``: pages now at another path (old, new), which the tabs showing them follow."""

    ok: bool
    errors: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    then: Callable[[], BuildOutcome] | None = None
    moved: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LiveState:
    """What a freshly connected tab needs to know: the build generation and current errors.

    ``settled``: the generation of the last build that reloaded every tab; ``later``: the pages
    the rest of that build wrote since (:meth:`LiveHub.publish_later`), with the generation of
    each one's last change."""

    generation: int = 0
    ok: bool = True
    errors: tuple[str, ...] = ()
    settled: int = 0
    later: Mapping[str, int] = field(default_factory=dict)

    def generation_for(self, page: str | None) -> int:
        """The generation a tab showing ``page`` is up to date at (``page``: an output path, or
        None when not known)."""
        return self.generation if page is None else self.later.get(page, self.settled)


@dataclass(frozen=True)
class LiveEvent:
    name: str
    data: dict[str, Any]

    def encode(self) -> bytes:
        payload = json.dumps(self.data, sort_keys=True)
        return f"event: {self.name}\ndata: {payload}\n\n".encode()


def event_for_outcome(outcome: BuildOutcome, generation: int, was_ok: bool) -> LiveEvent | None:
    """The event a build's outcome sends to the tabs, or None when the tabs are up to date."""
    if not outcome.ok:
        return LiveEvent("error", {"generation": generation, "errors": list(outcome.errors)})
    if outcome.changed and all(path.endswith(".css") for path in outcome.changed):
        return LiveEvent("css", {"generation": generation, "changed": list(outcome.changed)})
    if outcome.changed or not was_ok:
        return reload_event(outcome, generation)
    return None


def reload_event(outcome: BuildOutcome, generation: int) -> LiveEvent:
    """``reload``, with the URL paths of the pages that moved (old → new) when some did."""
    data: dict[str, Any] = {"generation": generation}
    if outcome.moved:
        data["moved"] = {page_url(old): page_url(new) for old, new in outcome.moved}
    return LiveEvent("reload", data)


def page_url(path: str) -> str:
    """The URL path the server answers an output file at (``papers/x/index.html`` → /papers/x/)."""
    return "/" + quote(path.removesuffix("index.html"))


class LiveHub:
    """The build state and the queues of the connected event streams."""

    def __init__(
        self, max_clients: int = 32, client_backlog: int = 32, first_generation: int = 0
    ) -> None:
        self._lock = threading.Lock()
        self._state = LiveState(generation=first_generation, settled=first_generation)
        # Each stream's queue, with the output path of the page its tab shows (if known).
        self._clients: dict[queue.Queue[LiveEvent | None], str | None] = {}
        self._max_clients = max_clients
        self._client_backlog = client_backlog

    @property
    def state(self) -> LiveState:
        with self._lock:
            return self._state

    @property
    def client_count(self) -> int:
        with self._lock:
            return len(self._clients)

    def connect(
        self, page: str | None = None
    ) -> tuple[queue.Queue[LiveEvent | None], LiveState] | None:
        """Register a stream from a tab showing ``page``; None when too many are open already.
        The state returned has the generation of that page."""
        with self._lock:
            if len(self._clients) >= self._max_clients:
                return None
            client: queue.Queue[LiveEvent | None] = queue.Queue(self._client_backlog)
            self._clients[client] = page
            return client, replace(self._state, generation=self._state.generation_for(page))

    def disconnect(self, client: queue.Queue[LiveEvent | None]) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def viewing(self) -> frozenset[str]:
        """The output paths of the pages the connected tabs show."""
        with self._lock:
            return frozenset(page for page in self._clients.values() if page is not None)

    def publish(self, outcome: BuildOutcome) -> LiveEvent | None:
        """Record a build's outcome and tell every connected stream."""
        with self._lock:
            previous = self._state
            wrote = outcome.ok and bool(outcome.changed)
            if wrote:
                generation = previous.generation + 1
                self._state = LiveState(generation, outcome.ok, outcome.errors, generation)
            else:
                generation = previous.generation
                self._state = replace(previous, ok=outcome.ok, errors=outcome.errors)
            event = event_for_outcome(outcome, generation, previous.ok)
            if event is not None:
                for client in self._clients:
                    offer(client, event)
            return event

    def publish_later(self, outcome: BuildOutcome) -> LiveEvent | None:
        """Record what the rest of a build did after the tabs reloaded: a tab showing a page
        it wrote reloads again (it opened that page in between), a failure goes to every tab."""
        if not outcome.ok:
            return self.publish(outcome)
        pages = {path for path in outcome.changed if path.endswith(".html")}
        pages.update(old for old, _ in outcome.moved)
        if not pages:
            return None
        with self._lock:
            generation = self._state.generation + 1  # a tab shown again later catches up
            later = {**self._state.later, **dict.fromkeys(pages, generation)}
            self._state = replace(self._state, generation=generation, later=later)
            event = reload_event(outcome, generation)
            for client, page in self._clients.items():
                if page in pages:
                    offer(client, event)
            return event

    def close(self) -> None:
        with self._lock:
            for client in self._clients:
                offer(client, None)


def offer(client: queue.Queue[LiveEvent | None], event: LiveEvent | None) -> None:
    """Queue an event; a client too slow to keep up is told to reconnect (it catches up)."""
    try:
        client.put_nowait(event)
    except queue.Full:
        with contextlib.suppress(queue.Empty):
            while True:
                client.get_nowait()
        client.put_nowait(None)


def hello_event(state: LiveState) -> LiveEvent:
    data = {"generation": state.generation, "ok": state.ok, "errors": list(state.errors)}
    return LiveEvent("hello", data)


def inject_before(document: str, closing_tag: str, snippet: str) -> str | None:
    matches = list(re.finditer(re.escape(closing_tag), document, re.IGNORECASE))
    if not matches:
        return None
    at = matches[-1].start()
    return document[:at] + snippet + document[at:]


def inject_script(document: str, generation: int) -> str:
    """Add the live-reload script to an HTML page (before ``</body>`` when there is one)."""
    snippet = f'<script src="{SCRIPT_PATH}" data-generation="{generation}"></script>'
    for tag in ("</body>", "</html>"):
        injected = inject_before(document, tag, snippet)
        if injected is not None:
            return injected
    return document + snippet


# --------------------------------------------------------------------------------------------
# The browser side: connects to the event stream, reloads, swaps CSS, shows the error overlay

LIVERELOAD_JS = r"""(() => {
  "use strict";
  const script = document.currentScript;
  let generation = Number((script && script.dataset.generation) || 0);
  let source = null;
  let overlay = null;

  function showErrors(errors) {
    hideErrors();
    if (!errors || errors.length === 0) return;
    overlay = document.createElement("scholarsite-error-overlay");
    const root = overlay.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = ":host{position:fixed;inset:0;z-index:2147483647;" +
      "background:rgba(0,0,0,.66);display:flex;align-items:flex-start;justify-content:center}" +
      ".box{margin-top:8vh;max-width:min(60rem,92vw);max-height:80vh;overflow:auto;" +
      "background:#fff;color:#1a1a1a;border-top:6px solid #c62828;padding:1rem 1.5rem;" +
      "font:14px/1.5 system-ui,sans-serif;box-shadow:0 8px 32px rgba(0,0,0,.4)}" +
      "h2{margin:.2rem 0 .8rem;font-size:1.1rem;color:#c62828}" +
      "pre{white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;margin:0}" +
      "button{float:right;font:inherit;cursor:pointer}";
    const box = document.createElement("div");
    box.className = "box";
    box.setAttribute("role", "alert");
    const close = document.createElement("button");
    close.textContent = "Dismiss";
    close.addEventListener("click", hideErrors);
    const title = document.createElement("h2");
    title.textContent = "The build failed; this page shows the last good build";
    const list = document.createElement("pre");
    list.className = "errors";
    list.textContent = errors.join("\n");
    box.append(close, title, list);
    root.append(style, box);
    document.documentElement.append(overlay);
  }

  function hideErrors() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function swapStylesheets(stamp) {
    const links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    for (const link of links) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("__scholarsite", String(stamp));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      const done = () => link.remove();
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      link.after(fresh);
    }
  }

  function connect() {
    if (source || document.visibilityState === "hidden") return;
    source = new EventSource("/__scholarsite/events?page=" + encodeURIComponent(location.pathname));
    source.addEventListener("hello", (event) => {
      const state = JSON.parse(event.data);
      if (state.generation !== generation) { location.reload(); return; }
      if (state.ok) hideErrors(); else showErrors(state.errors);
    });
    source.addEventListener("reload", (event) => {
      const moved = JSON.parse(event.data).moved || {};
      if (moved[location.pathname]) location.replace(moved[location.pathname]);
      else location.reload();
    });
    source.addEventListener("css", (event) => {
      const data = JSON.parse(event.data);
      generation = data.generation;
      hideErrors();
      swapStylesheets(data.generation);
    });
    source.addEventListener("error", (event) => {
      if (typeof event.data !== "string") return;  // a dropped connection: it retries itself
      showErrors(JSON.parse(event.data).errors);
    });
  }

  function disconnect() {
    if (source) source.close();
    source = null;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})();
"""
