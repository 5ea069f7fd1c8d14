"""The editors' search box: drafts included, ranked, linked to the line, escaped."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.pipeline.review.conftest import SLUG, ReviewClient


def _page(client: ReviewClient, **params: str) -> BeautifulSoup:
    response = client.get("/search", params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def test_every_page_has_the_search_box(client: ReviewClient) -> None:
    form = BeautifulSoup(client.get("/").text, "html.parser").select_one("header form.search")
    assert form is not None and form["action"] == "/search" and form["method"] == "get"
    assert form.select_one("input[name=q]") is not None


def test_drafts_are_found_and_linked_to_their_line_or_chapter(client: ReviewClient) -> None:
    page = _page(client, q='"Line 17 about"')
    results = page.select("ol.search-results > li")
    assert len(results) == 1
    assert results[0].a["href"] == f"/hearings/{SLUG}#line-17"
    assert results[0].select_one(".snippet mark").get_text() == "Line 17 about"
    chapters = _page(client, q="Summary chapter 3").select("ol.search-results > li")
    assert chapters[0].a["href"].startswith(f"/hearings/{SLUG}#chapter-")
    assert "Chapter 3 title" in chapters[0].get_text()


def test_markup_in_a_line_is_shown_as_text(client: ReviewClient) -> None:
    page = _page(client, q="alert")
    assert not page.select("main script")
    snippet = page.select_one(".snippet")
    assert "<script>" in snippet.get_text()
    assert [mark.get_text() for mark in snippet.select("mark")] == ["alert"]


def test_an_empty_query_says_so_and_login_is_needed(client: ReviewClient) -> None:
    assert "nothing to search for" in _page(client, q="?!").get_text()
    assert not _page(client).select("ol.search-results")
    client.cookies.clear()
    assert client.get("/search", params={"q": "budget"}, follow_redirects=False).status_code in (
        303, 401, 302,
    )  # fmt: skip
