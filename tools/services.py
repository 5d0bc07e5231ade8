"""The clients one process shares: stores, chat models and the targeting policy, built once and reused."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from langchain_core.language_models import BaseChatModel

from tools.llm.banned_tokens import banned_token_bias, restricted_words
from tools.llm.chat_model import LLMEndpoint, make_chat_model
from tools.llm.generation_cache import GenerationCache, open_generation_cache
from tools.settings import Settings
from tools.stores.exemplars import ExemplarStore
from tools.stores.history import HistoryStore, open_history
from tools.stores.shop_db import ShopDB, open_shop_db
from tools.targeting import TargetingPolicy
from tools.targeting.offline.send_threshold import load_threshold
from tools.targeting.scoring import DEFAULT_THRESHOLD
from tools.targeting.variant_bandit import VariantBandit


@dataclass
class Services:
    """Everything the agents call that holds a connection or a model."""

    history: HistoryStore
    shop: ShopDB
    writer_model: BaseChatModel
    critic_model: BaseChatModel
    policy: TargetingPolicy = field(default_factory=TargetingPolicy)
    generation_cache: GenerationCache | None = None
    """Shared generations for identical prompts (campaign runs); None calls the LLM every time."""
    model_name: str = ""
    """The served model's name, part of the cache key."""
    exemplars: ExemplarStore | None = None
    """The style-exemplar pool the copywriter shows the model a few lines from; None shows none."""

    def close(self) -> None:
        """Release the database connections and the Chroma clients."""
        self.shop.close()
        self.history.close()
        if self.exemplars is not None:
            self.exemplars.close()
        if self.generation_cache is not None:
            self.generation_cache.close()


def chat_models(
    settings: Settings, endpoint: LLMEndpoint, http_client: httpx.Client | None = None
) -> tuple[BaseChatModel, BaseChatModel]:
    """The copywriter's and the critic's chat models at `endpoint`.

    The writer never samples the restricted words its server writes as one token (tools/llm/banned_tokens.py).
    """
    bias = banned_token_bias(
        endpoint.base_url, endpoint.model, restricted_words(), api_key=settings.llm_api_key.get_secret_value()
    )
    writer = make_chat_model(endpoint.base_url, endpoint.model, settings, logit_bias=bias, http_client=http_client)
    # The critic scores, it does not create: a low temperature keeps its scores stable.
    critic = make_chat_model(
        endpoint.base_url, endpoint.model, settings, temperature=0.1, max_tokens=120, http_client=http_client
    )
    return writer, critic


def open_services(
    settings: Settings,
    endpoint: LLMEndpoint,
    *,
    cache_generations: bool = False,
    http_client: httpx.Client | None = None,
) -> Services:
    """Build the shared clients from settings, pointed at one OpenAI-compatible endpoint."""
    settings.home.mkdir(parents=True, exist_ok=True)
    writer, critic = chat_models(settings, endpoint, http_client)
    # The variant bandit starts from its prior and learns from feedback (`promo campaign learn`).
    bandit_path = settings.variant_bandit_path
    bandit = VariantBandit.load(bandit_path) if bandit_path.is_file() else VariantBandit()
    # A threshold promoted by off-policy evaluation of past runs replaces the default.
    threshold_path = settings.send_threshold_path
    threshold = load_threshold(threshold_path) if threshold_path.is_file() else DEFAULT_THRESHOLD
    return Services(
        history=open_history(settings),
        shop=open_shop_db(settings),
        writer_model=writer,
        critic_model=critic,
        policy=TargetingPolicy(threshold=threshold, variant_bandit=bandit),
        generation_cache=open_generation_cache(settings) if cache_generations else None,
        model_name=endpoint.model,
        exemplars=ExemplarStore(settings.exemplar_pool_dir),
    )
