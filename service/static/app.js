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

// Every label the page shows, in both languages: the page speaks the brief's language (zh or en), set from
// the marketer's own words as they send and from the locale the assistant read the brief in.
const LABELS = {
  zh: {
    title: "营销活动助手", keyLabel: "API 密钥", save: "保存", saved: "已保存", noKey: "未设置密钥",
    briefLabel: "活动需求", send: "发送", conversation: "对话",
    placeholder: "例：双十一保温杯满300减50，给最近看过保温杯的老客发 push，写两版。",
    who: "谁会收到", why: "为什么", detail: "技术细节", chosen: "✓ 选中", spare: "备选", template: "模板文案",
    channels: { push: "App 推送", sms: "短信", email: "邮件" }, message: "消息",
    connection: "连接失败：", retry: "（{s} 秒后重试）",
    checks: { absolute_terms: "广告法用语", claims: "与活动一致", personal_data: "无个人信息", channel: "渠道规则", brand: "品牌规则" },
    checksLabel: "已通过的检查", repaired: "审核时改掉：",
    edit: "编辑", check: "检查", editTitle: "标题", editBody: "正文", passes: "✓ 通过全部规则检查", blocked: "需要修改：",
    funnel: "受众漏斗", funnelStages: ["店内用户", "已查看", "有相关行为", "符合价值层级", "可触达（已同意）", "本次预览", "超过发送门槛", "会收到消息"],
    launch: "发起活动", holdoutLabel: "留出对照组", launchButton: "批准并发起（全店受众，按预算）",
    states: { selecting: "正在选择受众", writing: "正在撰写文案", finished: "已完成", failed: "失败", stopped: "已停止" },
    progress: "{done}/{total} 位用户已完成，{holdout} 位留作对照", plan: "查看发送计划", effect: "实测效果",
    effectRefresh: "刷新效果", noEffect: "还没有足够的反馈：", outcomes: { click: "点击", conversion: "转化金额" },
    effectLine: "{outcome}：收到消息 {treated}，对照组 {holdout}，差值 {lift}（95% 区间 {low} 至 {high}）{verdict}",
    significant: "，显著", notSignificant: "，尚不显著",
    liftChart: "预计提升（每位用户，个百分点）", threshold: "发送门槛 {t} 个百分点", points: "{v} 个百分点",
    drafting: "{user} · 正在撰写（尚未审核）", draftVariant: "第 {n} 版",
    keys: "API 密钥管理", keyCols: ["名称", "角色", "创建于", "状态"], roles: { marketer: "营销", admin: "管理员" },
    active: "有效", revokedOn: "已停用（{d}）", revoke: "停用", addKey: "新建密钥", keyName: "名称，例如 alice",
    keyCreated: "新密钥（只显示这一次，请立即保存）：",
  },
  en: {
    title: "Campaign assistant", keyLabel: "API key", save: "Save", saved: "saved", noKey: "no key",
    briefLabel: "Campaign brief", send: "Send", conversation: "Conversation",
    placeholder: "e.g. Double 11: thermos cups 300-50 off, push to users who viewed them, two variants.",
    who: "Who gets it", why: "Why", detail: "Technical detail", chosen: "✓ chosen", spare: "spare", template: "template",
    channels: { push: "push", sms: "SMS", email: "e-mail" }, message: "message",
    connection: "connection failed: ", retry: " (retry in {s} s)",
    checks: { absolute_terms: "ad-law terms", claims: "matches the offer", personal_data: "no personal data", channel: "channel rules", brand: "brand rules" },
    checksLabel: "Checks passed", repaired: "Fixed by the checks: ",
    edit: "Edit", check: "Check", editTitle: "Title", editBody: "Body", passes: "✓ passes every rule", blocked: "To fix: ",
    funnel: "Audience funnel",
    funnelStages: [
      "shop users", "looked at", "with the behaviour", "in the value tier", "reachable (consented)", "previewed",
      "above the send threshold", "would get a message",
    ],
    launch: "Launch", holdoutLabel: "Holdout", launchButton: "Approve and launch (whole shop, within budget)",
    states: { selecting: "selecting the audience", writing: "writing copy", finished: "finished", failed: "failed", stopped: "stopped" },
    progress: "{done}/{total} users done, {holdout} held out", plan: "Delivery plan", effect: "Measured effect",
    effectRefresh: "Refresh effect", noEffect: "Not enough feedback yet: ", outcomes: { click: "clicks", conversion: "conversion value" },
    effectLine: "{outcome}: messaged {treated}, holdout {holdout}, lift {lift} (95 % interval {low} to {high}){verdict}",
    significant: ", significant", notSignificant: ", not significant yet",
    liftChart: "Estimated lift per user (points)", threshold: "send threshold {t} points", points: "{v} points",
    drafting: "{user} · being written (not yet checked)", draftVariant: "variant {n}",
    keys: "API keys", keyCols: ["Name", "Role", "Created", "State"], roles: { marketer: "marketer", admin: "admin" },
    active: "active", revokedOn: "revoked ({d})", revoke: "Revoke", addKey: "Add key", keyName: "name, e.g. alice",
    keyCreated: "New key (shown only this once; store it now): ",
  },
};
let pageLocale = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";

// The language most of a text is in, as the assistant reads it: two Chinese characters weigh one English word.
function textLocale(text) {
  const cjk = (text.match(/[\u3400-\u9fff]/g) || []).length;
  const words = (text.match(/[A-Za-z]{2,}/g) || []).length;
  if (!cjk && !words) return null;
  return cjk >= 2 * words ? "zh" : "en";
}

function labels(locale) {
  return LABELS[locale] || LABELS[pageLocale];
}

function setLocale(locale) {
  if (!LABELS[locale]) return;
  pageLocale = locale;
  const words = LABELS[locale];
  document.documentElement.lang = locale === "zh" ? "zh-CN" : "en";
  document.title = `promo-agents · ${words.title}`;
  document.querySelector("h1").textContent = words.title;
  document.querySelector("label[for=api-key]").textContent = words.keyLabel;
  document.querySelector("#key-form button").textContent = words.save;
  document.querySelector("label[for=brief]").textContent = words.briefLabel;
  briefInput.placeholder = words.placeholder;
  sendButton.textContent = words.send;
  log.setAttribute("aria-label", words.conversation);
  keyPanelLabels(words);
  showKeyState();
}

let keyRole = null; // the saved key's role once the service said it: "admin" (GET /v1/keys 200) or "marketer" (403)

function showKeyState() {
  const words = labels();
  const saved = keyInput.value.trim() ? words.saved : words.noKey;
  keyState.textContent = keyRole && keyInput.value.trim() ? `${saved} · ${words.roles[keyRole]}` : saved;
}

// Role rules on the page: marketers brief, preview and launch; an admin key also manages the keys here
// (/v1/keys answers 403 to anyone else, so the panel shows only when the service lists them).
const keyPanel = document.getElementById("keys");

function keyPanelLabels(words) {
  document.getElementById("keys-title").textContent = words.keys;
  keyPanel.querySelectorAll("thead th").forEach((th, i) => { th.textContent = words.keyCols[i] || ""; });
  document.getElementById("key-name").placeholder = words.keyName;
  document.querySelectorAll("#key-role option").forEach((o) => { o.textContent = words.roles[o.value]; });
  document.querySelector("#key-add button").textContent = words.addKey;
}

async function loadKeys() {
  keyRole = null;
  keyPanel.hidden = true;
  if (keyInput.value.trim()) {
    try {
      const response = await fetch("/v1/keys", { headers: authHeaders() });
      if (response.status === 403) keyRole = "marketer";
      if (response.ok) {
        keyRole = "admin";
        keyRows(await response.json());
        keyPanel.hidden = false;
      }
    } catch (error) {
      keyRole = null; // the service is away: the chat will say so when used
    }
  }
  showKeyState();
}

function keyRows(keys) {
  const words = labels();
  const body = keyPanel.querySelector("tbody");
  body.replaceChildren();
  for (const key of keys) {
    const row = body.appendChild(el("tr", key.revoked_at ? "revoked" : "active"));
    row.dataset.name = key.name;
    row.appendChild(el("td", "", key.name));
    row.appendChild(el("td", "", words.roles[key.role] || key.role));
    row.appendChild(el("td", "", String(key.created_at).slice(0, 10)));
    const state = key.revoked_at ? fill(words.revokedOn, { d: String(key.revoked_at).slice(0, 10) }) : words.active;
    row.appendChild(el("td", "key-state", state));
    const cell = row.appendChild(el("td", ""));
    if (!key.revoked_at) {
      const button = cell.appendChild(el("button", "revoke", words.revoke));
      button.type = "button";
      button.addEventListener("click", async () => {
        button.disabled = true;
        await fetch(`/v1/keys/${encodeURIComponent(key.name)}`, { method: "DELETE", headers: authHeaders() });
        loadKeys();
      });
    }
  }
}

document.getElementById("key-add").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = document.getElementById("key-created");
  const body = { name: document.getElementById("key-name").value.trim(), role: document.getElementById("key-role").value };
  const response = await fetch("/v1/keys", { method: "POST", headers: authHeaders(), body: JSON.stringify(body) });
  const result = await response.json().catch(() => ({}));
  if (response.ok) {
    out.textContent = labels().keyCreated + result.key;
    document.getElementById("key-name").value = "";
  } else {
    const why = typeof result.detail === "string" ? result.detail : asText((result.detail || []).map((d) => d.msg));
    out.textContent = `${response.status}: ${why}`;
  }
  loadKeys();
});

keyInput.value = localStorage.getItem(KEY_STORAGE) || "";
setLocale(pageLocale);
loadKeys();

document.getElementById("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem(KEY_STORAGE, keyInput.value.trim());
  loadKeys();
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
  if (typeof value === "object") return Object.values(value).map(asText).filter(Boolean).join(", ");
  return String(value);
}

// Variant payloads come from agents/text/chat_events.py (variant_payload): the copy, and `who`, `why` and
// `detail` already in the brief's language; the page adds labels only, never raw feature names or timestamps.
function authHeaders() {
  return { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}` };
}

// Edit a card's copy and have every rule check it again (POST /v1/copy/check); a passing edit replaces the copy.
function editable(node, data, campaign) {
  const words = labels(data.locale);
  const start = node.appendChild(el("button", "edit-button", words.edit));
  start.type = "button";
  start.addEventListener("click", () => {
    start.remove();
    const form = node.appendChild(el("form", "edit-form"));
    const title = form.appendChild(el("input", "edit-title"));
    title.value = asText(data.title);
    title.setAttribute("aria-label", words.editTitle);
    const body = form.appendChild(el("textarea", "edit-body"));
    body.value = asText(data.body);
    body.rows = 4;
    body.setAttribute("aria-label", words.editBody);
    const submit = form.appendChild(el("button", "", words.check));
    const verdict = form.appendChild(el("div", "edit-result"));
    verdict.setAttribute("role", "status");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      verdict.replaceChildren();
      const edit = { campaign, channel: data.channel, locale: data.locale, title: title.value, body: body.value, cta: asText(data.cta) };
      try {
        const response = await fetch("/v1/copy/check", { method: "POST", headers: authHeaders(), body: JSON.stringify(edit) });
        const result = await response.json();
        if (!response.ok) {
          const why = typeof result.detail === "string" ? result.detail : asText((result.detail || []).map((d) => d.msg));
          verdict.appendChild(el("p", "edit-blocked", `${response.status}: ${why}`));
        } else if (result.passes) {
          verdict.appendChild(el("p", "edit-passes", words.passes));
          node.querySelector(".title").textContent = title.value;
          node.querySelector(".text").textContent = result.rendered;
        } else {
          verdict.appendChild(el("p", "edit-blocked", words.blocked));
          const list = verdict.appendChild(el("ul", ""));
          for (const f of result.findings.filter((f) => f.severity === "block")) {
            // The rules' hints are English (they also steer the model's rewrites): a Chinese page names the rule.
            const said = data.locale === "zh" ? `（${words.checks[f.family] || f.family}）` : `: ${f.fix_hint || f.message}`;
            list.appendChild(el("li", "finding", `「${f.span}」${said}`));
          }
        }
      } catch (error) {
        verdict.appendChild(el("p", "edit-blocked", `${words.connection}${error.message}`));
      } finally {
        submit.disabled = false;
      }
    });
    body.focus();
  });
}

function card(data, fallbackText, campaign) {
  const words = labels(data.locale);
  const node = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
  const copy = data.text || data.rendered || [data.body, data.cta].filter(Boolean).join(" ") || fallbackText;
  node.querySelector(".channel").textContent = words.channels[data.channel] || asText(data.channel) || words.message;
  const marks = [data.chosen ? words.chosen : words.spare];
  if (data.source === "fallback") marks.push(words.template);
  node.querySelector(".variant").textContent = marks.join(" · ");
  node.querySelector(".title").textContent = asText(data.title);
  node.querySelector(".text").textContent = asText(copy);
  node.querySelector(".who-label").textContent = words.who;
  node.querySelector(".why-label").textContent = words.why;
  node.querySelector(".who").textContent = asText(data.who) || "—";
  // The rule families the copy passed, in the marketer's words (agents/critic.py RULE_FAMILIES).
  const checks = node.querySelector(".checks");
  checks.setAttribute("aria-label", words.checksLabel);
  for (const family of Array.isArray(data.checks_passed) ? data.checks_passed : []) {
    const chip = checks.appendChild(el("li", "check", `✓ ${words.checks[family] || family}`));
    chip.dataset.family = family;
  }
  if (!checks.children.length) checks.remove();
  // What the rules fixed before the copy passed: the span each finding named, and the rule family.
  const fixes = Array.isArray(data.repaired) ? data.repaired : [];
  const repaired = node.querySelector(".repaired");
  if (fixes.length) {
    const said = fixes.map((f) => `「${asText(f.span) || "…"}」（${words.checks[f.family] || asText(f.family)}）`);
    repaired.textContent = words.repaired + said.join("、");
  } else {
    repaired.remove();
  }
  node.querySelector(".why").textContent = asText(data.why) || "—";
  const detail = node.querySelector(".detail");
  const lines = Array.isArray(data.detail) ? data.detail : [];
  if (lines.length) {
    detail.querySelector("summary").textContent = words.detail;
    const list = detail.querySelector("ul");
    for (const line of lines) list.appendChild(el("li", "", asText(line)));
  } else {
    detail.remove();
  }
  if (data.chosen) node.classList.add("chosen");
  if (campaign && data.body) editable(node, data, campaign);
  return node;
}

// The brief read back: one row a field, with where its value came from (stated, default, inferred, confirmed).
function briefFields(turn, event) {
  const box = turn.appendChild(el("div", "line brief"));
  const lines = event.text.replace(/\n+$/, "").split("\n");
  const fields = (event.data && event.data.fields) || [];
  if (!fields.length) {
    box.textContent = lines.join("\n");
    return;
  }
  box.appendChild(el("p", "brief-name", lines[0]));
  const list = box.appendChild(el("dl", "brief-fields"));
  for (const f of fields) {
    const row = list.appendChild(el("div", `brief-field source-${f.source}`));
    row.dataset.field = f.field;
    row.dataset.source = f.source;
    row.appendChild(el("dt", "", asText(f.label)));
    const value = row.appendChild(el("dd", "", asText(f.value)));
    value.appendChild(el("span", "source", asText(f.source_label)));
  }
  const isField = (line) => fields.some((f) => line.startsWith(`${f.label}：`) || line.startsWith(`${f.label}: `));
  for (const line of lines.slice(1)) if (!isField(line)) box.appendChild(el("p", "brief-note", line));
}

// The audience sample as a funnel (agents/audience_sample.py: AudienceSample): how many users each step keeps,
// drawn with <progress> bars (no inline styles: the page's CSP allows none).
function funnel(turn, data, state) {
  const words = labels(pageLocale);
  const kept = data.scanned - data.no_behaviour;
  const counts = [data.total, data.scanned, kept, kept - data.other_tier, kept - data.other_tier - data.no_consent];
  counts.push((data.users || []).length);
  const figure = turn.appendChild(el("figure", "funnel"));
  figure.appendChild(el("figcaption", "", words.funnel));
  state.funnel = { list: figure.appendChild(el("dl", "")), total: data.total };
  counts.forEach((count, step) => funnelStep(state.funnel, step, count));
}

function funnelStep(funnelOf, step, count) {
  const row = funnelOf.list.appendChild(el("div", "funnel-step"));
  row.dataset.step = String(step);
  row.appendChild(el("dt", "", labels(pageLocale).funnelStages[step]));
  const value = row.appendChild(el("dd", ""));
  const bar = value.appendChild(el("progress", ""));
  bar.max = Math.max(1, funnelOf.total);
  bar.value = Math.max(0, count);
  value.appendChild(el("span", "count", String(Math.max(0, count))));
}

// Once every previewed user is decided, the funnel's last steps: above the send threshold, would get a message
// (frequency caps, budget and quiet hours may still hold back a user above the threshold).
function funnelEnd(state) {
  if (!state.funnel || !state.decisions || !state.decisions.size) return;
  const decisions = [...state.decisions.values()];
  funnelStep(state.funnel, 6, decisions.filter((d) => d.score >= d.threshold).length);
  funnelStep(state.funnel, 7, decisions.filter((d) => d.send).length);
}

// A user's copy while the model writes it (agents/draft_stream.py): the raw words, before repair and review,
// in one box per user that grows in place and goes when the user's checked cards (or no-send) arrive.
function draft(turn, data, state) {
  const words = labels(pageLocale);
  state.drafts = state.drafts || new Map();
  if (!state.draftBox) state.draftBox = turn.appendChild(el("div", "drafts"));
  let box = state.drafts.get(data.user_ref);
  if (!box) {
    box = state.draftBox.appendChild(el("section", "draft"));
    box.dataset.user = asText(data.user_ref);
    box.setAttribute("aria-busy", "true");
    box.appendChild(el("header", "", fill(words.drafting, { user: asText(data.user_ref) })));
    box.appendChild(el("ol", ""));
    state.drafts.set(data.user_ref, box);
  }
  const list = box.querySelector("ol");
  list.replaceChildren();
  (Array.isArray(data.variants) ? data.variants : []).forEach((v, i) => {
    const item = list.appendChild(el("li", ""));
    item.setAttribute("aria-label", fill(words.draftVariant, { n: i + 1 }));
    item.appendChild(el("p", "hook", asText(v.hook)));
    item.appendChild(el("p", "line", asText(v.line)));
  });
}

// The user is done (their status line came): their draft gives way to what was checked.
function endDraft(state, userRef) {
  const box = state.drafts && state.drafts.get(userRef);
  if (!box) return;
  box.remove();
  state.drafts.delete(userRef);
  if (!state.drafts.size && state.draftBox) {
    state.draftBox.remove();
    state.draftBox = null;
  }
}

function render(turn, event, state) {
  const locale = event.data && (event.data.locale || (event.data.brief && event.data.brief.locale));
  if ((event.kind === "brief" || event.kind === "question") && locale) setLocale(locale);
  if (event.kind === "draft") {
    if (event.data && event.data.user_ref) draft(turn, event.data, state);
    return;
  }
  if (event.kind === "status" && event.data && event.data.user_ref) endDraft(state, event.data.user_ref);
  if (event.kind === "variant") {
    const data = event.data || {};
    if (data.chosen && data.user_ref && data.decision && typeof data.decision.score === "number") {
      state.lifts = state.lifts || new Map();
      state.lifts.set(data.user_ref, data.decision);
    }
    if (data.user_ref && data.decision && typeof data.decision.score === "number") {
      state.decisions = state.decisions || new Map(); // every previewed user's decision, sent or not
      state.decisions.set(data.user_ref, data.decision);
    }
    if (!state.cards) state.cards = turn.appendChild(el("div", "cards"));
    state.cards.appendChild(card(event.data || {}, event.text, state.campaign));
    return;
  }
  state.cards = null;
  if (event.kind === "brief") {
    state.campaign = event.data && event.data.campaign; // what an edited card is checked against
    briefFields(turn, event);
    return;
  }
  if (event.kind === "audience" && event.data && typeof event.data.total === "number") {
    turn.appendChild(el("p", "line audience", event.text.replace(/\n+$/, "")));
    funnel(turn, event.data, state);
    return;
  }
  const line = turn.appendChild(el("p", `line ${event.kind}`, event.text.replace(/\n+$/, "")));
  if (event.kind === "error") line.setAttribute("role", "alert"); // a failed turn is announced, not just shown
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const RUN_POLL_MS = 2000;

// The estimated lift of each previewed user (their chosen message's targeting score), as bars against the
// send threshold: who is well above the line and who barely makes it. <progress> bars: the CSP allows no styles.
function liftChart(turn, decisions) {
  const words = labels(pageLocale);
  const rows = [...decisions.entries()].sort((a, b) => b[1].score - a[1].score);
  const top = Math.max(...rows.map(([, d]) => d.score), ...rows.map(([, d]) => d.threshold), 0.1);
  const figure = turn.appendChild(el("figure", "lift-chart"));
  figure.appendChild(el("figcaption", "", words.liftChart));
  const list = figure.appendChild(el("dl", ""));
  for (const [ref, decision] of rows) {
    const row = list.appendChild(el("div", "lift-row"));
    row.dataset.user = ref;
    row.appendChild(el("dt", "", ref));
    const value = row.appendChild(el("dd", ""));
    const bar = value.appendChild(el("progress", "lift-bar"));
    bar.max = top;
    bar.value = Math.max(0, decision.score);
    // The score is a probability difference; the cards and the page speak in percentage points.
    value.appendChild(el("span", "count", fill(words.points, { v: (decision.score * 100).toFixed(1) })));
  }
  const threshold = rows.length ? rows[0][1].threshold : 0;
  figure.appendChild(el("p", "lift-threshold", fill(words.threshold, { t: (threshold * 100).toFixed(1) })));
}

// Approve the previewed campaign and launch it as a campaign run (POST /v1/campaign-runs) with a holdout, then
// follow its progress and, once feedback arrives, its measured effect with the 95 % interval, on this page.
function launchPanel(turn, campaign) {
  const words = labels(pageLocale);
  const panel = turn.appendChild(el("section", "launch"));
  panel.appendChild(el("h2", "", words.launch));
  const form = panel.appendChild(el("form", "launch-form"));
  const label = form.appendChild(el("label", "", words.holdoutLabel));
  const holdout = form.appendChild(el("select", "holdout"));
  label.htmlFor = holdout.id = `holdout-${log.children.length}`;
  for (const share of [0.05, 0.1, 0.2]) {
    const option = holdout.appendChild(el("option", "", `${Math.round(share * 100)}%`));
    option.value = String(share);
    option.selected = share === 0.1;
  }
  const go = form.appendChild(el("button", "", words.launchButton));
  const status = panel.appendChild(el("p", "run-status"));
  status.setAttribute("role", "status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    go.disabled = true;
    const runId = `${campaign.campaign_id}-${Date.now().toString(36)}`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 64);
    const body = { run_id: runId, campaign, holdout: Number(holdout.value) };
    try {
      const response = await fetch("/v1/campaign-runs", { method: "POST", headers: authHeaders(), body: JSON.stringify(body) });
      const result = await response.json();
      if (!response.ok) {
        const why = typeof result.detail === "string" ? result.detail : asText((result.detail || []).map((d) => d.msg));
        status.textContent = `${response.status}: ${why}`;
        go.disabled = false;
        return;
      }
      form.remove();
      follow(panel, status, runId, result);
    } catch (error) {
      status.textContent = `${words.connection}${error.message}`;
      go.disabled = false;
    }
  });
}

function showRun(panel, status, run) {
  const words = labels(pageLocale);
  status.textContent = `${run.run_id} · ${words.states[run.state] || run.state}${run.error ? ` · ${run.error}` : ""}`;
  let bar = panel.querySelector("progress.run-progress");
  if (!bar) {
    bar = panel.appendChild(el("progress", "run-progress"));
    panel.appendChild(el("p", "run-counts"));
  }
  bar.max = Math.max(1, run.total - run.holdout);
  bar.value = run.done + run.failed;
  panel.querySelector(".run-counts").textContent = fill(words.progress, run);
}

async function follow(panel, status, runId, first) {
  showRun(panel, status, first);
  let run = first;
  while (run.state === "selecting" || run.state === "writing") {
    await new Promise((resolve) => setTimeout(resolve, RUN_POLL_MS));
    const response = await fetch(`/v1/campaign-runs/${encodeURIComponent(runId)}`, { headers: authHeaders() });
    if (!response.ok) { status.textContent = `${response.status}: ${response.statusText}`; return; }
    run = await response.json();
    showRun(panel, status, run);
  }
  if (run.state !== "finished") return;
  const words = labels(pageLocale);
  const plan = panel.appendChild(el("a", "run-plan", words.plan));
  plan.href = `/v1/campaign-runs/${encodeURIComponent(runId)}/plan`;
  const effect = panel.appendChild(el("div", "effect"));
  effect.appendChild(el("h3", "", words.effect));
  const lines = effect.appendChild(el("ul", "effect-lines"));
  const refresh = effect.appendChild(el("button", "effect-refresh", words.effectRefresh));
  refresh.type = "button";
  refresh.addEventListener("click", () => showEffect(lines, runId));
  showEffect(lines, runId);
}

// The lift per outcome, in points for shares (clicks) and in yuan for conversion value.
async function showEffect(lines, runId) {
  const words = labels(pageLocale);
  lines.replaceChildren();
  for (const outcome of ["click", "conversion"]) {
    const url = `/v1/campaign-runs/${encodeURIComponent(runId)}/effect?outcome=${outcome}`;
    const response = await fetch(url, { headers: authHeaders() });
    const result = await response.json();
    const name = words.outcomes[outcome];
    if (!response.ok) {
      lines.appendChild(el("li", "effect-none", `${name}：${words.noEffect}${asText(result.detail)}`));
      continue;
    }
    const show = outcome === "click" ? (v) => `${(v * 100).toFixed(1)}%` : (v) => `¥${v.toFixed(2)}`;
    const signed = outcome === "click" ? (v) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)} pp` : (v) => `${v >= 0 ? "+" : "-"}¥${Math.abs(v).toFixed(2)}`;
    const line = lines.appendChild(el("li", "effect-line", fill(words.effectLine, {
      outcome: name, treated: show(result.treated_mean), holdout: show(result.holdout_mean), lift: signed(result.lift),
      low: signed(result.ci_low), high: signed(result.ci_high),
      verdict: result.significant ? words.significant : words.notSignificant,
    })));
    line.dataset.outcome = outcome;
  }
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
  setLocale(textLocale(text) || pageLocale); // at once: the brief's own language, before the assistant answers
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
      headers: authHeaders(),
      body: JSON.stringify({ model: "promo-assistant", stream: true, messages: history }),
    });
    if (!response.ok) {
      const retry = response.headers.get("Retry-After");
      const body = await response.json().catch(() => ({}));
      const why = typeof body.detail === "string" ? body.detail : response.statusText;
      const wait = retry ? labels().retry.replace("{s}", retry) : "";
      render(turn, { kind: "error", text: `${response.status}: ${why}${wait}` }, state);
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
    funnelEnd(state);
    if (state.lifts && state.lifts.size) liftChart(turn, state.lifts);
    if (state.campaign && turn.querySelector(".card")) launchPanel(turn, state.campaign);
  } catch (error) {
    render(turn, { kind: "error", text: `${labels().connection}${error.message}` }, state);
    history.pop();
  } finally {
    if (state.draftBox) state.draftBox.remove(); // a turn cut short leaves no half-written draft behind
    sendButton.disabled = false;
    briefInput.focus();
  }
}
