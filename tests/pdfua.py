"""PDF/UA-1 validation for the tests: `page` (PyPI: page-validation), a validator of its own
(Rust, no JVM) whose PDF/UA-1 profile follows the Matterhorn Protocol's machine-checkable
failure conditions. What it covers and what it cannot: docs/accessibility.md."""
from __future__ import annotations

from pathlib import Path


def pdfua_failures(pdf: Path) -> list[str]:
    """Every failed PDF/UA-1 rule of the file as '[RULE-ID] message'; empty when it conforms.

    The profile is named, not read from the file: a PDF that does not claim PDF/UA (no
    pdfuaid in its XMP) is checked against PDF/UA-1 all the same, and fails."""
    import page

    report = page.validate_pdf(str(pdf), profile=page.ValidationProfile.PDF_UA_1)
    failures = [f"[{f.rule_id}] {f.message}" for f in report.failures]
    assert report.is_compliant == (not failures), (report.is_compliant, failures)
    assert report.rules.total >= 100, "the PDF/UA-1 profile ran fewer rules than it has"  # 104 in 0.11
    return failures


def failed_rules(pdf: Path) -> set[str]:
    return {f[1:].split("]", 1)[0] for f in pdfua_failures(pdf)}
