"""GET /v1/models: what OpenAI clients list before they chat."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import Marketer
from service.schemas.chat import ASSISTANT_MODEL, ModelCard, ModelList

router = APIRouter(prefix="/v1/models", tags=["chat"])


@router.get("")
def list_models(_who: Marketer) -> ModelList:
    """The one model served here: the campaign assistant."""
    return ModelList(data=[ModelCard(id=ASSISTANT_MODEL)])
