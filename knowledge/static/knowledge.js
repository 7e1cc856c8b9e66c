// The knowledge-base search panel (knowledge/_search_panel.html): search as the operator
// types, read the chosen article, record the consultation answered with it.
(function () {
  "use strict";
  const panel = document.getElementById("knowledge-panel");
  if (!panel) return;
  const words = JSON.parse(document.getElementById("knowledge-words").textContent);
  const $ = (id) => document.getElementById(id);
  const input = $("knowledge-q");
  const results = $("knowledge-results");
  const status = $("knowledge-status");
  const preview = $("knowledge-preview");
  const answered = $("knowledge-answered");
  const form = $("knowledge-answer-form");
  const caller = $("knowledge-caller");
  let chosen = null;
  let timer = null;
  let asked = 0;
  let prefilled = "";

  const language = () => panel.dataset.language || document.documentElement.lang || "zh-CN";
  const withId = (url, id) => url.replace(/\/0(\/|$)/, "/" + id + "$1");
  const csrf = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  };

  function show(items) {
    results.replaceChildren();
    status.textContent = items.length
      ? words.results.replace("{count}", items.length)
      : words.none;
    items.forEach((item) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "knowledge-hit";
      button.dataset.id = item.id;
      button.dataset.slug = item.slug;
      const title = document.createElement("strong");
      title.textContent = item.title;
      const snippet = document.createElement("span");
      snippet.className = "knowledge-snippet";
      snippet.textContent = " " + item.snippet;
      button.append(title, snippet);
      button.addEventListener("click", () => open(item.id));
      li.append(button);
      results.append(li);
    });
  }

  async function search() {
    const q = input.value.trim();
    const mine = ++asked;
    if (!q) {
      results.replaceChildren();
      status.textContent = "";
      return;
    }
    const url = words.search_url + "?" + new URLSearchParams({ q: q, lang: language() });
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      const body = await response.json();
      if (mine === asked) show(body.items);
    } catch (error) {
      if (mine === asked) status.textContent = words.failed;
    }
  }

  async function open(id) {
    const url = withId(words.article_url, id) + "?" + new URLSearchParams({ lang: language() });
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      status.textContent = words.failed;
      return;
    }
    chosen = await response.json();
    $("knowledge-preview-title").textContent = chosen.title;
    $("knowledge-preview-body").textContent = chosen.body;
    if (!caller.value || caller.value === prefilled) {
      prefilled = panel.dataset.caller || "";
      caller.value = prefilled; // the current call's number, unless the operator typed one
    }
    clearErrors();
    answered.textContent = "";
    preview.hidden = false;
    preview.dataset.articleId = chosen.id;
    preview.focus();
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((el) => (el.textContent = ""));
  }

  async function record(event) {
    event.preventDefault();
    if (!chosen) return;
    clearErrors();
    const body = {
      caller_number: caller.value.trim(),
      question: $("knowledge-question").value.trim(),
      language: language(),
      source: panel.dataset.source || "phone",
    };
    if (panel.dataset.visitId) body.visit_id = Number(panel.dataset.visitId);
    const response = await fetch(withId(words.answer_url, chosen.id), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({ errors: { "": String(response.status) } }));
    if (response.status === 201) {
      answered.textContent = words.answered.replace("{number}", reply.ticket.number);
      answered.dataset.ticketId = reply.ticket.id;
      panel.dispatchEvent(
        new CustomEvent("knowledge:answered", { detail: reply.ticket, bubbles: true })
      );
      return;
    }
    const errors = reply.errors || { "": String(response.status) };
    Object.entries(errors).forEach(([field, message]) => {
      const slot =
        form.querySelector('[data-error-for="' + CSS.escape(field) + '"]') ||
        form.querySelector('[data-error-for=""]');
      slot.textContent = words.refused + " " + message;
    });
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      search();
    } else if (event.key === "ArrowDown") {
      const first = results.querySelector("button");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  results.addEventListener("keydown", (event) => {
    const buttons = Array.from(results.querySelectorAll("button"));
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault();
      buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : input).focus();
    }
  });
  form.addEventListener("submit", record);
})();
