"""/api/docs (Swagger UI) and /api/redoc work offline: every script, style and icon they
reference is served by this process, under /api/docs/assets, through the edge guards."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

EXTERNAL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+""")


class References(HTMLParser):
    """Every `src` and `href` in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize(
    ("page", "kinds"),
    [
        ("/api/docs", {"javascript", "css", "image/png"}),
        ("/api/redoc", {"javascript", "image/png"}),
    ],
)
async def test_the_docs_pages_load_only_local_assets(
    start_app: Any, page: str, kinds: set[str]
) -> None:
    async with start_app() as (_, client):
        html = await client.get(page)
        assert html.status_code == 200
        assert html.headers["content-type"].startswith("text/html")
        assert EXTERNAL.findall(html.text) == []  # no CDN, no font service, no validator
        urls = references(html.text)
        assert urls and all(url.startswith("/api/docs/assets/") for url in urls), urls
        served = set()
        for url in urls:
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 0, url
            served |= {kind for kind in kinds if kind in asset.headers["content-type"]}
        assert served == kinds
        assert "/api/openapi.json" in html.text


async def test_swagger_ui_is_pointed_at_our_document_without_the_online_validator(
    start_app: Any,
) -> None:
    async with start_app() as (_, client):
        html = (await client.get("/api/docs")).text
        redirect = await client.get("/api/docs/oauth2-redirect")
        missing = await client.get("/api/docs/assets/nope.js")
    assert "url: '/api/openapi.json'" in html
    assert '"validatorUrl": null' in html
    assert redirect.status_code == 200
    assert missing.status_code == 404  # in the error envelope like any other 404
    assert missing.json()["code"] == "NOT_FOUND" and isinstance(missing.json()["details"], dict)
