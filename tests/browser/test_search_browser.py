"""The search client in headless Chromium, on the shipped site as the build writes it (and,
where a small corpus says too little, on a synthetic one)."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from scholarsite.bench.synth import write_corpus
from scholarsite.build import BuildOptions, BuildResult, build_site
from scholarsite.search.fold import fold, terms
from scholarsite.search.pairs import may_hold_pair, pair_filter, pair_hash
from scholarsite.search.query import Searcher

pytestmark = pytest.mark.browser

POPUP = "[data-search-results=popup]"
PAGE_RESULTS = "[data-search-results=page]"

EXPECTED_FIRST = [
    (
        "consistency",
        "papers/simplifying-stabilizing-and-scaling-continuous-time-consistency-models/",
    ),
    ("Mądry", "authors/aleksander-madry/"),
    ("madry", "authors/aleksander-madry/"),
    ("autoregresive", "papers/scaling-laws-for-autoregressive-generative-modeling/"),
    ("2410.21276", "papers/gpt-4o-system-card/"),
    ("schuller", "authors/bjorn-schuller/"),
]


@pytest.fixture(scope="module")
def site_url(shipped_build: BuildResult, serve_directory: Callable[[Path], str]) -> str:
    """The shipped site served from a subpath (``/site/``), as on a project page."""
    parent = shipped_build.output.parent / "served"
    if not parent.exists():
        parent.mkdir()
        shutil.copytree(shipped_build.output, parent / "site")
    return serve_directory(parent) + "site/"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def type_in_box(page: Page, query: str) -> list[str]:
    """Type into the header box like a person and return the result links, in order."""
    box = page.locator("[data-search-box] input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=20)
    page.wait_for_function(
        """q => { const list = document.querySelector('[data-search-results=popup]');
                  return !list.hidden && list.querySelector('.ss-more')
                         && list.querySelector('.ss-more').textContent.includes(q); }""",
        arg=query,
    )
    links = page.locator(f"{POPUP} a.ss-hit")
    return [str(links.nth(i).get_attribute("href")) for i in range(links.count())]


@pytest.mark.parametrize(("query", "expected"), EXPECTED_FIRST)
def test_header_box_first_result(page: Page, site_url: str, query: str, expected: str) -> None:
    page.goto(site_url)
    hrefs = type_in_box(page, query)
    assert hrefs, f"no results for {query!r}"
    assert hrefs[0] == site_url + expected


def test_works_from_file_url_and_links_to_index_files(
    page: Page, shipped_build: BuildResult
) -> None:
    home = shipped_build.output / "index.html"
    page.goto(home.as_uri())
    hrefs = type_in_box(page, "madry")
    target = shipped_build.output / "authors" / "aleksander-madry" / "index.html"
    assert hrefs[0] == target.as_uri()
    page.locator("[data-search-box] input").press("ArrowDown")
    page.locator("[data-search-box] input").press("Enter")
    page.wait_for_url(target.as_uri())


def test_arrow_down_before_the_typed_query_shows_selects_its_first_result(
    page: Page, site_url: str
) -> None:
    """A keyboard user who presses ↓ and Enter straight after typing lands on the first result
    of what they typed, not on the first letter's results nor on the search page."""
    page.goto(site_url)
    box = page.locator("[data-search-box] input")
    box.click()
    box.press_sequentially("madry")  # the first letter searches at once, the rest after a pause
    box.press("ArrowDown")
    selected = page.locator(f"{POPUP} [aria-selected=true]")
    selected.wait_for(timeout=10_000)
    assert page.locator(f"{POPUP} a.ss-hit").count() > 0
    assert selected.get_attribute("href") == site_url + "authors/aleksander-madry/"
    box.press("Enter")
    page.wait_for_url(site_url + "authors/aleksander-madry/")


def test_search_page_from_file_url_on_a_paper_page(page: Page, shipped_build: BuildResult) -> None:
    paper = shipped_build.output / "papers" / "gpt-4o-system-card" / "index.html"
    page.goto(paper.as_uri())
    hrefs = type_in_box(page, "2410.21276")
    assert hrefs[0] == paper.as_uri()


def test_keyboard_slash_focuses_and_escape_closes(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.matches('[data-search-box] input')")
    type_in_box(page, "schuller")
    page.keyboard.press("Escape")
    assert page.locator(POPUP).is_hidden()


def test_the_option_announced_as_selected_is_always_the_selected_one(
    page: Page, site_url: str
) -> None:
    """A screen reader reads aria-activedescendant: it names the selected option, and no option
    once the list shows other results or closes."""
    page.goto(site_url)
    box = page.locator("[data-search-box] input")
    type_in_box(page, "scaling")
    box.press("ArrowDown")
    box.press("ArrowDown")
    selected = page.locator(f"{POPUP} [aria-selected=true]")
    assert box.get_attribute("aria-activedescendant") == selected.get_attribute("id")
    type_in_box(page, "scaling laws")  # the list shows new results, none selected
    assert box.get_attribute("aria-activedescendant") is None
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "ss-opt-0"
    box.press("Escape")
    assert page.locator(POPUP).is_hidden()
    assert box.get_attribute("aria-activedescendant") is None


def test_a_chosen_year_is_scrolled_into_the_filter_row_on_a_phone(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 700})
    phone = context.new_page()
    try:
        phone.goto(f"{site_url}papers/#undated")
        chip = phone.locator('.year-filter a[href="#undated"]').bounding_box()
        row = phone.locator(".year-filter ul").bounding_box()
        assert chip and row
        end = row["x"] + row["width"] + 1  # the last chip may stand a fraction of a pixel out
        assert row["x"] <= chip["x"] and chip["x"] + chip["width"] <= end
    finally:
        context.close()


def test_search_page_keeps_the_query_in_the_url(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}search/?q=consistency")
    first = page.locator(f"{PAGE_RESULTS} .ss-result").first
    first.wait_for()
    assert "Consistency" in first.inner_text()
    assert page.locator(f"{PAGE_RESULTS} mark").count() > 0
    assert page.locator(f"{PAGE_RESULTS} .ss-snippet").count() > 0
    box = page.locator("#ss-page-q")
    box.fill("schuller")
    box.press("Enter")
    page.wait_for_url("**/search/?q=schuller")
    page.wait_for_function(
        "document.querySelector('[data-search-status]').textContent.includes('schuller')"
    )
    assert "Schuller" in page.locator(f"{PAGE_RESULTS} .ss-result").first.inner_text()
    page.go_back()
    page.wait_for_url("**/search/?q=consistency")
    page.wait_for_function(
        "document.querySelector('[data-search-status]').textContent.includes('consistency')"
    )
    assert page.locator("#ss-page-q").input_value() == "consistency"


@pytest.mark.parametrize("letter", ["ε", "ϵ", "ω"])
def test_a_greek_letter_alone_finds_the_paper_that_uses_it(
    page: Page, site_url: str, letter: str
) -> None:
    page.goto(site_url)
    assert site_url + "papers/arxiv-2109-13956/" in type_in_box(page, letter)


def test_snippets_end_at_a_whole_word(
    page: Page, site_url: str, shipped_build: BuildResult
) -> None:
    papers = json.loads((shipped_build.output / "corpus.json").read_text())["papers"]
    abstracts = " ".join(p["abstract"] for p in papers)
    page.goto(f"{site_url}search/?q=cheng%20lu")
    snippets = page.locator(f"{PAGE_RESULTS} .ss-snippet")
    snippets.first.wait_for()
    cut = [text for text in snippets.all_inner_texts() if text.endswith(" …")]
    assert cut
    for text in cut:
        last = text.removesuffix(" …").split()[-1]
        assert re.search(rf"(^|\s){re.escape(last)}(\s|$)", abstracts), text[-60:]


def test_no_javascript_note_links_to_the_lists(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}search/")
        note = page.locator("noscript").first.inner_html()
        assert "needs JavaScript" in note
        assert "papers/" in note and "authors/" in note
    finally:
        context.close()


def test_client_ranks_exactly_like_the_reference(page: Page, shipped_build: BuildResult) -> None:
    index = shipped_build.output / "search" / "idx"

    def load(name: str) -> Any:
        text = (index / f"{name}.js").read_text(encoding="utf-8")
        return json.loads(text[text.index(",") + 1 : -3])

    reference = Searcher(load)
    page.goto((shipped_build.output / "index.html").as_uri())
    long_query = (
        "scaling laws autoregressive generative modeling speech emotion recognition gpt system"
    )
    queries = ["consistency models", "madry", "lukasz", "autoregresi", "diffusion sam", "the"]
    queries.append(long_query)  # more words than are looked up: the same ones are kept
    queries += ["consistensy", "emotoin recognitoin", "shuller", "scalnig laws autoregresi"]
    for query in [q for q, _ in EXPECTED_FIRST] + queries:
        in_browser = page.evaluate(
            "q => scholarsiteSearch.search(q).then(r => r.results.map(x => x.url))", query
        )
        assert in_browser == [h.record[1] for h in reference.search(query)], query


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def varied_queries(records: list[list[str]], seed: int) -> list[str]:
    """Title and name queries of every kind the client handles: whole words, several words,
    a word being typed, a misspelled word, a name without its accents."""
    rng = random.Random(seed)
    queries = []
    for kind, _url, title, _detail, _pairs in rng.sample(records, 60):
        words = title.split()
        long = [w for w in words if len(w) >= 5 and w.isalpha()]
        queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 4)))))
        queries.append(title[: rng.randint(2, 12)])
        if long:
            queries.append(typo(rng.choice(long), rng))
        if kind == "a":
            queries.append(fold(title))
    return queries


def test_client_scores_exactly_like_the_reference_on_a_synthetic_corpus(
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    serve_directory: Callable[[Path], str],
) -> None:
    work = tmp_path_factory.mktemp("synthetic")
    write_corpus(work, 400)
    build_site(BuildOptions(work / "site_src", work / "out", jobs=1))
    index = work / "out" / "search" / "idx"

    def load(name: str) -> Any:
        text = (index / f"{name}.js").read_text(encoding="utf-8")
        return json.loads(text[text.index(",") + 1 : -3])

    reference = Searcher(load)
    shards = range(-(-reference.meta["n"] // reference.meta["b"]))
    records = [record for shard in shards for record in load(f"d/{shard}")]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(serve_directory(work / "out"))
        for query in varied_queries(records, seed=5):
            in_browser = page.evaluate(
                "q => scholarsiteSearch.search(q).then(r => r.results.map(x => [x.url, x.score]))",
                query,
            )
            expected = [[h.record[1], h.score] for h in reference.search(query)]
            assert [url for url, _ in in_browser] == [url for url, _ in expected], query
            assert [score for _, score in in_browser] == pytest.approx(
                [score for _, score in expected], rel=1e-12
            ), query
    finally:
        context.close()


def test_corpus_markup_shows_as_text(browser: Browser, site_copy: Path, tmp_path: Path) -> None:
    dump = site_copy / "corpus" / "900_markup.txt"
    dump.write_text(
        "Doe, Jane\n"
        '<b>Bold</b> claims <img src=x onerror="window.pwned=1"> about zebrafish\n'
        "Doe, Jane\n"
        "Zebrafish <script>window.pwned=2</script> studies with <i>markup</i>.\n",
        encoding="utf-8",
    )
    output = tmp_path / "build"
    build_site(BuildOptions(site_copy, output))
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((output / "index.html").as_uri())
        type_in_box(page, "zebrafish")
        title = page.locator(f"{POPUP} .ss-title").first
        assert "<b>Bold</b>" in title.inner_text()
        assert page.locator(f"{POPUP} b, {POPUP} img, {POPUP} script").count() == 0
        page.goto((output / "search" / "index.html").as_uri() + "?q=zebrafish")
        page.locator(f"{PAGE_RESULTS} .ss-snippet").first.wait_for()
        assert "<script>" in page.locator(f"{PAGE_RESULTS} .ss-snippet").first.inner_text()
        assert page.locator(f"{PAGE_RESULTS} script, {PAGE_RESULTS} i").count() == 0
        assert page.evaluate("window.pwned") is None
    finally:
        context.close()


def test_client_pair_hash_and_filter_agree_with_the_index(
    page: Page, shipped_build: BuildResult
) -> None:
    page.goto((shipped_build.output / "index.html").as_uri())
    pairs = [("sparse", "gene"), ("łódź", "straße"), ("2410.21276", "model"), ("", "x")]
    for first, second in pairs:
        in_browser = page.evaluate("([a, b]) => scholarsiteSearch.pairHash(a, b)", [first, second])
        assert in_browser == pair_hash(first, second)
    encoded = pair_filter(terms("Sparse genes evolve across Łódź-range synapses of models."))
    for first, second in [("sparse", "gene"), ("lodz", "range"), ("gene", "sparse"), ("a", "b")]:
        in_browser = page.evaluate(
            "([f, a, b]) => scholarsiteSearch.mayHoldPair(f, a, b)", [encoded, first, second]
        )
        assert in_browser == may_hold_pair(encoded, first, second), (first, second)


def test_a_whole_word_being_typed_needs_no_dictionary_shard(page: Page, site_url: str) -> None:
    page.goto(site_url)
    loaded = page.evaluate(
        """async q => {
            await scholarsiteSearch.search(q);
            return performance.getEntriesByType('resource').map(e => e.name);
        }""",
        "consistency",
    )
    index_files = [name.split("/search/idx/")[1] for name in loaded if "/search/idx/" in name]
    assert any(name.startswith("p/") for name in index_files)
    assert not any(name.startswith("t/") for name in index_files), index_files
    near_miss = page.evaluate(
        """async q => {
            await scholarsiteSearch.search(q);
            return performance.getEntriesByType('resource').map(e => e.name);
        }""",
        "consistensy",
    )
    assert any("/search/idx/t/" in name for name in near_miss)  # typos need the dictionary


def test_the_meta_file_is_loaded_when_the_page_is_idle_not_by_the_first_query(
    page: Page, site_url: str
) -> None:
    page.goto(site_url)
    page.wait_for_function(  # loaded whole: a failed load is retried by the next query
        """() => performance.getEntriesByType('resource')
                 .some(e => e.name.endsWith('/idx/meta.js') && e.responseStatus === 200)"""
    )
    loaded = page.evaluate(
        """async q => {
            const before = performance.getEntriesByType('resource').length;
            await scholarsiteSearch.search(q);
            return performance.getEntriesByType('resource').slice(before).map(e => e.name);
        }""",
        "madry",
    )
    assert any("/search/idx/p/" in name for name in loaded)
    assert not any(name.endswith("/idx/meta.js") for name in loaded)


INDEX_LOADS = """async q => {
    let scripts = 0;
    const append = document.head.appendChild.bind(document.head);
    document.head.appendChild = (element) => {
        if (element.tagName === 'SCRIPT' && element.src.includes('/search/idx/')) scripts++;
        return append(element);
    };
    await scholarsiteSearch.search(q);
    const fetched = performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/search/idx/') && e.initiatorType === 'fetch').length;
    return [fetched, scripts];
}"""


def test_index_files_are_fetched_over_http_and_run_as_scripts_from_file(
    page: Page, site_url: str, shipped_build: BuildResult
) -> None:
    page.goto(site_url)
    fetched, scripts = page.evaluate(INDEX_LOADS, "madry")
    assert fetched > 0 and scripts == 0
    page.goto((shipped_build.output / "index.html").as_uri())
    fetched, scripts = page.evaluate(INDEX_LOADS, "madry")
    assert fetched == 0 and scripts > 0  # file:// refuses fetch


POPUP_QUERY = """() => {
    const more = document.querySelector('[data-search-results=popup] .ss-more');
    return more ? more.textContent : null;
}"""


def test_a_first_keystroke_searches_at_once_and_a_burst_searches_once_after_it(
    page: Page, site_url: str
) -> None:
    page.clock.install(time=datetime(2030, 1, 1, tzinfo=UTC))
    page.goto(site_url)
    page.clock.pause_at(datetime(2030, 1, 2, tzinfo=UTC))  # timers fire only when run
    box = page.locator("[data-search-box] input")
    box.focus()
    box.fill("madry")  # one input event after a quiet spell: no timer to wait for
    page.wait_for_function(f"({POPUP_QUERY})()?.includes('madry')")
    box.fill("madry a")  # at once after the last: waits for a quiet spell
    box.fill("madry al")
    page.wait_for_timeout(200)
    assert "madry al" not in str(page.evaluate(POPUP_QUERY))
    page.clock.run_for(40)
    page.wait_for_function(f"({POPUP_QUERY})()?.includes('madry al')")
