"""GET /docs: Swagger UI for the OpenAPI schema, served from the swagger-ui-bundle-v2 package (no CDN)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
ASSETS_URL = "/docs-assets"

router = APIRouter(tags=["ops"])


@router.get("/docs", include_in_schema=False)
def swagger_ui() -> HTMLResponse:
    """Interactive API docs with the request examples; every asset comes from this service."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="promo-agents API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
    )
