"""GET /metrics: Prometheus text with requests by route and status, latency, in-flight work, tokens."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from prometheus_client.parser import text_string_to_metric_families

from service.metrics import ServiceMetrics, TokenMetrics
from tests.service_support import served_app
from tests.unit.conftest import make_campaign
from tools.services import Services


def test_metrics_are_prometheus_text_by_route_template(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        served.client.get("/v1/models", headers=served.auth())
        served.client.get("/v1/models")
        served.client.delete("/v1/users/u-zh-1", headers=served.auth())
        served.client.get("/no/such/page")
        body = {"user_id": "u-zh-1", "campaign": make_campaign().model_dump(mode="json")}
        assert served.client.post("/v1/promotions", json=body, headers=served.auth()).status_code == 200
        response = served.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in families["promo_http_requests"].samples
        if s.name.endswith("_total")
    }
    assert requests[("GET", "/v1/models", "200")] == 1
    assert requests[("GET", "/v1/models", "401")] == 1
    assert requests[("DELETE", "/v1/users/{user_id}", "403")] == 1
    assert requests[("GET", "unmatched", "404")] == 1
    assert not any("u-zh-1" in route for _, route, _ in requests)
    latency = families["promo_http_request_duration_seconds"].samples
    assert any(s.name.endswith("_bucket") and s.labels["le"] == "+Inf" for s in latency)
    assert families["promo_http_requests_in_flight"].samples[0].value == 1  # this very request
    assert {"promo_llm_calls", "promo_llm_tokens", "promo_rejected", "promo_jobs_running"} <= set(families)


def test_llm_tokens_are_counted_from_usage_metadata() -> None:
    metrics = ServiceMetrics()
    message = AIMessage(content="ok", usage_metadata={"input_tokens": 120, "output_tokens": 30, "total_tokens": 150})
    TokenMetrics(metrics).on_llm_end(LLMResult(generations=[[ChatGeneration(message=message)]]), run_id=uuid4())
    text = metrics.text().decode()
    assert "promo_llm_calls_total 1.0" in text
    assert 'promo_llm_tokens_total{kind="prompt"} 120.0' in text
    assert 'promo_llm_tokens_total{kind="completion"} 30.0' in text


def test_the_chat_page_is_served_with_a_strict_content_policy(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        page = served.client.get("/")
        script = served.client.get("/static/app.js")
        style = served.client.get("/static/style.css")
        openapi = served.client.get("/openapi.json").json()
        docs = served.client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert script.status_code == 200 and style.status_code == 200
    for text in (page.text, script.text, style.text):
        assert "http://" not in text and "https://" not in text, "nothing may load from another origin"
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text  # served here, no CDN
    chat = openapi["paths"]["/v1/chat/completions"]["post"]
    assert chat["summary"] and chat["description"].startswith("Talk to the campaign assistant")
    schema = openapi["components"]["schemas"]["PromotionRequest"]
    assert schema["examples"][0]["campaign"]["campaign_id"] == "d11-thermos"
