"""The chat graph: a marketer's brief → a question, or brief → audience sample → previewed copy → answer.

Nodes report progress as ChatEvents on LangGraph's custom stream; `stream_chat` yields them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.audience_sample import show_audience_sample
from agents.chat_answer import write_answer
from agents.chat_preview import PreviewCopy
from agents.chat_state import ChatInput, ChatOutput, ChatState
from agents.context import ChatContext
from agents.intake import understand_brief
from domain.chat import ChatEvent, ChatMessage
from graphs.batch import run_many

ChatGraph = CompiledStateGraph[ChatState, ChatContext, ChatInput, ChatOutput]


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


async def stream_chat(messages: Sequence[ChatMessage], context: ChatContext) -> AsyncIterator[ChatEvent]:
    """Run one chat turn and yield its events as they happen; exceptions propagate to the caller."""
    request = ChatInput(messages=list(messages))
    async for chunk in chat_graph.astream(request, context=context, stream_mode="custom"):
        yield ChatEvent.model_validate(chunk)
