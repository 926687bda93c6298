"""The three dump layouts, and the real-world mess SPEC §2 lists, parsed without loss."""

from __future__ import annotations

import pytest

from scholarsite.corpus import Layout, Name, RawProfile, parse_dump

TITLED = (
    "Lu, Cheng\n"
    "Simplifying, Stabilizing and Scaling Continuous-Time Consistency Models\n"
    "Lu, Cheng, Song, Yang\n"
    "Consistency models (CMs) are a powerful class of diffusion-based generative models optimized "
    "for fast sampling. Most existing CMs are trained using discretized timesteps.\n"
    "GPT-4o System Card\n"
    "OpenAI, null, :, null, Hurst, Aaron, O'Connell, Ian, O'Connell, Ian\n"
    "GPT-4o is an autoregressive omni model that accepts as input any combination of text, audio, "
    "image, and video, and generates any combination of text, audio, and image outputs.\n"
)

LISTING = (
    "Abstract one is about compatible families of real-rooted polynomials and their many uses "
    "in combinatorics and elsewhere in mathematics.\n"
    "arXiv:2410.21276Abstract two studies hyperparameter transfer across widths of neural "
    "networks with billions of parameters and more.\n"
    "NeurIPS 2021\n"
    "18pp\n"
    "arXiv:2407.16226v2An old-style entry about string theory dualities and their consequences "
    "for black hole entropy and holography in general.\n"
    "arXiv:hep-th/9901001"
)


def parse(text: str | bytes, name: str = "corpus/x.txt") -> RawProfile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_dump(data, name)


def messages(profile: RawProfile) -> list[str]:
    return [f"{p.line}: {p.message}" for p in profile.problems]


def assert_accounted(profile: RawProfile) -> None:
    non_blank = {line.number for line in profile.source_lines if line.text.strip()}
    assert non_blank <= profile.accounted_lines()


def test_titled_layout_gives_triples_with_paired_authors() -> None:
    profile = parse(TITLED)
    assert profile.layout is Layout.TITLED
    assert profile.owner == Name("Lu", "Cheng")
    first, second = profile.records
    assert first.title.startswith("Simplifying, Stabilizing")
    assert first.authors == (Name("Lu", "Cheng"), Name("Song", "Yang"))
    assert first.abstract.startswith("Consistency models")
    assert (first.line, second.line) == (2, 5)
    assert_accounted(profile)


def test_null_parts_noise_pairs_and_repeats_in_author_lists() -> None:
    authors = parse(TITLED).records[1].authors
    assert authors == (Name("OpenAI", None), Name("Hurst", "Aaron"), Name("O'Connell", "Ian"))
    notes = messages(parse(TITLED))
    assert any(m.startswith("6: dropped the author pair ':, null'") for m in notes)
    assert any(m.startswith('6: "O\'Connell, Ian" is listed twice') for m in notes)


def test_abstract_only_layout_with_a_bare_owner_name() -> None:
    profile = parse("Tony\nAbstract:First abstract text.\nAbstract: Second, with a space.\n")
    assert profile.layout is Layout.ABSTRACTS
    assert profile.owner == Name("Tony", None)
    assert [r.abstract for r in profile.records] == [
        "First abstract text.",
        "Second, with a space.",
    ]
    assert [r.line for r in profile.records] == [2, 3]
    assert profile.problems == []


def test_listing_ids_attach_to_the_entry_before_them() -> None:
    profile = parse(LISTING)
    assert profile.layout is Layout.LISTING
    assert profile.owner is None
    ids = [(r.abstract.split()[1], r.arxiv, r.comments) for r in profile.records]
    assert ids == [
        ("one", "2410.21276", ()),
        ("two", "2407.16226", ("NeurIPS 2021", "18pp")),
        ("old-style", "hep-th/9901001", ()),
    ]
    assert profile.problems == []
    assert_accounted(profile)


def test_listing_entry_without_a_following_id_is_kept_with_a_warning() -> None:
    profile = parse(LISTING.rsplit("\n", 1)[0])
    assert profile.records[-1].arxiv is None
    assert any("no arXiv identifier" in m for m in messages(profile))


@pytest.mark.parametrize(
    ("mangle", "label"),
    [
        (lambda t: t.replace("\n", "\r\n"), "CRLF"),
        (lambda t: "\ufeff" + t, "BOM"),
        (lambda t: t.replace("\n", "\n\n"), "blank lines"),
        (lambda t: t.replace("\n", "   \n"), "trailing spaces"),
        (lambda t: t.rstrip("\n"), "no final newline"),
    ],
)
def test_harmless_mess_parses_to_the_same_records(mangle: object, label: str) -> None:
    clean = parse(TITLED)
    messy = parse(mangle(TITLED))  # type: ignore[operator]
    assert [(r.title, r.authors, r.abstract) for r in messy.records] == [
        (r.title, r.authors, r.abstract) for r in clean.records
    ], label
    assert_accounted(messy)


def test_bytes_that_are_not_utf8_are_kept_and_reported() -> None:
    data = "Tony\nAbstract:Caf\u00e9 society.\n".encode("latin-1")
    profile = parse(data)
    assert profile.records[0].abstract == "Caf\u00e9 society."
    assert any(m.startswith("2: bytes that are not UTF-8") for m in messages(profile))


def test_titled_entry_cut_short_is_reported_not_dropped() -> None:
    profile = parse("Lu, Cheng\nA Title Only\nLu, Cheng, Song, Yang\n")
    (record,) = profile.records
    assert record.title == "A Title Only" and record.abstract is None
    assert any("cut short" in m for m in messages(profile))
    assert_accounted(profile)


def test_missing_author_line_does_not_shift_later_papers() -> None:
    lines = TITLED.splitlines()
    del lines[2]  # the first paper's author list
    profile = parse("\n".join(lines) + "\n")
    first, second = profile.records
    assert first.authors is None and first.abstract.startswith("Consistency models")
    assert second.title == "GPT-4o System Card" and second.authors is not None
    assert any("no author list" in m for m in messages(profile))


def test_empty_file_is_a_warning_not_a_crash() -> None:
    profile = parse("")
    assert profile.layout is Layout.EMPTY and profile.records == []
    assert messages(profile) == ["1: empty dump"]
