"""A browser that speaks only through `handler`: it turns a URL into the event a given front door
would send, reads the answer, and keeps cookies exactly as a browser would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from reservations.lambda_app import handler
from tests.lambda_app.events import (
    CUSTOM_HOST,
    HTTP_API_HOST,
    REST_HOST,
    Answer,
    make_alb_event,
    make_v1_event,
    make_v2_event,
    read_response,
)

# Every front door a Browser can come through: kind, host, stage, the prefix its links carry
KINDS = [
    ("v1", REST_HOST, "dev", "/dev"),
    ("v1-single", REST_HOST, "dev", "/dev"),  # a console test event: no multiValueHeaders
    ("v2", HTTP_API_HOST, "Prod", "/Prod"),
    ("v2", CUSTOM_HOST, "$default", ""),
    ("alb", CUSTOM_HOST, "$default", ""),
    ("alb-single", CUSTOM_HOST, "$default", ""),
]
KIND_IDS = ["v1", "v1-no-multivalue", "v2-stage", "v2-custom-domain", "alb-multivalue", "alb-single"]


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": attributes.get("action", ""), "method": attributes.get("method", "get"), "fields": {}}
            )
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")


def forms(html: str) -> dict[str, dict[str, str]]:
    """POST forms on a page: action → the fields they would submit as they are."""
    parser = FormParser()
    parser.feed(html)
    return {form["action"]: form["fields"] for form in parser.forms if form["method"].lower() == "post"}


@dataclass
class Browser:
    """Turns 'the browser asks for this URL path' into the event the given front door would send,
    and keeps cookies exactly as a browser would."""

    kind: str  # v1, v1-single, v2, alb, alb-single
    host: str
    stage: str = "$default"
    jar: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> Answer:
        return self.request("GET", url)

    def post(self, url: str, data: dict[str, str]) -> Answer:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}"}
        return self.request("POST", url, headers=headers, body=urlencode(data).encode())

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes = b"") -> Answer:
        path, _, query = url.partition("?")
        headers = {"Accept": "text/html", **(headers or {})}
        cookie_pairs = [f"{name}={value}" for name, value in self.jar.items()]
        if cookie_pairs and self.kind != "v2":
            headers["Cookie"] = "; ".join(cookie_pairs)
        if self.kind in ("v1", "v1-single"):
            event = make_v1_event(
                method=method,
                path=path,
                query=query,
                host=self.host,
                stage=self.stage,
                headers=headers,
                body=body,
                multi_value=self.kind == "v1",
            )
        elif self.kind == "v2":
            lower = {k.lower(): v for k, v in headers.items()}
            event = make_v2_event(
                method=method,
                raw_path=path,
                query=query,
                host=self.host,
                stage=self.stage,
                headers=lower,
                cookies=cookie_pairs,
                body=body,
            )
        else:
            lower = {k.lower(): v for k, v in headers.items()}
            event = make_alb_event(
                method=method,
                path=path,
                query=query,
                host=self.host,
                headers=lower,
                body=body,
                multi_value=self.kind == "alb",
            )
        answer = read_response(event, handler(event, None))
        for line in answer.set_cookies:
            self.store(line)
        return answer

    def store(self, set_cookie: str) -> None:
        parsed = SimpleCookie()
        parsed.load(set_cookie)
        assert parsed, f"unparseable Set-Cookie: {set_cookie!r}"
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.coded_value  # sent back exactly as received
