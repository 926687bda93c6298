"""``scholarsite check``: lint the corpus and validate the built site.

The built site: every internal link and ``#fragment`` resolves — at a domain root, under a
subpath (``/repo/``) and from ``file://`` —, no two outputs collide, the build matches the
source, and every paper page carries the tags Google Scholar requires. The corpus: likely name
variants of one person (ranked, with the ``curation.yaml`` lines that would merge them),
untitled papers, papers without authors or year, and unacknowledged source warnings.

Errors (the site is broken) and warnings (the data is incomplete, or two names are likely one
person) are both problems: the command exits 1 on either, or only on errors when asked to
(``fail_on=ERROR``). Acknowledged source warnings are not listed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scholarsite.build import SiteInput, read_site
from scholarsite.check.corpus import corpus_findings, variant_finding
from scholarsite.check.findings import ERROR, WARNING, Finding, error
from scholarsite.check.site import read_built_site, site_findings
from scholarsite.check.variants import Variant, curation_snippet, likely_variants
from scholarsite.errors import BuildFailed, SourceError
from scholarsite.naming import name_key

EXIT_OK, EXIT_FAILED = 0, 1


def run_check(
    source: Path, output: Path, *, as_json: bool, stream: TextIO, fail_on: str = WARNING
) -> int:
    """Check ``source`` and the site built from it in ``output``; report; 1 if any finding is
    at least as bad as ``fail_on`` (a warning or an error)."""
    findings, variants = check_all(source, output)
    failing = [f for f in findings if fail_on == WARNING or f.severity == ERROR]
    if as_json:
        stream.write(json_report(findings, variants, ok=not failing))
    else:
        stream.write(text_report(findings, variants, output))
    return EXIT_FAILED if failing else EXIT_OK


def check_all(source: Path, output: Path) -> tuple[list[Finding], list[Variant]]:
    try:
        site = read_site(source)
    except BuildFailed as failure:
        return [error("source", p.file, p.line, p.message) for p in failure.problems], []
    except SourceError as failure:
        found = failure.problem
        return [error("source", found.file, found.line, found.message)], []
    variants = [v for v in likely_variants(site.corpus.people) if not _told_apart(v, site)]
    findings = corpus_findings(site) + [variant_finding(v) for v in variants]
    if not output.is_dir():
        findings.append(
            error(
                "build",
                str(output),
                0,
                "no built site here: run `scholarsite build` first (or pass --output DIR)",
            )
        )
    else:
        built = read_built_site(output)
        findings += site_findings(built, site)
    return sorted(set(findings), key=_finding_order), variants


def _told_apart(variant: Variant, site: SiteInput) -> bool:
    """Whether curation says the two spellings are different people."""
    pair = {name_key(person.name or "") for person in (variant.keep, variant.other)}
    return any(
        pair <= {name_key(n.display) for n in names} for names, _ in site.curation.different_people
    )


def _finding_order(f: Finding) -> tuple[int, str, int, str, str]:
    return (f.severity != ERROR, f.file, f.line, f.kind, f.message)


def json_report(findings: Sequence[Finding], variants: Sequence[Variant], ok: bool) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    data = {
        "ok": ok,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
        "name_variants": [
            {
                "names": list(v.names),
                "ids": [v.keep.id, v.other.id],
                "score": v.score,
                "reason": v.reason,
                "fix": v.snippet(),
            }
            for v in variants
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def text_report(findings: Sequence[Finding], variants: Sequence[Variant], output: Path) -> str:
    lines: list[str] = []
    listed = [f for f in findings if f.kind != "name-variant"]
    for finding in listed:
        lines.append(
            f"{finding.severity}: {finding.location()}: {finding.message} [{finding.kind}]"
        )
    if variants:
        lines.append("")
        lines.append(f"Likely name variants, most likely first ({len(variants)}):")
        for number, v in enumerate(variants, start=1):
            lines.append(f"  {number}. {v.names[0]} / {v.names[1]}: {v.reason} ({v.score:.2f})")
        lines.append(
            "To merge the ones that are one person, add to curation.yaml (the first "
            "spelling is the one shown):"
        )
        lines += ["  " + line for line in curation_snippet(variants).splitlines()]
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    lines.append("")
    lines.append(
        f"Checked {output}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    return "\n".join(lines) + "\n"
