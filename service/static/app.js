// The chat page: posts the conversation to /v1/chat/completions with stream=true and renders each
// streamed event as it arrives; variants become cards. No libraries, nothing from other origins.
"use strict";

const KEY_STORAGE = "promo-api-key";
const log = document.getElementById("log");
const keyInput = document.getElementById("api-key");
const keyState = document.getElementById("key-state");
const briefInput = document.getElementById("brief");
const sendButton = document.getElementById("send");
const history = []; // the conversation, as OpenAI messages, so follow-up answers keep their context

keyInput.value = localStorage.getItem(KEY_STORAGE) || "";
keyState.textContent = keyInput.value ? "saved" : "no key";

document.getElementById("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem(KEY_STORAGE, keyInput.value.trim());
  keyState.textContent = keyInput.value.trim() ? "saved" : "no key";
});

document.getElementById("brief-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = briefInput.value.trim();
  if (text) send(text);
});

briefInput.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) document.getElementById("brief-form").requestSubmit();
});

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // textContent: model output is never parsed as HTML
  return node;
}

function asText(value) {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(asText).filter(Boolean).join("; ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${asText(v)}`).join(", ");
  return String(value);
}

// Variant payloads come from agents/text/chat_events.py (variant_payload): copy, the user's pseudonym and
// derived features, the targeting decision and the checks passed. `who`/`why`/`text` override them.
function whoGetsIt(data) {
  if (data.who || data.audience) return asText(data.who || data.audience);
  const f = data.features || {};
  const traits = [
    f.value_tier && `${f.value_tier} value`,
    f.recency && `last active ${f.recency}`,
    f.funnel_stage,
    f.price_sensitivity && `price sensitivity ${f.price_sensitivity}`,
    (f.top_categories || []).length && `likes ${f.top_categories.join(", ")}`,
  ].filter(Boolean);
  const d = data.decision || {};
  const when = d.send && d.send_at ? `; send at ${d.send_at}` : d.send === false ? "; not sent" : "";
  return `${data.user_ref || "a user"}${traits.length ? ` (${traits.join(", ")})` : ""}${when}`;
}

function whyThis(data) {
  if (data.why) return asText(data.why);
  const d = data.decision || {};
  const parts = [];
  if (typeof d.score === "number" && typeof d.threshold === "number") {
    parts.push(`lift ${d.score.toFixed(3)} vs threshold ${d.threshold.toFixed(3)}`);
  }
  parts.push(...(d.reasons || []).map(asText));
  if ((data.checks_passed || []).length) parts.push(`passed ${data.checks_passed.join(", ")}`);
  return parts.join("; ");
}

function card(data, fallbackText) {
  const node = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
  const copy = data.text || data.rendered || [data.body, data.cta].filter(Boolean).join(" ") || fallbackText;
  node.querySelector(".channel").textContent = asText(data.channel) || "message";
  node.querySelector(".variant").textContent = (data.chosen ? "✓ chosen · " : "") + asText(data.variant_id);
  node.querySelector(".title").textContent = asText(data.title);
  node.querySelector(".text").textContent = asText(copy);
  node.querySelector(".who").textContent = whoGetsIt(data) || "—";
  node.querySelector(".why").textContent = whyThis(data) || "—";
  if (data.chosen) node.classList.add("chosen");
  return node;
}

function render(turn, event, state) {
  if (event.kind === "variant") {
    if (!state.cards) state.cards = turn.appendChild(el("div", "cards"));
    state.cards.appendChild(card(event.data || {}, event.text));
    return;
  }
  state.cards = null;
  const line = turn.appendChild(el("p", `line ${event.kind}`, event.text.replace(/\n+$/, "")));
  if (event.kind === "error") line.setAttribute("role", "alert"); // a failed turn is announced, not just shown
}

async function* sseData(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of block.split("\n")) if (line.startsWith("data: ")) yield line.slice(6);
    }
  }
}

async function send(text) {
  const turn = log.appendChild(el("div", "turn"));
  turn.appendChild(el("div", "you", text));
  history.push({ role: "user", content: text });
  briefInput.value = "";
  sendButton.disabled = true;
  const state = { cards: null };
  let answer = "";
  try {
    const response = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}` },
      body: JSON.stringify({ model: "promo-assistant", stream: true, messages: history }),
    });
    if (!response.ok) {
      const retry = response.headers.get("Retry-After");
      const body = await response.json().catch(() => ({}));
      const why = typeof body.detail === "string" ? body.detail : response.statusText;
      render(turn, { kind: "error", text: `${response.status}: ${why}${retry ? ` (retry in ${retry} s)` : ""}` }, state);
      history.pop();
      return;
    }
    for await (const data of sseData(response)) {
      if (data === "[DONE]") break;
      const chunk = JSON.parse(data);
      // A turn cut short (e.g. type "llm_unavailable": the LLM went away) ends with an error event, no [DONE].
      if (chunk.error) { render(turn, { kind: "error", text: chunk.error.message }, state); break; }
      const delta = (chunk.choices && chunk.choices[0] && chunk.choices[0].delta) || {};
      if (delta.content) answer += delta.content;
      if (chunk.promo_event) render(turn, chunk.promo_event, state);
      log.scrollTop = log.scrollHeight;
      window.scrollTo(0, document.body.scrollHeight);
    }
    history.push({ role: "assistant", content: answer });
  } catch (error) {
    render(turn, { kind: "error", text: `connection failed: ${error.message}` }, state);
    history.pop();
  } finally {
    sendButton.disabled = false;
    briefInput.focus();
  }
}
