"""An identical draft for an identical profile is scored once when a generation cache is shared."""

from __future__ import annotations

from pathlib import Path

from agents.critic import critique
from domain.copy import Draft
from domain.review import Critique
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import CRITIQUE
from tools.llm.generation_cache import GenerationCache


def test_second_identical_critique_comes_from_the_cache(tmp_path: Path) -> None:
    model = ScriptedChatModel().script(Critique, default=CRITIQUE)
    cache = GenerationCache(tmp_path / "generations.sqlite")
    draft = Draft(variant_id="v", channel="push", locale="zh", title="好价", body="满300减50", cta="去看看", attempt=0)
    first = critique(model, draft, ["保温杯"], "亲切", "v1", cache, "m")
    second = critique(model, draft.model_copy(update={"variant_id": "w"}), ["保温杯"], "亲切", "v1", cache, "m")
    assert first == second == CRITIQUE
    assert len(model.calls) == 1 and cache.hits == 1
    critique(model, draft, ["咖啡"], "亲切", "v1", cache, "m")  # another profile: a new call
    assert len(model.calls) == 2
    cache.close()
