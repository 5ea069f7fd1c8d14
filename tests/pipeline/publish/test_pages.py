"""The published pages read like the description: parsed, not grepped."""

from __future__ import annotations

from pathlib import Path

from tests.pipeline.publish.conftest import soup
from tests.support.seed_hearing import QA_TITLE, SLUG, VIDEO

QA_PAGE = f"{SLUG}/chapter/questions-about-nypd-s-potential-access-to-mycity-portal-data"


def test_chapter_page_shows_kind_start_length_title_summary_bullets(site: Path) -> None:
    page = soup(site / QA_PAGE / "index.html")
    meta = page.select_one("article.chapter .meta")
    assert meta is not None
    assert " ".join(meta.get_text().split()) == "Q&A · 2:29:06 · 126 sec"
    assert page.select_one(".meta .kind").get_text() == "Q&A"
    assert page.select_one("h1.title").get_text() == QA_TITLE
    assert page.title.get_text().startswith(QA_TITLE)
    summary = page.select_one("p.summary").get_text()
    assert "Council Member Jennifer Gutiérrez inquires" in summary
    assert [li.get_text() for li in page.select("ul.bullets li")] == [
        "Gutiérrez asks about data sharing",
        "Gerber is unfamiliar with the portal",
        "Follow-up promised in writing",
    ]


def test_each_line_has_its_speaker_and_a_link_to_the_video_at_that_second(site: Path) -> None:
    page = soup(site / QA_PAGE / "index.html")
    read = []
    for turn in page.select(".transcript .turn"):
        name = turn.select_one(".speaker .name").get_text()
        for line in turn.select("p.line"):
            link = line.select_one("a.time")
            read.append((name, link.get_text(), link["href"], line.select_one(".text").get_text()))
    assert read == [
        ("Jennifer Gutiérrez", "2:29:06", f"{VIDEO}#t=8946", "I have just one more question."),
        ("Jennifer Gutiérrez", "2:29:36", f"{VIDEO}#t=8976",
         "Does the NYPD have access to data from the portal?"),
        ("Michael Gerber", "2:30:07", f"{VIDEO}#t=9007", "I am not familiar with that portal."),
        ("Michael Gerber", "2:30:37", f"{VIDEO}#t=9037", "We will follow up with the committee."),
        ("Jennifer Gutiérrez", "2:31:08", f"{VIDEO}#t=9068", "Thank you."),
    ]  # fmt: skip
    roles = [role.get_text() for role in page.select(".speaker .role")]
    assert roles[:2] == ["Chair · NYC Council", "Deputy Commissioner · NYPD"]
    assert page.select("p.line")[0]["id"] == "line-2"


def test_previous_and_next_skip_the_draft_chapter(site: Path) -> None:
    qa = soup(site / QA_PAGE / "index.html")
    assert qa.select_one("a[rel=prev]")["href"] == "../opening-remarks-by-chair-gutierrez/"
    assert qa.select_one("a[rel=next]")["href"] == "../vote-on-int-1234/"
    vote = soup(site / SLUG / "chapter/vote-on-int-1234/index.html")
    assert vote.select_one("a[rel=prev]")["href"].startswith("../questions-about-nypd")
    assert vote.select_one("a[rel=next]") is None


def test_hearing_page_lists_committee_date_length_agenda_and_chapters(site: Path) -> None:
    page = soup(site / SLUG / "index.html")
    assert page.select_one("h1.committee").get_text() == "Committee on Technology"
    meta = " ".join(page.select_one(".meta").get_text().split())
    assert meta == "Tuesday, October 22, 2024 · 10:00 AM · 2 h 32 min"
    assert "MyCity portal" in page.select_one("p.summary").get_text()
    assert "Int 1234-2024" in page.select_one(".agenda li").get_text()
    chapters = [
        (
            item.select_one(".kind").get_text(),
            item.select_one(".title").get_text(),
            item.select_one(".start").get_text(),
            item.select_one(".duration").get_text(),
            item.a["href"],
        )
        for item in page.select(".chapter-list li")
    ]
    assert chapters == [
        ("Opening remarks", "Opening remarks by Chair Gutiérrez", "0:00:00", "29 sec",
         "chapter/opening-remarks-by-chair-gutierrez/"),
        ("Q&A", QA_TITLE, "2:29:06", "126 sec",
         "chapter/questions-about-nypd-s-potential-access-to-mycity-portal-data/"),
        ("Vote", "Vote on Int 1234", "2:32:03", "4 sec", "chapter/vote-on-int-1234/"),
    ]  # fmt: skip


def test_index_lists_hearings_by_date_and_by_committee(site: Path) -> None:
    page = soup(site / "index.html")
    by_date = page.select_one("section.by-date")
    assert by_date.h3.get_text() == "Tuesday, October 22, 2024"
    assert by_date.select_one("li a")["href"] == f"{SLUG}/"
    by_committee = page.select_one("section.by-committee")
    assert by_committee.h3.get_text() == "Committee on Technology"
    assert (site / "style.css").is_file()
    assert page.select_one("link[rel=stylesheet]")["href"] == "style.css"
    assert not page.select("script")


def test_pages_need_no_javascript(site: Path) -> None:
    for path in site.rglob("*.html"):
        assert not soup(path).select("script"), path
