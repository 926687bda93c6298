"""A deterministic synthetic corpus: profile dumps in the three layouts, at any size.

``write_corpus(dest, n_papers, seed)`` writes ``dest/site_src/corpus/*.txt`` (titled,
abstract-only and listing profiles, SPEC section 2), ``dest/site_src/site.yaml`` and
``dest/queries.json`` (search queries with the URL each one should find). The same seed always
gives byte-identical files.

Every paper has a unique title and every person a unique name key, so the ids the site
generator assigns are predictable: ``scholarsite.naming.slugify`` of the title or display name.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from scholarsite.bench.vocabulary import (
    ADJECTIVES,
    BARE_OWNER_NAMES,
    CJK_NAMES,
    COMMENTS,
    FIELDS,
    FIRST_NAMES,
    GENERAL_NOUNS,
    LAST_NAMES,
    MATH_SNIPPETS,
    METHOD_HEADS,
    METHOD_TAILS,
    ORGANIZATIONS,
    STOPWORDS,
    VERBS,
)
from scholarsite.errors import ScholarsiteError
from scholarsite.naming import fold, slugify

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Person:
    last: str | None
    first: str | None

    @property
    def display(self) -> str:
        return " ".join(part for part in (self.first, self.last) if part)

    @property
    def token_pair(self) -> str:
        return f"{self.last or 'null'}, {self.first or 'null'}"


@dataclass(frozen=True)
class Paper:
    title: str
    authors: tuple[int, ...]  # indices into SynthCorpus.people, in list order
    abstract: str
    arxiv: str  # without version; written only where a listing carries the paper
    comments: str | None
    field: str
    noise: tuple[tuple[int, str], ...] = ()  # (position, raw "Last, First" text) extra tokens


Layout = Literal["titled", "abstract", "listing"]


@dataclass(frozen=True)
class Profile:
    file: str
    layout: Layout
    owner: int | None  # index into people; None for bare-name and unnamed profiles
    header: str | None  # the line-1 text as written (None for a listing)
    papers: tuple[int, ...]
    versions: tuple[str, ...]  # per paper, "" or "v2" etc. (listings only)


@dataclass(frozen=True)
class Query:
    q: str
    kind: str
    expect: str


@dataclass(frozen=True)
class SynthCorpus:
    seed: int
    people: tuple[Person, ...]
    papers: tuple[Paper, ...]
    profiles: tuple[Profile, ...]
    queries: tuple[Query, ...]

    def listed(self) -> frozenset[int]:
        """Papers that appear in some listing profile: they have an arXiv id and a year."""
        return frozenset(
            p for prof in self.profiles if prof.layout == "listing" for p in prof.papers
        )


@dataclass(frozen=True)
class CorpusStats:
    papers: int
    people: int
    profiles_titled: int
    profiles_abstract: int
    profiles_listing: int
    author_slots: int
    bytes_written: int
    queries: int


# --------------------------------------------------------------------------- slugs and keys


def ascii_fold(text: str) -> str:
    """``Łukasz Mądry`` → ``Lukasz Madry``: what a user without the accents would type."""
    return "".join(fold_letter(ch) for ch in text)


def fold_letter(ch: str) -> str:
    bare = fold(ch).upper() if ch.isupper() else fold(ch)
    return bare if bare.isascii() else ""


def name_key(text: str) -> str:
    """A key at least as coarse as any sensible person key: folded, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


# --------------------------------------------------------------------------- sampling helpers


class Zipf:
    """Draw ranks 0..n-1 with weight 1/(rank+offset)^exponent."""

    def __init__(self, n: int, exponent: float, offset: float) -> None:
        weights = [1.0 / (r + offset) ** exponent for r in range(n)]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> int:
        x = rng.random() * self.cumulative[-1]
        return min(bisect.bisect_right(self.cumulative, x), len(self.cumulative) - 1)


def distinct_draws(rng: random.Random, draw: Zipf, k: int, exclude: set[int]) -> list[int]:
    """``k`` distinct ranks not in ``exclude`` (fewer only if the pool runs out)."""
    chosen: list[int] = []
    seen = set(exclude)
    attempts = 0
    while len(chosen) < k and attempts < 20 * k + 20:
        rank = draw.draw(rng)
        attempts += 1
        if rank not in seen:
            seen.add(rank)
            chosen.append(rank)
    return chosen


def author_count(rng: random.Random) -> int:
    """Most papers have 2-6 authors; a few are large collaborations of 100-500."""
    if rng.random() < 0.003:
        return rng.randint(100, 500)
    return rng.choices(range(1, 13), weights=(8, 15, 20, 18, 13, 9, 6, 4, 3, 2, 1, 1))[0]


# --------------------------------------------------------------------------- people


def make_people(rng: random.Random, n: int) -> list[Person]:
    """``n`` people with pairwise distinct name keys; a few Unicode-only (CJK) names."""
    people: list[Person] = []
    keys: set[str] = set()
    for last, first in CJK_NAMES[: max(0, min(len(CJK_NAMES), n // 200))]:
        people.append(Person(last, first))
    keys.update(name_key(p.display) or p.display for p in people)
    retries = 0
    while len(people) < n:
        person = random_person(rng, with_initial=retries > 0 or rng.random() < 0.2)
        key = name_key(person.display)
        if key in keys:
            retries += 1
            continue
        retries = 0
        keys.add(key)
        people.append(person)
    rng.shuffle(people)
    return people


def random_person(rng: random.Random, with_initial: bool) -> Person:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    if rng.random() < 0.08:
        last = f"{last}-{rng.choice(LAST_NAMES)}"
    if with_initial:
        first = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    return Person(last, first)


# --------------------------------------------------------------------------- text


class TextMaker:
    """Titles and abstracts from the vocabulary, with a field per paper for topical overlap."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fields = {name: words.split() for name, words in FIELDS.items()}
        self.field_names = sorted(self.fields)

    def noun(self, field: str) -> str:
        words = self.fields[field]
        # a Zipf-like preference within the field: early words are common, later ones rare
        index = int(len(words) * self.rng.random() ** 1.5)
        return words[min(index, len(words) - 1)]

    def adj(self) -> str:
        return ADJECTIVES[int(len(ADJECTIVES) * self.rng.random() ** 1.8)]

    def general(self) -> str:
        return self.rng.choice(GENERAL_NOUNS)

    def method(self) -> str:
        return self.rng.choice(METHOD_HEADS) + self.rng.choice(METHOD_TAILS)

    def title(self, field: str) -> str:
        n, a, g, m = self.noun, self.adj, self.general, self.method
        f = field
        verb = self.rng.choice(VERBS)[2]
        templates = (
            lambda: f"{m()}: {a()} {n(f)} for {a()} {n(f)}",
            lambda: f"{a()} {n(f)} {n(f)} via {a()} {g()}",
            lambda: f"On the {g()} of {a()} {n(f)} {n(f)}",
            lambda: f"Towards {a()} and {a()} {n(f)} {n(f)}",
            lambda: f"{verb} {a()} {n(f)} with {n(f)} {n(f)}",
            lambda: f"{a()} {n(f)} in {a()} {n(f)}: {a()} {g()} and {g()}",
            lambda: f"{m()}: {verb} {n(f)} {n(f)} at Scale",
            lambda: f"{a()} {g()} for {n(f)} {n(f)} and {n(f)}",
            lambda: f"Rethinking {n(f)} {n(f)} in {a()} {n(f)}",
            lambda: f"When {a()} {n(f)} Meets {a()} {n(f)}",
        )
        text = self.rng.choice(templates)()
        return title_case(text) if self.rng.random() < 0.6 else text[0].upper() + text[1:]

    def abstract(self, field: str, title: str, with_math: bool) -> str:
        rng = self.rng
        n, a, g = self.noun, self.adj, self.general
        f = field
        v = rng.choice(VERBS)
        w = rng.choice(VERBS)
        name = title.split(":")[0] if ":" in title else f"our {g()}"
        sentences = [
            f"{a().capitalize()} {n(f)} {n(f)} is a central {g()} problem in {a()} {n(f)}.",
            f"Existing {n(f)} {g()} {w[0]} {a()} {n(f)}, which limits their {g()} "
            f"on {a()} {n(f)} and {n(f)}.",
            f"In this paper, we {v[0]} {name}, a {a()} {g()} that {w[1]} the {n(f)} "
            f"between {a()} {n(f)} and {a()} {n(f)}.",
            f"Our {g()} {v[1]} {n(f)} {n(f)} without {a()} {n(f)} and {w[1]} "
            f"{a()} {n(f)} by {rng.randint(2, 60)}\\%.",
            f"We {w[0]} {a()} {g()} for {n(f)}, {n(f)} and {n(f)}, and show that "
            f"{a()} {n(f)} {v[1]} {a()} {n(f)}.",
            f"Experiments on {rng.randint(3, 40)} {n(f)} {n(f)} show that the {g()} "
            f"{w[1]} {a()} {n(f)} across {a()} {n(f)}.",
        ]
        rng.shuffle(sentences)
        sentences = sentences[: rng.randint(4, 6)]
        if with_math:
            sentences.insert(rng.randint(1, len(sentences)), self.math_sentence(field))
        extra = rng.random()
        if extra < 0.04:
            sentences.append(f"Code is available at https://github.com/{self.handle()}.")
        elif extra < 0.06:
            sentences.append(f"Install it with `pip install {self.handle().split('/')[1]}`.")
        elif extra < 0.09:
            sentences.append(f"We also discuss \\emph{{{n(f)} {n(f)}}}, e.\\,g. {a()} {n(f)}.")
        return " ".join(sentences)

    def math_sentence(self, field: str) -> str:
        snippet = self.rng.choice(MATH_SNIPPETS).format(k=self.rng.randint(2, 9))
        return (
            f"We prove a bound of {snippet} for {self.adj()} {self.noun(field)} "
            f"under {self.adj()} {self.noun(field)}."
        )

    def handle(self) -> str:
        return f"{slugify(self.rng.choice(LAST_NAMES))}-lab/{self.method().lower().strip('+')}"


def title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        w if (i and w in STOPWORDS) or not w[:1].islower() else w[0].upper() + w[1:]
        for i, w in enumerate(words)
    )


# --------------------------------------------------------------------------- papers


def arxiv_id(rng: random.Random, taken: set[str]) -> str:
    """New-style ids (mostly recent years, 4 digits before 2015), 2% old-style."""
    while True:
        if rng.random() < 0.02:
            archive = rng.choice(("hep-th", "math", "cond-mat", "quant-ph", "cs"))
            year = rng.choice((*range(92, 100), *range(0, 7)))
            ident = f"{archive}/{year:02d}{rng.randint(1, 12):02d}{rng.randint(1, 999):03d}"
        else:
            year = 7 + int(19 * rng.random() ** 0.6)
            month = rng.randint(4 if year == 7 else 1, 12)
            digits = 4 if year < 15 else 5
            ident = f"{year:02d}{month:02d}.{rng.randint(1, 10**digits - 1):0{digits}d}"
        if ident not in taken:
            taken.add(ident)
            return ident


def comment_line(rng: random.Random) -> str:
    return rng.choice(COMMENTS).format(
        y=rng.randint(2015, 2025), n=rng.randint(8, 60), k=rng.randint(2, 9), f=rng.randint(2, 30)
    )


def make_papers(
    rng: random.Random, n_papers: int, n_people: int, titled_owners: Sequence[int]
) -> list[Paper]:
    text = TextMaker(rng)
    pool = Zipf(n_people, exponent=1.0, offset=40.0)
    homes = Zipf(len(titled_owners), exponent=0.6, offset=2.0)
    person_field = [text.field_names[r % len(text.field_names)] for r in range(n_people)]
    titles: set[str] = set()
    abstracts: set[str] = set()
    ids: set[str] = set()
    papers: list[Paper] = []
    for index in range(n_papers):
        # every titled profile gets a paper first, then the busy ones get more
        home = titled_owners[index if index < len(titled_owners) else homes.draw(rng)]
        field = person_field[home] if rng.random() < 0.8 else rng.choice(text.field_names)
        title = unique_text(partial(text.title, field), titles, slugify)
        with_math = rng.random() < 0.2
        abstract = unique_text(
            partial(text.abstract, field, title, with_math), abstracts, str.casefold
        )
        size = author_count(rng)
        authors, noise = paper_authors(rng, pool, n_people, home, size)
        comments = comment_line(rng) if rng.random() < 0.4 else None
        papers.append(Paper(title, authors, abstract, arxiv_id(rng, ids), comments, field, noise))
    return papers


def unique_text(make: Callable[[], str], taken: set[str], key: Callable[[str], str]) -> str:
    """Call ``make`` until its result's ``key`` is new; remember the key."""
    while True:
        value = make()
        value_key = key(value)
        if value_key not in taken:
            taken.add(value_key)
            return value


def paper_authors(
    rng: random.Random, pool: Zipf, n_people: int, home: int, size: int
) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """The home profile's owner plus co-authors; big lists add the noise real dumps carry."""
    if size < 100:
        others = distinct_draws(rng, pool, size - 1, {home})
        position = rng.choice((0, len(others), rng.randint(0, len(others))))
        others.insert(position, home)
        return tuple(others), ()
    members = rng.sample(range(n_people), min(size, n_people))
    if home in members:
        members.remove(home)
    members.insert(rng.randint(0, len(members)), home)
    noise: list[tuple[int, str]] = [(0, f"{rng.choice(ORGANIZATIONS)}, null")]
    if rng.random() < 0.5:
        noise.append((1, ":, null"))
    return tuple(members), tuple(noise)


# --------------------------------------------------------------------------- profiles


def profile_counts(n_papers: int) -> tuple[int, int, int]:
    """Titled ~50%, abstract-only ~25%, listing ~25% of the profiles."""
    total = max(8, n_papers // 40)
    abstract = total // 4
    listing = total // 4
    return total - abstract - listing, abstract, listing


def papers_by_person(papers: Sequence[Paper], n_people: int) -> list[list[int]]:
    by_person: list[list[int]] = [[] for _ in range(n_people)]
    for index, paper in enumerate(papers):
        for person in paper.authors:
            by_person[person].append(index)
    return by_person


def pick_owners(
    rng: random.Random, by_person: Sequence[Sequence[int]], taken: set[int], count: int
) -> list[int]:
    """``count`` people with papers, not owning a profile yet, busier ones likelier."""
    candidates = [p for p, ps in enumerate(by_person) if ps and p not in taken]
    if not candidates:
        return []
    weights = [float(len(by_person[p])) for p in candidates]
    chosen: list[int] = []
    for _ in range(20 * count):
        if len(chosen) == count:
            break
        person = rng.choices(candidates, weights=weights)[0]
        if person not in taken:
            taken.add(person)
            chosen.append(person)
    return chosen


def make_profiles(
    rng: random.Random,
    people: Sequence[Person],
    papers: Sequence[Paper],
    titled_owners: Sequence[int],
    n_abstract: int,
    n_listing: int,
) -> list[Profile]:
    by_person = papers_by_person(papers, len(people))
    taken = set(titled_owners)
    drafts: list[tuple[Layout, int | None, str | None, list[int]]] = []
    for owner in titled_owners:
        drafts.append(("titled", owner, people[owner].token_pair, by_person[owner]))
    n_bare = max(2, n_abstract // 8)
    for i in range(n_bare):
        bare = BARE_OWNER_NAMES[i % 2 if i < 4 else i % len(BARE_OWNER_NAMES)]
        sample = rng.sample(range(len(papers)), min(len(papers), rng.randint(5, 40)))
        drafts.append(("abstract", None, bare, sample))
    for owner in pick_owners(rng, by_person, taken, n_abstract - n_bare):
        drafts.append(("abstract", owner, people[owner].display, by_person[owner]))
    # a listing is often a second dump of someone who has a titled profile too
    for owner in pick_owners(rng, by_person, taken - set(titled_owners), n_listing):
        newest_first = sorted(by_person[owner], key=lambda p: arxiv_sort_key(papers[p].arxiv))
        drafts.append(("listing", None, None, newest_first[::-1]))
    rng.shuffle(drafts)
    profiles: list[Profile] = []
    for index, (layout, owner_index, header, members) in enumerate(drafts):
        versions = tuple(
            rng.choice(("v2", "v3")) if layout == "listing" and rng.random() < 0.15 else ""
            for _ in members
        )
        name = f"{index:05d}_{hashlib.sha256(f'{index}:{layout}'.encode()).hexdigest()[:16]}.txt"
        profiles.append(Profile(name, layout, owner_index, header, tuple(members), versions))
    return profiles


def arxiv_sort_key(ident: str) -> str:
    """Chronological order of ids: old-style ``hep-th/9901001`` before new-style ``0704.0001``."""
    if "/" in ident:
        digits = ident.split("/")[1]
        century = "19" if int(digits[:2]) >= 91 else "20"
        return f"{century}{digits[:4]}.{digits[4:]}"
    return f"20{ident}"


# --------------------------------------------------------------------------- dumps


def author_names(paper: Paper, people: Sequence[Person]) -> list[str]:
    """Display names in list order, organizations included, letterless noise left out."""
    names = [people[p].display for p in paper.authors]
    for position, raw in paper.noise:
        if any(ch.isalpha() for ch in raw):
            names.insert(position, raw.removesuffix(", null"))
    return names


def author_line(paper: Paper, people: Sequence[Person]) -> str:
    tokens = [people[p].token_pair for p in paper.authors]
    for position, raw in paper.noise:
        tokens.insert(position, raw)
    return ", ".join(tokens)


def dump_lines(profile: Profile, corpus: SynthCorpus) -> Iterator[str]:
    papers = corpus.papers
    if profile.layout == "titled":
        yield profile.header or ""
        for p in profile.papers:
            yield papers[p].title
            yield author_line(papers[p], corpus.people)
            yield papers[p].abstract
    elif profile.layout == "abstract":
        yield profile.header or ""
        for p in profile.papers:
            yield f"Abstract:{papers[p].abstract}"
    else:
        yield from listing_lines(profile, papers)


def listing_lines(profile: Profile, papers: Sequence[Paper]) -> Iterator[str]:
    pending = ""
    for p, version in zip(profile.papers, profile.versions, strict=True):
        yield f"{pending}{papers[p].abstract}"
        comments = papers[p].comments
        if comments:
            yield comments
        pending = f"arXiv:{papers[p].arxiv}{version}"
    if pending:
        yield pending


def dump_bytes(profile: Profile, corpus: SynthCorpus) -> bytes:
    """The file as a real dump might look: some CRLF, some BOM, some without a final newline."""
    digest = hashlib.sha256(f"{corpus.seed}:{profile.file}".encode()).digest()
    crlf, bom, no_final = digest[0] < 26, digest[1] < 13, digest[2] < 52
    newline = "\r\n" if crlf else "\n"
    text = newline.join(dump_lines(profile, corpus)) + ("" if no_final else newline)
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


# --------------------------------------------------------------------------- queries


def person_url(person: Person) -> str:
    return f"authors/{slugify(person.display)}/"


def paper_url(paper: Paper) -> str:
    return f"papers/{slugify(paper.title)}/"


def queryable_people(corpus: SynthCorpus) -> list[int]:
    """People whose id is certain: real names, authors, not the owner of a header-named profile."""
    named_owners = {prof.owner for prof in corpus.profiles if prof.layout == "abstract"}
    authors = sorted({a for paper in corpus.papers for a in paper.authors})
    return [
        p
        for p in authors
        if p not in named_owners
        and slugify(corpus.people[p].display).count("-") >= 1
        and corpus.people[p].first
    ]


def make_queries(rng: random.Random, corpus: SynthCorpus) -> list[Query]:
    makers = (
        (title_queries, 8),
        (prefix_queries, 6),
        (typo_queries, 7),
        (abstract_queries, 7),
        (author_queries, 6),
        (author_ascii_queries, 5),
        (surname_topic_queries, 6),
        (arxiv_queries, 5),
    )
    queries: list[Query] = []
    for make, count in makers:
        queries.extend(make(rng, corpus, count))
    return queries


def sample_papers(rng: random.Random, corpus: SynthCorpus, count: int) -> list[int]:
    return rng.sample(range(len(corpus.papers)), min(count, len(corpus.papers)))


def title_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    return [
        Query(corpus.papers[p].title, "title", paper_url(corpus.papers[p]))
        for p in sample_papers(rng, corpus, count)
    ]


def prefix_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """The start of a title as typed so far, long enough to single the paper out."""
    ordered = sorted(paper.title.lower() for paper in corpus.papers)
    queries: list[Query] = []
    for p in sample_papers(rng, corpus, 4 * count):
        title = corpus.papers[p].title.lower()
        for end in range(8, len(title)):
            prefix = title[:end]
            if title[end - 1] != " " and count_prefixed(ordered, prefix) == 1:
                queries.append(Query(prefix, "prefix", paper_url(corpus.papers[p])))
                break
        if len(queries) == count:
            break
    return queries


def count_prefixed(ordered: Sequence[str], prefix: str) -> int:
    """How many strings of the sorted ``ordered`` start with ``prefix``."""
    start = bisect.bisect_left(ordered, prefix)
    end = start
    while end < len(ordered) and ordered[end].startswith(prefix) and end - start < 2:
        end += 1
    return end - start


def typo_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """Three title words with one long word misspelt (two inner letters swapped)."""
    titles = "\n".join(paper.title.lower().replace(":", "") for paper in corpus.papers)
    queries: list[Query] = []
    for p in sample_papers(rng, corpus, 4 * count):
        words = corpus.papers[p].title.lower().replace(":", "").split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
        if not long_words:
            continue
        i = rng.choice(long_words)
        start = max(0, min(i - 1, len(words) - 3))
        window = words[start : start + 3]
        if titles.count(" ".join(window)) != 1:
            continue
        word = words[i]
        j = rng.randint(1, len(word) - 3)
        misspelt = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        if misspelt == word:
            continue
        window[i - start] = misspelt
        queries.append(Query(" ".join(window), "typo", paper_url(corpus.papers[p])))
        if len(queries) == count:
            break
    return queries


def abstract_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """Five consecutive plain words of an abstract that occur in no other abstract."""
    abstracts = "\n".join(paper.abstract.lower() for paper in corpus.papers)
    queries: list[Query] = []
    for p in sample_papers(rng, corpus, 4 * count):
        words = corpus.papers[p].abstract.lower().split()
        if len(words) < 8:
            continue
        start = rng.randint(0, len(words) - 5)
        window = words[start : start + 5]
        if not all(re.fullmatch(r"[a-z-]+", w) for w in window):
            continue
        phrase = " ".join(window)
        if abstracts.count(phrase) == 1:
            queries.append(Query(phrase, "abstract", paper_url(corpus.papers[p])))
        if len(queries) == count:
            break
    return queries


def author_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """Full names as displayed, half of them with letters outside ASCII."""
    people = queryable_people(corpus)
    accented = [p for p in people if not corpus.people[p].display.isascii()]
    plain = [p for p in people if corpus.people[p].display.isascii()]
    chosen = rng.sample(accented, min(len(accented), count // 2))
    chosen += rng.sample(plain, min(len(plain), count - len(chosen)))
    return [Query(corpus.people[p].display, "author", person_url(corpus.people[p])) for p in chosen]


def author_ascii_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """Accented names typed without their accents: ``Aleksander Madry``."""
    accented = [p for p in queryable_people(corpus) if not corpus.people[p].display.isascii()]
    chosen = rng.sample(accented, min(len(accented), count))
    return [
        Query(ascii_fold(corpus.people[p].display), "author_ascii", person_url(corpus.people[p]))
        for p in chosen
    ]


def title_words(title: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9-]+", title.lower()) if w and w not in STOPWORDS}


def surname_topic_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    """``<surname> <topic word>`` matching exactly one paper: how people recall a paper."""
    topic_words = {w.lower() for words in FIELDS.values() for w in words.split()}
    words_of = [sorted(title_words(paper.title) & topic_words) for paper in corpus.papers]
    by_surname: dict[str, list[int]] = {}
    for index, paper in enumerate(corpus.papers):
        for a in paper.authors:
            last = corpus.people[a].last
            if last and corpus.people[a].first and "-" not in last:
                by_surname.setdefault(last, []).append(index)
    queries: list[Query] = []
    for p in sample_papers(rng, corpus, 20 * count):
        surnames = sorted({corpus.people[a].last or "" for a in corpus.papers[p].authors})
        surnames = [s for s in surnames if s in by_surname]
        if not surnames or not words_of[p]:
            continue
        surname = rng.choice(surnames)
        topic = distinctive_words(rng, words_of, p, by_surname[surname])
        if topic:
            query = f"{surname} {' '.join(topic)}"
            queries.append(Query(query, "surname_topic", paper_url(corpus.papers[p])))
        if len(queries) == count:
            break
    return queries


def distinctive_words(
    rng: random.Random, words_of: Sequence[Sequence[str]], paper: int, among: Sequence[int]
) -> tuple[str, ...]:
    """One title word, else two, that only ``paper`` has among the papers ``among``."""
    singles = [(w,) for w in words_of[paper]]
    pairs = list(itertools.combinations(words_of[paper], 2))
    for group in (singles, pairs):
        rng.shuffle(group)
        for words in group:
            if sum(all(w in words_of[q] for w in words) for q in among) == 1:
                return words
    return ()


def arxiv_queries(rng: random.Random, corpus: SynthCorpus, count: int) -> list[Query]:
    listed = sorted(corpus.listed())
    chosen = rng.sample(listed, min(len(listed), count))
    forms = ("{}", "arXiv:{}", "{}v1", "{}")
    return [
        Query(
            rng.choice(forms).format(corpus.papers[p].arxiv), "arxiv", paper_url(corpus.papers[p])
        )
        for p in chosen
    ]


# --------------------------------------------------------------------------- entry points


def make_corpus(n_papers: int, seed: int = 0) -> SynthCorpus:
    """The whole synthetic corpus in memory; nothing is written."""
    if n_papers < 1:
        raise ValueError(f"n_papers must be at least 1, got {n_papers}")
    rng = random.Random(seed)
    n_titled, n_abstract, n_listing = profile_counts(n_papers)
    people = make_people(rng, max(60, n_papers * 13 // 10))
    titled_owners = rng.sample(range(len(people) // 3), min(n_titled, n_papers))
    papers = make_papers(rng, n_papers, len(people), titled_owners)
    profiles = make_profiles(rng, people, papers, titled_owners, n_abstract, n_listing)
    corpus = SynthCorpus(seed, tuple(people), tuple(papers), tuple(profiles), ())
    queries = make_queries(random.Random(seed + 1), corpus)
    return SynthCorpus(seed, tuple(people), tuple(papers), tuple(profiles), tuple(queries))


def write_corpus(dest: Path, n_papers: int, seed: int = 0) -> CorpusStats:
    """Write ``dest/site_src/{corpus/*.txt,site.yaml}`` and ``dest/queries.json``."""
    corpus = make_corpus(n_papers, seed)
    return write_synth(dest, corpus)


def write_synth(dest: Path, corpus: SynthCorpus) -> CorpusStats:
    corpus_dir = dest / "site_src" / "corpus"
    if corpus_dir.is_dir() and any(corpus_dir.iterdir()):
        raise ScholarsiteError(
            f"{corpus_dir}: already holds files; write the synthetic corpus into an empty "
            "directory so no stale dump joins it"
        )
    corpus_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for profile in corpus.profiles:
        data = dump_bytes(profile, corpus)
        (corpus_dir / profile.file).write_bytes(data)
        written += len(data)
    (dest / "site_src" / "site.yaml").write_text("title: Synthetic corpus\n", encoding="utf-8")
    queries = [{"q": q.q, "kind": q.kind, "expect": q.expect} for q in corpus.queries]
    (dest / "queries.json").write_text(
        json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return corpus_stats(corpus, written)


def corpus_stats(corpus: SynthCorpus, bytes_written: int) -> CorpusStats:
    layouts = [profile.layout for profile in corpus.profiles]
    return CorpusStats(
        papers=len(corpus.papers),
        people=len({a for paper in corpus.papers for a in paper.authors}),
        profiles_titled=layouts.count("titled"),
        profiles_abstract=layouts.count("abstract"),
        profiles_listing=layouts.count("listing"),
        author_slots=sum(len(paper.authors) for paper in corpus.papers),
        bytes_written=bytes_written,
        queries=len(corpus.queries),
    )
