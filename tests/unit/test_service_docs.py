"""GET /docs: Swagger UI with every asset from the service itself, and the schema's request examples."""

from __future__ import annotations

from pathlib import Path

from tests.service_support import served_app
from tools.services import Services


def test_docs_page_and_assets_come_from_the_service(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        page = served.client.get("/docs")
        assert page.status_code == 200
        assert "/docs-assets/swagger-ui-bundle.js" in page.text and "/openapi.json" in page.text
        assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<body>")[1]
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            assert served.client.get(f"/docs-assets/{asset}").status_code == 200
        schema = served.client.get("/openapi.json").json()
        assert "/v1/chat/completions" in schema["paths"] and "/v1/promotions" in schema["paths"]
        assert "example" in served.client.get("/openapi.json").text  # request bodies carry examples
