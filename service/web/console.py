"""GET /review: the console page; its script and styles under /review/static. The page holds no data: the
script reads everything through the JSON API with the reviewer's key, so the API's auth and roles apply."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
# Only this origin's script and styles; no inline script, no third party (there is no network at run time).
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"


def install(app: FastAPI) -> None:
    page = (HERE / "templates" / "review.html").read_text(encoding="utf-8")

    async def review_console() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})

    app.add_api_route("/review", review_console, methods=["GET"], include_in_schema=False)
    app.mount("/review/static", StaticFiles(directory=HERE / "static"), name="review-static")
