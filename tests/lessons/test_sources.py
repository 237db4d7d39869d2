"""What a trainee reads as a lesson's sources: the document and its chapter, never the seed
files' line numbers; published sources as cited; each document and chapter once."""

from __future__ import annotations

from flask import Flask

from trainer.lessons.sources import describe, describe_all


def test_a_seed_reference_reads_as_document_and_chapter(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert describe("003 L1102-1106", "en") == (
            "Introduction to Customer Service and Call-Centre Practice (4th edition), "
            "Chapter 3, goals of customer management"
        )
        assert describe("002 S61", "en") == (
            "Customer Service Management (slides), Chapter 3, customer-service skills"
        )
        # The table of contents, where projects 2-8 exist only as headings.
        assert describe("000 L244-256", "en").endswith("table of contents")


def test_no_line_or_slide_number_reaches_the_trainee(app: Flask) -> None:
    with app.test_request_context("/?lang=zh"):
        shown = describe("000 L170-L181", "zh")
        assert shown == "《客户关系管理(修订本)》，目录"
        assert "170" not in shown and "181" not in shown


def test_published_sources_and_practice(app: Flask) -> None:
    citation = "ext: Reichheld, F. F. & Sasser, W. E. (1990). Zero Defections. HBR 68(5)"
    with app.test_request_context("/?lang=en"):
        assert describe(citation, "en") == citation.removeprefix("ext: ")
        assert describe("practice", "en") == "Written from professional practice"


def test_each_document_and_chapter_is_listed_once(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        shown = describe_all(["003 L1102-1106", "003 L926-928", "003 L60", "practice"], "en")
    assert len(shown) == 3
    assert shown[-1] == "Written from professional practice"
