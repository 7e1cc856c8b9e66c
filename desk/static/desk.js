// The operator's desk: polls /desk/live every second (short polling of the database, so any
// web process answers), shows the caller taken (the screen pop), prefills the ticket form from
// the call, runs the suggester on what the operator types, and drives the wrap-up.
(function () {
  "use strict";
  var root = document.getElementById("desk");
  if (!root) { return; }
  var words = JSON.parse(document.getElementById("desk-words").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var form = document.getElementById("register-form");
  var shownVisit = null;   // the visit whose pop is on screen
  var clockOffset = 0;     // server now − browser now, in ms
  var wrap = null;         // the running wrap-up as the server last said
  var failures = 0;
  var touched = {};        // form fields the operator changed since the last pop
  var lastSuggestion = {};

  function $(id) { return document.getElementById(id); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }
  function show(el, visible) { if (el) { el.hidden = !visible; } }
  function clearChildren(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
  function cell(row, text, href) {
    var td = document.createElement("td");
    if (href) {
      var a = document.createElement("a"); a.href = href; a.textContent = text; td.appendChild(a);
    } else { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  // -- state ---------------------------------------------------------------------------------

  function renderState(live) {
    var badge = $("state");
    badge.textContent = live.state_label;
    badge.dataset.state = live.state;
    show($("line-hint"), !live.logged_in);
    document.querySelectorAll(".state-button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.state === live.state ? "true" : "false");
    });
  }
  document.querySelectorAll(".state-button").forEach(function (button) {
    button.addEventListener("click", function () {
      $("state-error").textContent = "";
      post(root.dataset.stateUrl, { state: button.dataset.state }).then(function (answer) {
        if (answer.status !== 200) {
          $("state-error").textContent = Object.values(answer.body.errors || {}).join(" ");
          return;
        }
        poll();
      }).catch(function () { $("state-error").textContent = words.failed; });
    });
  });

  // -- the screen pop ------------------------------------------------------------------------

  function renderCall(call) {
    show($("pop-empty"), !call);
    show($("pop-call"), !!call);
    if (!call) { return; }
    $("pop-caller").textContent = call.withheld ? (call.caller || "") + " (" + words.withheld + ")" : call.caller;
    show($("pop-repeat"), call.repeat_caller);
    show($("pop-ended"), call.ended);
    $("pop-language").textContent = words[call.language] || call.language || "–";
    $("pop-path").textContent = call.path.join(" → ") || "–";
    $("pop-waited").textContent = call.waited_seconds === null ? "–" : fill(words.seconds, { seconds: call.waited_seconds });
    $("pop-bridged").textContent = call.bridged_local || "–";
    show($("pop-callback-label"), !!call.callback);
    show($("pop-callback"), !!call.callback);
    if (call.callback) {
      $("pop-callback").textContent = fill(words.callback, { time: call.callback.requested_local, attempts: call.callback.attempts });
    }
    var body = $("pop-tickets").querySelector("tbody");
    clearChildren(body);
    call.earlier_tickets.forEach(function (t) {
      var row = document.createElement("tr");
      row.dataset.ticket = t.number || ("#" + t.id);
      cell(row, t.number || ("#" + t.id), "/tickets/" + t.id);
      cell(row, t.type_label);
      cell(row, t.state_label);
      var due = cell(row, t.due_local || "–");
      if (t.overdue) { due.className = "error"; }
      body.appendChild(row);
    });
    show($("pop-tickets"), call.earlier_tickets.length > 0);
    show($("pop-no-tickets"), call.earlier_tickets.length === 0);
    var list = $("pop-voicemails");
    clearChildren(list);
    call.voicemails.forEach(function (v) {
      var item = document.createElement("li");
      item.textContent = v.created_local + " · " + (v.text || v.state);
      list.appendChild(item);
    });
    show($("pop-no-voicemails"), call.voicemails.length === 0);
    var registered = $("pop-registered");
    clearChildren(registered);
    call.registered.forEach(function (t) {
      var item = document.createElement("li");
      var a = document.createElement("a"); a.href = "/tickets/" + t.id; a.textContent = t.number;
      item.appendChild(a);
      registered.appendChild(item);
    });
  }

  function knowledgePanel(call) {
    // what a consultation answered from the knowledge panel files: this call, or the channel
    var panel = $("knowledge-panel");
    if (!panel) { return; }
    panel.dataset.visitId = call ? call.visit_id : "";
    panel.dataset.caller = call && !call.withheld ? call.caller : $("caller_number").value;
    panel.dataset.language = call ? (call.language || "") : $("form-language").value;
    panel.dataset.source = call ? "phone" : ($("channel").value || "phone");
  }
  function prefill(call) {
    // a new caller: the form is for them (fields the operator typed in are kept)
    $("visit_id").value = call ? call.visit_id : "";
    show($("form-for-call"), !!call);
    show($("channel-row"), !call);
    if (call) {
      if (!touched.caller_number) { $("caller_number").value = call.withheld ? "" : call.caller; }
      if (!touched.language && call.language) { $("form-language").value = call.language; }
      if (!touched.type && call.ticket_type) { $("type").value = call.ticket_type; }
    }
    knowledgePanel(call);
  }
  ["channel", "caller_number", "form-language"].forEach(function (id) {
    $(id).addEventListener("change", function () { if (!shownVisit) { knowledgePanel(null); } });
  });

  // -- wrap-up -------------------------------------------------------------------------------

  function renderWrapUp(live) {
    wrap = live.wrap_up;
    show($("wrapup"), !!wrap);
    if (wrap && !$("disposition").value && live.call && live.call.registered.length) {
      var answeredOnly = live.call.registered.every(function (t) { return t.type === "consultation" && t.state === "resolved"; });
      $("disposition").value = answeredOnly ? "consultation_answered" : "ticket_registered";
    }
    tick();
  }
  function tick() {
    if (!wrap) { return; }
    var now = Date.now() + clockOffset;
    var left = Math.max(0, Math.round((Date.parse(wrap.due_at) - now) / 1000));
    var spent = Math.max(0, Math.round((now - Date.parse(wrap.started_at)) / 1000));
    $("wrapup-timer").textContent = fill(words.seconds, { seconds: spent }) + " · " + fill(words.left, { seconds: left });
  }
  setInterval(tick, 1000);
  $("wrapup").addEventListener("submit", function (event) {
    event.preventDefault();
    $("error-disposition").textContent = "";
    $("error-wrapup").textContent = "";
    post(root.dataset.wrapUpUrl, {
      visit_id: wrap ? wrap.visit_id : null,
      disposition: $("disposition").value || null,
      note: $("wrapup-note").value
    }).then(function (answer) {
      if (answer.status !== 200) {
        var errors = answer.body.errors || {};
        $("error-disposition").textContent = errors.disposition || "";
        $("error-wrapup").textContent = errors.visit_id || errors[""] || "";
        return;
      }
      $("disposition").value = "";
      $("wrapup-note").value = "";
      poll();
    }).catch(function () { $("error-wrapup").textContent = words.failed; });
  });

  // -- polling -------------------------------------------------------------------------------

  function render(live) {
    clockOffset = Date.parse(live.now) - Date.now();
    renderState(live);
    var visit = live.call ? live.call.visit_id : null;
    if (visit !== shownVisit) {
      var typedForCall = visit === null && shownVisit !== null && $("description").value.trim();
      shownVisit = visit;
      if (typedForCall) {
        // the call is over while a ticket for it was being typed: the form keeps it (and the
        // call), the server says whether it is too late, Clear starts afresh
        show($("form-stale"), true);
      } else {
        if (visit !== null) { touched = {}; }
        show($("form-stale"), false);
        prefill(live.call);
      }
    }
    renderCall(live.call);
    renderWrapUp(live);
    root.dataset.visit = visit === null ? "" : String(visit);
  }
  var etag = null;  // the server's tag of what is on screen: "304" while it holds
  function poll(fresh) {
    var headers = {};
    if (etag && !fresh) { headers["If-None-Match"] = etag; }
    return fetch(root.dataset.liveUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(response.status); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (live) {
        failures = 0;
        show($("live-stale"), false);
        if (live) { render(live); }
      })
      .catch(function () { failures += 1; show($("live-stale"), failures >= 3); });
  }
  function loop() {
    poll().then(function () { setTimeout(loop, Number(root.dataset.pollMs) || 1000); });
  }

  // -- the ticket form -----------------------------------------------------------------------

  form.addEventListener("input", function (event) { if (event.target.name) { touched[event.target.name] = true; } });
  form.addEventListener("change", function (event) { if (event.target.name) { touched[event.target.name] = true; } });

  var suggestTimer = null;
  $("description").addEventListener("input", function () {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 400);
  });
  function suggest() {
    var text = $("description").value;
    if (!text.trim()) { return; }
    post(root.dataset.suggestUrl, {
      text: text, language: $("form-language").value, caller: $("caller_number").value
    }).then(function (answer) {
      if (answer.status !== 200) { return; }
      var found = answer.body;
      lastSuggestion = found.fields;
      ["type", "category", "district", "merchant", "amount", "priority"].forEach(function (name) {
        var el = $("suggest-" + name);
        var value = found.fields[name];
        var detail = found.suggestions[name === "amount" ? "amount" : name];
        var label = (found.labels && found.labels[name]) || (detail && detail.label) || value;
        var why = detail && detail.why && detail.why.length ? " — " + words.because + " " + detail.why.join("、") : "";
        el.textContent = value !== null && value !== undefined && value !== "" ? label + why : "";
        el.dataset.value = value === null || value === undefined ? "" : String(value);
        var accept = $("accept-" + name);
        if (accept) { show(accept, !!el.dataset.value && $(name).value !== el.dataset.value); }
        if (name === "type" && value && !touched.type && !$("type").value) { $("type").value = value; }
      });
    }).catch(function () { /* suggestions are a help, not a need */ });
  }
  document.querySelectorAll("button.accept").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.id.replace("accept-", "");
      $(name).value = $("suggest-" + name).dataset.value;
      touched[name] = true;
      show(button, false);
    });
  });

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    document.querySelectorAll('#register-form [aria-invalid="true"]').forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  form.addEventListener("reset", function () {
    clearErrors();
    show($("form-stale"), false);
    touched = {};
    setTimeout(function () { prefill(null); shownVisit = null; poll(); }, 0);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var body = {};
    new FormData(form).forEach(function (value, key) { body[key] = value; });
    if (body.visit_id) { body.visit_id = Number(body.visit_id); delete body.channel; }
    if (body.priority !== undefined && body.priority !== "") { body.priority = Number(body.priority); }
    $("register").disabled = true;
    post(root.dataset.registerUrl, body).then(function (answer) {
      $("register").disabled = false;
      if (answer.status !== 201) {
        var errors = answer.body.errors || {};
        Object.keys(errors).forEach(function (field) {
          var el = $("error-" + field) || $("error-");
          el.textContent = errors[field];
          var input = $(field);
          if (input) { input.setAttribute("aria-invalid", "true"); }
        });
        return;
      }
      var ticket = answer.body.ticket;
      var done = $("registered");
      done.textContent = fill(words.registered, { number: ticket.number, pin: ticket.pin });
      done.dataset.number = ticket.number;
      show(done, true);
      ["description", "merchant", "amount", "priority", "category", "district"].forEach(function (name) { $(name).value = ""; });
      form.querySelectorAll(".suggestion").forEach(function (el) { el.textContent = ""; });
      form.querySelectorAll("button.accept").forEach(function (el) { show(el, false); });
      poll();
    }).catch(function () { $("register").disabled = false; $("error-").textContent = words.failed; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && form.contains(document.activeElement)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.addEventListener("knowledge:answered", function () { poll(); });

  loop();
})();
