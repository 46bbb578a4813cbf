"""The API docs page (/api/v1/docs): Swagger UI from local static files, CSP-clean.

The page must load nothing from another host, and every <script> must carry the nonce of the
response's Content-Security-Policy (script-src 'self' + nonce, style-src 'self', no inline
styles or handlers). The browser test renders it in chromium and fails on any CSP violation.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

DOCS = "/api/v1/docs"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: dict[int, str] = {}
        self._open_script: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._open_script = len(self.tags) - 1
            self.script_text[self._open_script] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_script = None

    def handle_data(self, data: str) -> None:
        if self._open_script is not None:
            self.script_text[self._open_script] += data


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def csp_nonce(header: str) -> str:
    script_src = next(d for d in header.split(";") if d.strip().startswith("script-src"))
    match = re.search(r"'nonce-([^']+)'", script_src)
    assert match, header
    return match.group(1)


@pytest.fixture
def docs(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(DOCS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response


def test_docs_page_loads_only_local_static_files_that_exist(docs):
    tags = parse(docs.content.decode())
    urls = [
        attrs[name]
        for _tag, attrs in tags.tags
        for name in ("src", "href")
        if attrs.get(name) is not None
    ]

    assert sorted(urls) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for url in urls:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a local static file"
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", docs.content.decode(), re.I)


def test_every_script_on_the_docs_page_carries_the_csp_nonce(docs):
    header = docs["Content-Security-Policy"]
    nonce = csp_nonce(header)
    tags = parse(docs.content.decode())
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]

    assert len(scripts) == 3
    assert [attrs.get("nonce") for attrs in scripts] == [nonce, nonce, nonce]
    assert "style-src 'self';" in header
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def test_the_only_inline_script_is_json_settings_data(docs):
    tags = parse(docs.content.decode())
    inline = [
        (attrs, tags.script_text[i].strip())
        for i, (tag, attrs) in enumerate(tags.tags)
        if tag == "script" and not attrs.get("src")
    ]

    assert len(inline) == 1
    attrs, text = inline[0]
    assert attrs["type"] == "application/json"
    assert json.loads(text) == {
        "deepLinking": True,
        "layout": "BaseLayout",
        "url": "/api/v1/openapi.json",
        "validatorUrl": None,
    }


def test_docs_page_has_no_inline_styles_or_event_handlers(docs):
    tags = parse(docs.content.decode())

    assert [tag for tag, _attrs in tags.tags if tag == "style"] == []
    offending = [
        (tag, name)
        for tag, attrs in tags.tags
        for name in attrs
        if name == "style" or name.startswith("on")
    ]
    assert offending == []


def test_docs_page_gives_swagger_the_csrf_token_for_try_it_out(client, world):
    client.force_login(world.a.users["worker"])

    response = client.get(DOCS)

    body = next(attrs for tag, attrs in parse(response.content.decode()).tags if tag == "body")
    assert body["data-api-csrf"] == "true"
    assert len(body["data-csrf-token"] or "") == 64
