"""GET /: the chat page (static, no CDN: it works offline)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).parents[1] / "static"
# The page and its assets come from this service only: nothing from any other origin may load.
CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"

router = APIRouter(tags=["chat"])


@router.get("/", include_in_schema=False)
def chat_page() -> FileResponse:
    """The marketer's chat page."""
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})
