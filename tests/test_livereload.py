"""What each build tells the open tabs, and where the live-reload script goes in a page."""

from __future__ import annotations

from scholarsite.livereload import BuildOutcome, LiveHub, event_for_outcome, inject_script


def test_events_for_outcomes():
    assert event_for_outcome(BuildOutcome(True, (), ("a.css", "b/c.css")), 3, True).name == "css"
    assert event_for_outcome(BuildOutcome(True, (), ("a.css", "i.html")), 3, True).name == "reload"
    assert event_for_outcome(BuildOutcome(False, ("f:1: bad",)), 3, True).name == "error"
    assert event_for_outcome(BuildOutcome(True), 3, True) is None  # nothing written
    assert event_for_outcome(BuildOutcome(True), 3, False).name == "reload"  # clears the overlay
    moved = BuildOutcome(
        True, (), ("papers/b/index.html",), moved=(("papers/a/index.html", "papers/b/index.html"),)
    )
    assert event_for_outcome(moved, 3, True).data == {
        "generation": 3,
        "moved": {"/papers/a/": "/papers/b/"},
    }


def test_the_hub_counts_generations_only_for_builds_that_wrote():
    hub = LiveHub()
    hub.publish(BuildOutcome(True, (), ("index.html",)))
    hub.publish(BuildOutcome(False, ("f:1: bad",)))
    assert (hub.state.generation, hub.state.ok) == (1, False)
    hub.publish(BuildOutcome(True))
    assert (hub.state.generation, hub.state.ok, hub.state.errors) == (1, True, ())


def test_inject_script_goes_before_the_last_closing_body():
    page = "<html><body><pre>&lt;/body&gt; </BODY> text</pre></BODY></html>"
    injected = inject_script(page, 7)
    assert injected.endswith(
        '<script src="/__scholarsite/livereload.js" data-generation="7"></script></BODY></html>'
    )
    assert inject_script("<p>fragment", 1).startswith("<p>fragment<script")


def test_a_tab_reloads_again_only_when_the_rest_of_a_build_wrote_its_page():
    hub = LiveHub(first_generation=10)
    hub.publish(BuildOutcome(True, (), ("papers/a/index.html",)))  # every tab reloads
    served = hub.state.generation_for("papers/index.html")  # a tab reloaded: the papers list
    hub.publish_later(BuildOutcome(True, (), ("papers/b/index.html",)))  # the rest of the build
    hub.publish(BuildOutcome(False, ("f:1: bad",)))  # a failed build changes no generation

    def hello(page: str | None) -> int:
        connection = hub.connect(page)
        assert connection is not None
        return connection[1].generation

    assert hello("papers/index.html") == served == 11  # up to date: no second reload
    assert hello("papers/b/index.html") == 12  # written after the tab reloaded: reloads
    assert hello(None) == hub.state.generation == 12  # a page not known: the latest
    hub.publish(BuildOutcome(True, (), ("index.html",)))
    assert {hello("papers/index.html"), hello("papers/b/index.html")} == {13}
