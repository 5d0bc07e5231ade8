"""The promotion graph: profile → write → review → (rewrite | fallback | human review) → target."""

from __future__ import annotations

from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.context import Context
from agents.copywriter import write_copy
from agents.critic import review_drafts, route_after_review
from agents.fallback import write_fallback
from agents.human_review import request_approval
from agents.profiling import profile_user
from agents.state import PromotionInput, PromotionOutput, PromotionState
from agents.targeting import target

PromotionGraph = CompiledStateGraph[PromotionState, Context, PromotionInput, PromotionOutput]


def route_after_profile(state: PromotionState) -> Literal["write", "target"]:
    """Unreachable or below-threshold users go straight to a reasoned no-send: no LLM work spent on them."""
    return "write" if state.worth_writing and state.write_channel is not None else "target"


def build_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None, context_schema: type[Context] = Context
) -> PromotionGraph:
    """Assemble and compile the graph; compiling builds no clients (they come with the run's context)."""
    builder = StateGraph(
        PromotionState, context_schema=context_schema, input_schema=PromotionInput, output_schema=PromotionOutput
    )
    builder.add_node("profile", profile_user)
    builder.add_node("write", write_copy)
    builder.add_node("review", review_drafts)
    builder.add_node("fallback", write_fallback)
    builder.add_node("human_review", request_approval, destinations=("fallback", "target"))
    builder.add_node("target", target)
    builder.add_edge(START, "profile")
    builder.add_conditional_edges("profile", route_after_profile, {"write": "write", "target": "target"})
    builder.add_edge("write", "review")
    builder.add_conditional_edges(
        "review",
        route_after_review,
        {"target": "target", "rewrite": "write", "fallback": "fallback", "human_review": "human_review"},
    )
    builder.add_edge("fallback", "target")
    builder.add_edge("target", END)
    return builder.compile(checkpointer=checkpointer, name="promotion")


graph = build_graph()
"""The compiled graph; its runs need services in their context (langgraph.json serves graphs/served.py)."""
