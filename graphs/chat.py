"""The chat graph: a marketer's brief → a question, or brief → audience sample → previewed copy → answer.

Nodes report progress as ChatEvents on LangGraph's custom stream; `stream_chat` yields them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Literal, cast

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.audience_sample import show_audience_sample
from agents.chat_answer import write_answer
from agents.chat_preview import PreviewCopy
from agents.chat_state import ChatInput, ChatOutput, ChatState
from agents.context import ChatContext
from agents.intake import understand_brief
from domain.channels import Locale
from domain.chat import ChatErrorType, ChatEvent, ChatMessage, ChatTurnError
from graphs.batch import run_many
from prompts.phrases import phrase_table
from tools.brief.conversation import current_brief
from tools.brief.rules import conversation_locale
from tools.llm.run_guard import LLMUnavailable, RunGuard

ChatGraph = CompiledStateGraph[ChatState, ChatContext, ChatInput, ChatOutput]
TURN_ERROR = cast(dict[Locale, dict[ChatErrorType, str]], phrase_table("chat", "turn_error"))


def route_after_intake(state: ChatState) -> Literal["audience", "__end__"]:
    """A question ends the turn: the marketer answers and the next turn reads the whole conversation."""
    return "audience" if state.brief is not None else "__end__"  # END, spelled as the Literal it is


def route_after_audience(state: ChatState) -> Literal["preview", "answer"]:
    """Nobody matched: go straight to an answer that says why."""
    return "preview" if state.audience_ids else "answer"


def build_chat_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None, context_schema: type[ChatContext] = ChatContext
) -> ChatGraph:
    """Assemble and compile the chat graph; compiling builds no clients."""
    builder = StateGraph(ChatState, context_schema=context_schema, input_schema=ChatInput, output_schema=ChatOutput)
    builder.add_node("intake", understand_brief)
    builder.add_node("audience", show_audience_sample)
    builder.add_node("preview", PreviewCopy(run_many))
    builder.add_node("answer", write_answer)
    builder.add_edge(START, "intake")
    builder.add_conditional_edges("intake", route_after_intake, {"audience": "audience", END: END})
    builder.add_conditional_edges("audience", route_after_audience, {"preview": "preview", "answer": "answer"})
    builder.add_edge("preview", "answer")
    builder.add_edge("answer", END)
    return builder.compile(checkpointer=checkpointer, name="chat")


chat_graph = build_chat_graph()
"""The compiled chat graph; its turns need services in their context (langgraph.json serves graphs/served.py)."""


def _turn_locale(messages: Sequence[ChatMessage], events: Sequence[ChatEvent]) -> Locale:
    """The brief's language once the intake read it, else the marketer's as the intake reads it."""
    for event in events:
        if event.kind == "brief" and event.data and event.data.get("brief", {}).get("locale") in ("zh", "en"):
            return cast(Locale, event.data["brief"]["locale"])
    return conversation_locale(current_brief(messages).user_texts)


async def stream_chat(
    messages: Sequence[ChatMessage], context: ChatContext, guard: RunGuard | None = None
) -> AsyncIterator[ChatEvent]:
    """Run one chat turn and yield its events as they happen; exceptions propagate to the caller.

    An LLM server that stops answering ends the turn with ChatTurnError("llm_unavailable") in the brief's
    language. However the turn ends (done, failed, or closed because the client left) its guard (a fresh
    one unless given, e.g. by a service that cancels it on shutdown) is cancelled, so the previews still
    running stop before their next model call.
    """
    request = ChatInput(messages=list(messages))
    guard = guard or RunGuard(stop_on_outage=True)
    seen: list[ChatEvent] = []
    try:
        stream = chat_graph.astream(request, config={"callbacks": [guard]}, context=context, stream_mode="custom")
        try:
            async for chunk in stream:
                event = ChatEvent.model_validate(chunk)
                seen.append(event)
                yield event
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
        if guard.outage is not None:  # the turn ended on the fallback after the server went away
            raise LLMUnavailable(guard.outage)
    except LLMUnavailable as error:
        locale = _turn_locale(messages, seen)
        raise ChatTurnError("llm_unavailable", TURN_ERROR[locale]["llm_unavailable"]) from error
    finally:
        guard.cancel("the chat turn ended")
