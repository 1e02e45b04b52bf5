/* Chancery: the page for people. Plain JS, no dependencies; it asks the JSON API of the same origin.
 *
 * State lives in the URL: /?entity=PAN&on=2016-01-01[&retracted=1][&event=<id>]. Choosing an entity or
 * a day pushes a history entry (so Back works); showing retracted events or an open event replaces it.
 * Everything the service says is put into the page as text (never as HTML).
 */
"use strict";

(() => {
  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  /** Build an element: h("p", {class: "x", style: {left: "3%"}, onclick: f}, "text", child, [more]). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "style") Object.assign(el.style, value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && problem.detail) || `the service answered ${status}`);
      this.status = status;
      this.problem = problem || {};
    }
  }

  const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

  /** GET a JSON answer; a 503 (the store or read model is busy) is asked again after its Retry-After. */
  async function api(path, attempts = 3) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (response.status === 503 && attempts > 1) {
      const wait = Math.min(Number(response.headers.get("Retry-After")) || 1, 5);
      await pause(wait * 1000);
      return api(path, attempts - 1);
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  const DAY_MS = 86400000;

  /** Days since 1970-01-01 of an ISO day (YYYY-MM-DD), valid for any year. */
  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    const t = new Date(0);
    t.setUTCFullYear(y, m - 1, d);
    return Math.round(t.getTime() / DAY_MS);
  }

  function isoOf(days) {
    const t = new Date(days * DAY_MS);
    const y = String(t.getUTCFullYear()).padStart(4, "0");
    return `${y}-${String(t.getUTCMonth() + 1).padStart(2, "0")}-${String(t.getUTCDate()).padStart(2, "0")}`;
  }

  function todayIso() {
    return new Date().toISOString().slice(0, 10);
  }

  function isDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return false;
    return isoOf(dayNumber(text)) === text;
  }

  /** "2016-01-01" → "1 January 2016". */
  function longDay(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return `${d} ${MONTHS[m - 1]} ${y}`;
  }

  /** An EDTF date as a reader says it: "1912~" → "c. 1912", "2025-06?" → "June 2025?". */
  function edtf(text) {
    if (!text) return "";
    const match = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([?~%]?)$/.exec(text);
    if (!match) return text;
    const [, y, m, d, q] = match;
    let said = String(Number(y));
    if (m && d) said = `${Number(d)} ${MONTHS[Number(m) - 1]} ${said}`;
    else if (m) said = `${MONTHS[Number(m) - 1]} ${said}`;
    if (q === "~" || q === "%") said = `c. ${said}`;
    if (q === "?" || q === "%") said = `${said}?`;
    return said;
  }

  function precision(text) {
    const match = /^(-?\d{4})(-\d{2})?(-\d{2})?([?~%]?)$/.exec(text || "");
    if (!match) return "";
    const span = match[3] ? "that day" : match[2] ? "some day in that month" : "some day in that year";
    const quality = { "?": "uncertain", "~": "approximate", "%": "uncertain and approximate" }[match[4]];
    return quality ? `${quality}; ${span}` : match[3] ? "exact day" : span;
  }

  const TYPE_NAMES = {
    "recognition.granted": "Recognition granted",
    "recognition.withdrawn": "Recognition withdrawn",
    "relations.established": "Relations established",
    "relations.suspended": "Relations suspended",
    "relations.resumed": "Relations resumed",
    "relations.severed": "Relations severed",
    "mission.opened": "Mission opened",
    "mission.closed": "Mission closed",
    "agreement.signed": "Agreement signed",
    "agreement.terminated": "Agreement terminated",
    "membership.joined": "Membership: joined",
    "membership.suspended": "Membership suspended",
    "membership.reinstated": "Membership reinstated",
    "membership.left": "Membership: left",
    "note.recorded": "Note",
  };
  const typeName = (type) => TYPE_NAMES[type] || type;

  /** The tone of an event's marker: what it does to the relation. */
  function tone(type) {
    if (type === "note.recorded") return "note";
    if (/\.(severed|withdrawn|closed|terminated|left)$/.test(type)) return "ends";
    if (/\.suspended$/.test(type)) return "suspends";
    return "begins";
  }

  const STATUS_WORDS = {
    established: "Established",
    suspended: "Suspended",
    severed: "Severed",
    none: "No relations",
    member: "Member",
  };

  // ---------------------------------------------------------------- the registry

  const registry = new Map(); // code → {code, name, kind, aliases}
  let registryLoaded = null;

  function loadRegistry() {
    registryLoaded = registryLoaded || api("/v1/entities").then((list) => {
      for (const entity of list) registry.set(entity.code, entity);
    }).catch(() => { registryLoaded = null; });
    return registryLoaded;
  }

  const nameOf = (code) => (registry.get(code) || {}).name || code;

  /** A short name for tight places: "Republic of China (Taiwan)" → "Taiwan", "People's Republic of China" → "PRC". */
  function shortName(code) {
    const entity = registry.get(code);
    if (!entity) return code;
    const bracket = /\(([^)]+)\)$/.exec(entity.name);
    if (bracket) return bracket[1];
    if (entity.name.length <= 18) return entity.name;
    const initials = entity.aliases.find((a) => /^[A-Z]{2,5}$/.test(a));
    return initials || entity.name;
  }
  const kindOf = (code) => (registry.get(code) || {}).kind || "state";

  // ---------------------------------------------------------------- URL state

  function readUrl() {
    const params = new URLSearchParams(location.search);
    return {
      entity: (params.get("entity") || "").trim(),
      on: params.get("on") || "",
      retracted: params.get("retracted") === "1",
      event: params.get("event") || "",
    };
  }

  function urlOf(state) {
    const params = new URLSearchParams();
    if (state.entity) params.set("entity", state.entity);
    if (state.on) params.set("on", state.on);
    if (state.retracted) params.set("retracted", "1");
    if (state.event) params.set("event", state.event);
    const query = params.toString();
    return query ? `/?${query}` : "/";
  }

  let state = readUrl();

  function commit(mode) {
    const url = urlOf(state);
    if (mode === "push" && url !== location.pathname + location.search) history.pushState(null, "", url);
    else if (mode !== "none") history.replaceState(null, "", url);
  }

  // ---------------------------------------------------------------- loading

  const cache = { entity: null, code: null, events: [], timelines: new Map() };
  let ticket = 0; // answers to an older request are dropped

  function say(message, kind) {
    const status = $("status");
    status.textContent = "";
    status.className = `status ${kind || ""}`.trim();
    append(status, [message]);
  }

  async function allEvents(entity) {
    const events = [];
    let next = `/v1/events?${new URLSearchParams({ entity, limit: "1000" })}`;
    while (next) {
      const page = await api(next);
      events.push(...page.events);
      next = page.next;
    }
    return events;
  }

  async function loadHistory(code) {
    const events = await allEvents(code);
    const partners = [...new Set(events.map((e) => (e.subject === code ? e.counterpart : e.subject)))];
    const timelines = await Promise.all(
      partners.map((p) => api(`/v1/relations/${encodeURIComponent(code)}/${encodeURIComponent(p)}/timeline`)),
    );
    cache.code = code;
    cache.events = events;
    cache.timelines = new Map(partners.map((p, i) => [p, timelines[i]]));
  }

  /** Show what the URL says: the state on the day, and (for a new entity) its history. */
  async function show() {
    const mine = ++ticket;
    syncControls();
    if (!state.entity) {
      renderWelcome();
      return;
    }
    const section = $("state");
    section.setAttribute("aria-busy", "true");
    say("Asking the service…", "busy");
    try {
      await loadRegistry();
      const relations = await api(
        `/v1/entities/${encodeURIComponent(state.entity)}/relations?${new URLSearchParams({ on: state.on, explain: "false" })}`,
      );
      if (mine !== ticket) return;
      const code = relations.entity.code;
      if (cache.code !== code) {
        await loadHistory(code);
        if (mine !== ticket) return;
      }
      if (state.entity !== code) {
        state.entity = code;
        commit("replace");
      }
      syncControls();
      renderState(relations);
      renderTimeline();
      say("");
      if (state.event) openEvent(state.event, null, false);
    } catch (error) {
      if (mine !== ticket) return;
      renderProblem(error);
    } finally {
      if (mine === ticket) section.setAttribute("aria-busy", "false");
    }
  }

  // ---------------------------------------------------------------- controls

  const entityInput = $("entity");
  const onInput = $("on");
  const yearInput = $("year");
  const yearOut = $("year-out");
  const retractedInput = $("show-retracted");

  function syncControls() {
    if (document.activeElement !== entityInput) {
      entityInput.value = state.entity ? nameOf(state.entity) : "";
    }
    onInput.value = state.on;
    const year = Number(state.on.slice(0, 4));
    const [first, last] = yearRange();
    yearInput.min = String(first);
    yearInput.max = String(last);
    yearInput.value = String(year || last);
    yearOut.textContent = year ? String(year) : "";
    retractedInput.checked = state.retracted;
  }

  function yearRange() {
    const thisYear = Number(todayIso().slice(0, 4));
    if (!cache.events.length) return [1800, thisYear];
    const first = Math.min(...cache.events.map((e) => Number(e.window.first.slice(0, 4))));
    const last = Math.max(thisYear, ...cache.events.map((e) => Number(e.window.last.slice(0, 4))));
    return [Math.floor(first / 10) * 10, last];
  }

  function go(changes, mode) {
    const entityChanged = changes.entity !== undefined && changes.entity !== state.entity;
    state = { ...state, ...changes };
    if (entityChanged) state.event = "";
    commit(mode);
    show();
  }

  onInput.addEventListener("change", () => {
    if (isDay(onInput.value) && onInput.value !== state.on) go({ on: onInput.value, event: "" }, "push");
  });

  // The year slider: one history entry per drag, not one per step of it.
  let sliding = false;
  function onYear(final) {
    const year = String(yearInput.value).padStart(4, "0");
    let monthDay = (state.on || todayIso()).slice(4);
    if (monthDay === "-02-29" && !isDay(`${year}-02-29`)) monthDay = "-02-28";
    const on = `${year}${monthDay}`;
    yearOut.textContent = String(Number(year));
    if (on === state.on) {
      sliding = !final && sliding;
      return;
    }
    const mode = sliding ? "replace" : "push";
    sliding = !final;
    go({ on, event: "" }, mode);
  }
  yearInput.addEventListener("input", () => onYear(false));
  yearInput.addEventListener("change", () => onYear(true));

  retractedInput.addEventListener("change", () => {
    state.retracted = retractedInput.checked;
    commit("replace");
    renderTimeline();
  });

  $("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    chooseTyped();
  });

  // Links inside the page (data-nav) move without a reload, and keep history.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-nav]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    const target = new URL(link.href);
    const params = target.searchParams;
    go({ entity: params.get("entity") || "", on: params.get("on") || state.on, event: "" }, "push");
    $("state").focus({ preventScroll: false });
  });

  window.addEventListener("popstate", () => {
    closeDialog(false);
    state = readUrl();
    if (!state.on) state.on = todayIso();
    show();
  });

  // ---------------------------------------------------------------- the entity combobox

  const options = $("entity-options");
  let suggestions = [];
  let active = -1;
  let searchTimer = 0;
  let searchTicket = 0;

  function closeOptions() {
    options.hidden = true;
    entityInput.setAttribute("aria-expanded", "false");
    entityInput.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function renderOptions(query) {
    options.textContent = "";
    if (!suggestions.length) {
      options.append(h("li", { class: "option empty", role: "option", "aria-disabled": "true" },
        `Nothing is called “${query}”.`));
    }
    suggestions.forEach((entity, index) => {
      const lower = query.toLowerCase();
      const alias = entity.name.toLowerCase().includes(lower) ? null
        : entity.aliases.find((a) => a.toLowerCase().includes(lower));
      options.append(h("li", {
        id: `entity-option-${index}`,
        class: "option",
        role: "option",
        "aria-selected": index === active ? "true" : "false",
        onmousedown: (event) => { event.preventDefault(); choose(entity); },
      },
      h("span", { class: "option-name" }, entity.name),
      h("span", { class: "option-code" }, entity.code),
      alias ? h("span", { class: "option-alias" }, `also “${alias}”`) : null));
    });
    options.hidden = false;
    entityInput.setAttribute("aria-expanded", "true");
    if (active >= 0) entityInput.setAttribute("aria-activedescendant", `entity-option-${active}`);
    else entityInput.removeAttribute("aria-activedescendant");
  }

  async function search(query) {
    const mine = ++searchTicket;
    try {
      const found = await api(`/v1/entities?${new URLSearchParams({ q: query })}`);
      if (mine !== searchTicket || document.activeElement !== entityInput) return;
      suggestions = found.slice(0, 8);
      active = -1;
      renderOptions(query);
    } catch (error) {
      closeOptions();
    }
  }

  entityInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    const query = entityInput.value.trim();
    if (!query) { closeOptions(); return; }
    searchTimer = setTimeout(() => search(query), 120);
  });

  entityInput.addEventListener("keydown", (event) => {
    const open = !options.hidden && suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) { if (entityInput.value.trim()) search(entityInput.value.trim()); return; }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + suggestions.length) % suggestions.length;
      renderOptions(entityInput.value.trim());
      $(`entity-option-${active}`).scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (open && active >= 0) choose(suggestions[active]);
      else chooseTyped();
    } else if (event.key === "Escape") {
      if (!options.hidden) { event.preventDefault(); closeOptions(); }
    }
  });

  entityInput.addEventListener("blur", () => {
    closeOptions();
    if (!entityInput.value.trim() && state.entity) entityInput.value = nameOf(state.entity);
  });

  function choose(entity) {
    closeOptions();
    entityInput.value = entity.name;
    go({ entity: entity.code, on: state.on || todayIso() }, "push");
  }

  function chooseTyped() {
    const typed = entityInput.value.trim();
    if (!typed) return;
    const exact = suggestions.find((e) => e.code.toLowerCase() === typed.toLowerCase()
      || e.name.toLowerCase() === typed.toLowerCase()
      || e.aliases.some((a) => a.toLowerCase() === typed.toLowerCase()));
    if (exact || suggestions.length === 1) { choose(exact || suggestions[0]); return; }
    closeOptions();
    go({ entity: typed, on: state.on || todayIso() }, "push");
  }

  // ---------------------------------------------------------------- the state on the day

  const welcome = { title: $("state-title").textContent, body: [...$("state-body").childNodes].map((n) => n.cloneNode(true)) };

  function renderWelcome() {
    $("state-title").textContent = welcome.title;
    $("state-body").replaceChildren(...welcome.body.map((n) => n.cloneNode(true)));
    $("timeline-section").hidden = true;
    document.title = "Chancery — diplomatic relations on any date";
    say("");
  }

  function renderProblem(error) {
    const problem = (error && error.problem) || {};
    const message = [error instanceof ApiError ? error.message : "The service could not be reached."];
    if (problem.entity) {
      // An unknown entity: say so in the page's own words, and offer the service's close names.
      message.splice(0, 1, `No entity has the code, name or alias “${problem.entity}”.`);
      $("state-title").textContent = `Nothing is called “${problem.entity}”`;
      $("state-body").textContent = "";
      $("timeline-section").hidden = true;
      document.title = "Chancery";
    }
    if (problem.suggestions && problem.suggestions.length) {
      message.push(" Did you mean ");
      problem.suggestions.forEach((s, i) => {
        if (i) message.push(i === problem.suggestions.length - 1 ? " or " : ", ");
        message.push(h("a", { href: urlOf({ entity: s.code, on: state.on }), "data-nav": true }, s.name));
      });
      message.push("?");
    }
    say(message, "error");
  }

  /** A button that opens an event (the "since" of a fact, a pending item). */
  function eventButton(id, label, described) {
    if (!id) return label;
    return h("button", {
      type: "button", class: "linkish", "aria-label": described || undefined,
      onclick: (event) => openEvent(id, event.currentTarget, true),
    }, label);
  }

  function since(text, id, what) {
    return h("span", { class: "since" }, "since ", eventButton(id, edtf(text), `${what}, since ${edtf(text)}: open the event`));
  }

  const dash = () => h("span", { class: "none", "aria-label": "none" }, "—");

  function relationRow(relation, self) {
    const partner = relation.a.code === self ? relation.b : relation.a;
    const selfIsA = relation.a.code === self;
    const d = relation.diplomatic;
    const rec = relation.recognition;
    const byUs = selfIsA ? rec.a_recognizes_b : rec.b_recognizes_a;
    const byThem = selfIsA ? rec.b_recognizes_a : rec.a_recognizes_b;
    const held = (who) => rec.held.find((r) => r.recognizer === who);
    const nothing = d.status === "none" && !byUs && !byThem && !relation.missions.length
      && !relation.agreements.length && !relation.memberships.length && !relation.pending.length;

    const recognition = (yes, who, whom, heldBy) => h("li", { class: yes ? "recognized" : "muted" },
      h("span", { class: "by" }, `by ${shortName(who)}`),
      yes ? [" ", since(heldBy.since, heldBy.event, `${nameOf(who)} recognizes ${nameOf(whom)}`)]
        : h("span", { class: "none" }, ": —"));

    return h("tr", { dataset: { partner: partner.code }, class: nothing ? "quiet" : "" },
      h("th", { scope: "row", "data-label": "Partner" },
        h("a", { href: urlOf({ entity: partner.code, on: state.on }), "data-nav": true, class: "partner" }, partner.name),
        h("span", { class: "kind" }, `${partner.code} · ${kindOf(partner.code)}`)),
      h("td", { "data-label": "Diplomatic relations", class: "cell-status" },
        h("span", { class: `badge status-${d.status}` }, d.status === "none" ? "none" : d.status),
        d.since ? [" ", since(d.since, d.event, `${STATUS_WORDS[d.status]} relations`)] : null),
      h("td", { "data-label": "Recognition" },
        byUs || byThem
          ? h("ul", { class: "facts" },
            recognition(byUs, self, partner.code, held(self)),
            recognition(byThem, partner.code, self, held(partner.code)))
          : dash()),
      h("td", { "data-label": "Missions", class: "cell-missions" }, relation.missions.length ? h("ul", { class: "facts" },
        relation.missions.map((m) => h("li", {},
          `${cap(m.level)} of ${nameOf(m.sender)} in ${nameOf(m.host)} `,
          since(m.since, m.event, `${cap(m.level)} of ${nameOf(m.sender)}`)))) : dash()),
      h("td", { "data-label": "Agreements", class: "cell-agreements" }, relation.agreements.length ? h("ul", { class: "facts" },
        relation.agreements.map((a) => h("li", {},
          h("span", { class: "agreement-title" }, a.title || a.agreement),
          a.kind ? h("span", { class: "tag" }, a.kind) : null, " ",
          since(a.since, a.event, a.title || a.agreement)))) : dash()),
      h("td", { "data-label": "Memberships", class: "cell-memberships" }, relation.memberships.length ? h("ul", { class: "facts" },
        relation.memberships.map((m) => h("li", {},
          h("span", { class: `badge status-${m.status === "member" ? "member" : "suspended"}` },
            m.status === "member" ? "member" : "suspended"),
          ` ${nameOf(m.member)} in ${nameOf(m.body)}`, m.role ? ` (${m.role})` : "", " ",
          since(m.since, m.event, `${nameOf(m.member)} in ${nameOf(m.body)}`)))) : dash()),
      h("td", { "data-label": "Pending", class: "cell-pending" }, relation.pending.length ? h("ul", { class: "facts" },
        relation.pending.map((p) => h("li", {},
          eventButton(p.id, edtf(p.occurred), `Pending: ${typeName(p.type)}, ${edtf(p.occurred)}: open the event`),
          ` · ${typeName(p.type)}`))) : dash()),
    );
  }

  const cap = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

  function renderState(answer) {
    const self = answer.entity.code;
    $("state-title").textContent = `${answer.entity.name} on ${longDay(answer.on)}`;
    document.title = `${answer.entity.name} on ${longDay(answer.on)} — Chancery`;
    const body = $("state-body");
    body.textContent = "";
    const rows = [...answer.relations].sort((x, y) => {
      const px = x.a.code === self ? x.b : x.a;
      const py = y.a.code === self ? y.b : y.a;
      return px.name.localeCompare(py.name);
    });
    const pending = rows.reduce((n, r) => n + r.pending.length, 0);
    body.append(h("p", { class: "lede" },
      `As recorded, at the end of ${longDay(answer.on)}: ${rows.length} relation${rows.length === 1 ? "" : "s"}`,
      pending ? `, ${pending} event${pending === 1 ? "" : "s"} pending — dated with a window that is still open on that day` : "",
      "."));
    if (!rows.length) {
      body.append(h("p", { class: "empty-note" }, `Nothing is recorded for ${answer.entity.name} on or before this day.`));
    } else {
      body.append(h("div", { class: "table-wrap" }, h("table", { class: "relations", id: "relations" },
        h("caption", { class: "visually-hidden" }, `Relations of ${answer.entity.name} on ${longDay(answer.on)}`),
        h("thead", {}, h("tr", {},
          ["Partner", "Diplomatic relations", "Recognition", "Missions", "Agreements", "Memberships", "Pending"]
            .map((name) => h("th", { scope: "col" }, name)))),
        h("tbody", {}, rows.map((r) => relationRow(r, self))))));
    }
    body.append(h("p", { class: "provenance" },
      `From the log up to position ${answer.as_of_position}. `,
      h("a", { href: `/v1/entities/${encodeURIComponent(self)}/relations?on=${answer.on}` }, "This answer as JSON"), "."));
  }

  // ---------------------------------------------------------------- the timeline

  function visibleEvents() {
    return cache.events.filter((e) => state.retracted || !e.retracted);
  }

  const uncertain = (event) => event && event.window.first !== event.window.last;

  function renderLegend() {
    const legend = $("legend");
    legend.textContent = "";
    const item = (swatch, label) => h("span", { class: "legend-item" }, h("span", { class: `swatch ${swatch}`, "aria-hidden": "true" }), label);
    legend.append(
      h("span", { class: "legend-group" }, h("span", { class: "legend-title" }, "Status"),
        item("band status-established", "established"),
        item("band status-suspended", "suspended"),
        item("band status-severed", "severed"),
        item("band status-member", "member"),
        item("band uncertain-swatch", "not yet certain")),
      h("span", { class: "legend-group" }, h("span", { class: "legend-title" }, "Held"),
        item("thin facet-recognition", "recognition"),
        item("thin facet-mission", "mission"),
        item("thin facet-agreement", "agreement"),
        item("thin facet-membership", "membership")),
      h("span", { class: "legend-group" }, h("span", { class: "legend-title" }, "Events"),
        item("mk tone-begins", "begins or grants"),
        item("mk tone-suspends", "suspends"),
        item("mk tone-ends", "ends or withdraws"),
        item("mk tone-note", "note"),
        item("mk-window", "dated to a month or year: the whole window"),
        state.retracted ? item("mk tone-note retracted", "retracted") : null),
    );
  }

  let lastWidth = 0;

  function renderTimeline() {
    const section = $("timeline-section");
    const target = $("timeline");
    section.hidden = false;
    renderLegend();
    target.textContent = "";
    const self = cache.code;
    const events = visibleEvents();
    const [firstYear, lastYear] = yearRange();
    const start = dayNumber(`${String(firstYear).padStart(4, "0")}-01-01`);
    const end = dayNumber(`${String(lastYear + 1).padStart(4, "0")}-01-01`);
    const pct = (iso) => `${(((dayNumber(iso) - start) / (end - start)) * 100).toFixed(4)}%`;
    const span = (a, b) => `${(((dayNumber(b) - dayNumber(a)) / (end - start)) * 100).toFixed(4)}%`;
    const dayAfter = (iso) => isoOf(dayNumber(iso) + 1);
    const endIso = isoOf(end);
    const byId = new Map(cache.events.map((e) => [e.id, e]));

    $("timeline-title").textContent = `Timeline of ${nameOf(self)}, ${firstYear}–${lastYear}`;

    const scroller = h("div", { class: "tl-scroll", tabindex: "0", role: "region", "aria-label": "Timeline, scrolls sideways" });
    const inner = h("div", { class: "tl-inner" });
    scroller.append(inner);
    target.append(scroller);

    // The axis: a tick every 10 years (every 20 on a long span), labelled.
    const step = lastYear - firstYear > 160 ? 25 : lastYear - firstYear > 80 ? 10 : 5;
    const axis = h("div", { class: "tl-axis", "aria-hidden": "true" }, h("span", { class: "lane-name" }));
    const ticks = h("div", { class: "tl-ticks" });
    for (let y = Math.ceil(firstYear / step) * step; y <= lastYear; y += step) {
      ticks.append(h("span", { class: "tick", style: { left: pct(`${String(y).padStart(4, "0")}-01-01`) } }, String(y)));
    }
    axis.append(ticks);
    inner.append(axis);

    // Lanes: one per partner, in the order their first event happened.
    const partners = [...cache.timelines.keys()].map((code) => {
      const mine = events.filter((e) => e.subject === code || e.counterpart === code);
      const firstDay = Math.min(...cache.events.filter((e) => e.subject === code || e.counterpart === code)
        .map((e) => dayNumber(e.window.first)));
      return { code, events: mine, firstDay };
    }).sort((x, y) => x.firstDay - y.firstDay || nameOf(x.code).localeCompare(nameOf(y.code)));

    const lanes = h("ol", { class: "lanes" });
    const trackWidth = Math.max(scroller.clientWidth - laneLabelWidth(), 400);
    lastWidth = scroller.clientWidth;
    for (const partner of partners) {
      lanes.append(lane(partner, self, { pct, span, dayAfter, endIso, byId, trackWidth, start, end }));
    }
    inner.append(lanes);

    // Over the lanes: a faint line at each tick, and the day chosen across every lane.
    const overlay = h("div", { class: "tl-overlay", "aria-hidden": "true" });
    for (const tick of ticks.children) overlay.append(h("span", { class: "gridline", style: { left: tick.style.left } }));
    if (isDay(state.on) && dayNumber(state.on) >= start && dayNumber(state.on) < end) {
      overlay.append(h("div", { class: "tl-cursor", style: { left: pct(state.on) } },
        h("span", { class: "tl-cursor-label" }, longDay(state.on))));
    }
    inner.append(overlay);

    // Where the timeline is wider than the screen, bring the chosen day into view.
    const cursor = overlay.querySelector(".tl-cursor");
    if (cursor && scroller.scrollWidth > scroller.clientWidth) {
      const x = cursor.getBoundingClientRect().left - inner.getBoundingClientRect().left;
      scroller.scrollLeft = Math.max(0, x - scroller.clientWidth * 0.6);
    }

    renderEventList(events, self);
  }

  function laneLabelWidth() {
    return window.matchMedia("(max-width: 720px)").matches ? 0 : 176;
  }

  function lane(partner, self, geo) {
    const { pct, span, dayAfter, endIso, byId, trackWidth, start, end } = geo;
    const timeline = cache.timelines.get(partner.code);
    const intervals = timeline ? timeline.intervals : [];
    const diplomatic = intervals.filter((i) => i.facet === "diplomatic");
    const memberships = intervals.filter((i) => i.facet === "membership");
    const main = diplomatic.length ? diplomatic : memberships;
    const thin = intervals.filter((i) => !main.includes(i));

    const track = h("div", { class: "lane-track" });
    const bandRow = h("div", { class: "band-row" });
    const described = [];

    // A band per interval of the main facet; a hatched lead-in (or tail) where its edge is a window.
    for (const interval of main) {
      const to = interval.to || endIso;
      const status = interval.facet === "membership" ? (interval.status === "member" ? "member" : "suspended") : interval.status;
      const label = `${STATUS_WORDS[status] || status}${interval.facet === "membership" ? ` (${nameOf(interval.details.member)} in ${nameOf(interval.details.body)})` : ""}, `
        + `from ${edtf(interval.since)}${interval.to ? ` to ${longDay(interval.to)}` : ""}`;
      described.push(label);
      bandRow.append(h("span", { class: `band status-${status}`, style: { left: pct(interval.from), width: span(interval.from, to) }, title: label }));
      const opened = byId.get(interval.event);
      if (uncertain(opened) && opened.window.first < interval.from) {
        bandRow.append(h("span", {
          class: `band uncertain status-${status}`,
          style: { left: pct(opened.window.first), width: span(opened.window.first, interval.from) },
          title: `${STATUS_WORDS[status] || status} from some day in ${edtf(opened.occurred)}: certain only from ${longDay(interval.from)}`,
        }));
      }
      if (interval.to) {
        const closing = cache.events.find((e) => !e.retracted && uncertain(e) && e.window.last === interval.to
          && (e.subject === partner.code || e.counterpart === partner.code) && e.window.first < interval.to);
        if (closing) {
          bandRow.append(h("span", {
            class: "band uncertain-end",
            style: { left: pct(closing.window.first), width: span(closing.window.first, interval.to) },
            title: `Ends some day in ${edtf(closing.occurred)}`,
          }));
        }
      }
    }

    // Thin lines: recognition, missions, agreements (and memberships, when the band shows diplomacy).
    const rows = new Map();
    for (const interval of thin) {
      const key = `${interval.facet}:${interval.item}`;
      if (!rows.has(key)) rows.set(key, []);
      rows.get(key).push(interval);
    }
    const thinRows = h("div", { class: "thin-rows" });
    for (const [, items] of rows) {
      const row = h("div", { class: "thin-row" });
      for (const interval of items) {
        const to = interval.to || endIso;
        const label = `${thinLabel(interval)}, from ${edtf(interval.since)}${interval.to ? ` to ${longDay(interval.to)}` : ""}`;
        described.push(label);
        const suspended = interval.facet === "membership" && interval.status === "suspended";
        row.append(h("span", {
          class: `thin facet-${interval.facet}${suspended ? " is-suspended" : ""}`,
          style: { left: pct(interval.from), width: span(interval.from, to) }, title: label,
        }));
        const opened = byId.get(interval.event);
        if (uncertain(opened) && opened.window.first < interval.from) {
          row.append(h("span", {
            class: `thin uncertain facet-${interval.facet}`,
            style: { left: pct(opened.window.first), width: span(opened.window.first, interval.from) },
          }));
        }
      }
      thinRows.append(row);
    }

    // Markers, stacked into rows where they would overlap at this width; more than three in one
    // crowd become one marker that lists them.
    const sorted = [...partner.events].sort((x, y) => x.window.first.localeCompare(y.window.first) || x.position - y.position);
    const measured = sorted.map((event) => {
      const a = dayNumber(event.window.first);
      const b = dayNumber(event.window.last) + 1;
      const left = ((a - start) / (end - start)) * trackWidth;
      const width = ((b - a) / (end - start)) * trackWidth;
      const windowed = uncertain(event);
      const x0 = windowed ? left : left + width / 2 - 6;
      return { event, windowed, x0, x1: x0 + (windowed ? Math.max(width, 6) : 12) };
    });
    const crowds = [];
    for (const item of measured) {
      const last = crowds[crowds.length - 1];
      if (last && item.x0 < last.x1 + 2) { last.items.push(item); last.x1 = Math.max(last.x1, item.x1); }
      else crowds.push({ items: [item], x0: item.x0, x1: item.x1 });
    }
    const markerRows = [];
    const markers = h("div", { class: "marker-rows" });
    const placed = [];
    const rowFor = (x0, x1) => {
      let row = markerRows.findIndex((rightEdge) => rightEdge + 2 <= x0);
      if (row === -1) { row = markerRows.length; markerRows.push(0); }
      markerRows[row] = x1;
      return row;
    };
    for (const crowd of crowds) {
      if (crowd.items.length > 3) {
        const row = rowFor(crowd.x0, Math.max(crowd.x1, crowd.x0 + 24));
        markers.append(crowdMarker(crowd.items.map((i) => i.event), partner.code, row, { pct, span, dayAfter }));
        continue;
      }
      for (const item of crowd.items) placed.push({ ...item, row: rowFor(item.x0, item.x1) });
    }
    for (const { event, row, windowed } of placed) {
      const when = edtf(event.occurred);
      const label = `${event.retracted ? "Retracted: " : ""}${when}, ${typeName(event.type)}: ${event.summary}`;
      const marker = h("button", {
        type: "button",
        class: `marker tone-${tone(event.type)}${windowed ? " windowed" : " exact"}${event.retracted ? " retracted" : ""}`
          + `${/[?%]$/.test(event.occurred) ? " doubtful" : ""}`,
        style: windowed
          ? { left: pct(event.window.first), width: span(event.window.first, dayAfter(event.window.last)), top: `${row * 15}px` }
          : { left: `calc(${pct(event.window.first)} + ${(1 / (end - start)) * 50}%)`, top: `${row * 15}px` },
        "aria-label": label,
        title: `${when} · ${typeName(event.type)}${event.retracted ? " (retracted)" : ""}`,
        dataset: { event: event.id, type: event.type },
        onclick: (e) => openEvent(event.id, e.currentTarget, true),
      });
      markers.append(marker);
    }
    markers.style.height = `${Math.max(1, markerRows.length) * 15}px`;

    track.append(markers, bandRow, thinRows);
    const name = nameOf(partner.code);
    const summary = h("p", { class: "visually-hidden" }, described.length ? `${name}: ${described.join("; ")}.` : `${name}: no lasting fact, events only.`);
    return h("li", { class: "lane", dataset: { partner: partner.code } },
      h("h3", { class: "lane-name" },
        h("a", { href: urlOf({ entity: partner.code, on: state.on }), "data-nav": true, title: `${name}: see its own relations` }, name)),
      track, summary);
  }

  /** One marker for a crowd of events too close to tell apart at this width; it lists them. */
  function crowdMarker(events, partner, row, geo) {
    const { pct, span, dayAfter } = geo;
    const first = events.reduce((m, e) => (e.window.first < m ? e.window.first : m), events[0].window.first);
    const last = events.reduce((m, e) => (e.window.last > m ? e.window.last : m), events[0].window.last);
    const years = first.slice(0, 4) === last.slice(0, 4) ? first.slice(0, 4) : `${first.slice(0, 4)}–${last.slice(0, 4)}`;
    const retracted = events.filter((e) => e.retracted).length;
    return h("button", {
      type: "button",
      class: "marker crowd",
      style: { left: pct(first), width: span(first, dayAfter(last)), top: `${row * 15}px` },
      "aria-label": `${events.length} events with ${nameOf(partner)}, ${years}${retracted ? `, ${retracted} retracted` : ""}: list them`,
      title: `${events.length} events, ${years}`,
      onclick: (e) => openCrowd(events, partner, years, e.currentTarget),
    }, String(events.length));
  }

  function thinLabel(interval) {
    const d = interval.details || {};
    if (interval.facet === "recognition") return `${nameOf(d.recognizer)} recognizes ${nameOf(d.recognized)}`;
    if (interval.facet === "mission") return `${cap(d.level || "mission")} of ${nameOf(d.sender)} in ${nameOf(d.host)}`;
    if (interval.facet === "agreement") return `Agreement: ${d.title || d.agreement}`;
    if (interval.facet === "membership") return `${nameOf(d.member)} in ${nameOf(d.body)}: ${d.status}${d.role ? ` (${d.role})` : ""}`;
    return `${interval.facet} ${interval.item}`;
  }

  function renderEventList(events, self) {
    const body = $("event-list-body");
    body.textContent = "";
    const sorted = [...events].sort((x, y) => x.window.first.localeCompare(y.window.first) || x.position - y.position);
    $("event-list").querySelector("summary").textContent = `All ${sorted.length} events of ${nameOf(self)}, in order of date`;
    body.append(eventItems(sorted, self, null));
  }

  /** A list of events, each a button that opens it (in the dialog, replacing what it shows). */
  function eventItems(events, self, opener) {
    return h("ol", { class: "events" }, events.map((event) => {
      const partner = event.subject === self ? event.counterpart : event.subject;
      const text = [h("span", { class: "ev-date" }, edtf(event.occurred)), " ",
        h("span", { class: "ev-type" }, typeName(event.type)), " · ", nameOf(partner), " — ", event.summary];
      return h("li", { class: event.retracted ? "retracted" : "" },
        h("button", { type: "button", class: "linkish ev", onclick: (e) => openEvent(event.id, opener || e.currentTarget, true) },
          event.retracted ? h("s", {}, text) : text,
          event.retracted ? h("span", { class: "ev-retracted" }, " retracted") : null));
    }));
  }

  window.addEventListener("resize", () => {
    const scroller = document.querySelector(".tl-scroll");
    if (scroller && cache.code && Math.abs(scroller.clientWidth - lastWidth) > 40) renderTimeline();
  });

  // ---------------------------------------------------------------- one event and its sources

  const dialog = $("event-dialog");
  let opener = null;

  async function openEvent(id, from, remember) {
    opener = from || document.activeElement;
    let event = cache.events.find((e) => e.id === id);
    try {
      event = await api(`/v1/events/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!event) { say(`The event ${id} could not be read: ${error.message}`, "error"); return; }
    }
    renderEvent(event);
    if (!dialog.open) dialog.showModal();
    if (remember && state.event !== id) {
      state.event = id;
      commit("replace");
    }
  }

  function openCrowd(events, partner, years, from) {
    opener = from;
    $("event-kind").textContent = `${events.length} events`;
    $("event-title").textContent = `${nameOf(cache.code)} and ${nameOf(partner)}, ${years}`;
    dialog.classList.remove("is-retracted");
    const body = $("event-body");
    body.textContent = "";
    body.append(h("p", { class: "hint" }, "Too close together to draw apart at this width. Choose one to read it and its sources."));
    body.append(eventItems(events, cache.code, from));
    if (!dialog.open) dialog.showModal();
  }

  function renderEvent(event) {
    const retracted = event.retracted;
    $("event-kind").textContent = `${typeName(event.type)}${retracted ? " · retracted" : ""}`;
    const title = $("event-title");
    title.textContent = "";
    const directed = /^(recognition|mission|membership)\./.test(event.type);
    const heading = `${nameOf(event.subject)} ${directed ? "→" : "and"} ${nameOf(event.counterpart)}, ${edtf(event.occurred)}`;
    title.append(retracted ? h("s", {}, heading) : heading);
    dialog.classList.toggle("is-retracted", Boolean(retracted));

    const body = $("event-body");
    body.textContent = "";
    if (retracted) {
      body.append(h("p", { class: "retraction" },
        h("strong", {}, "Retracted"), ` at position ${retracted.position} by ${retracted.recorded_by}: ${retracted.reason}`,
        retracted.replaced_by ? [" ", eventButton(retracted.replaced_by, "See the replacement.")] : null));
    }
    body.append(h("p", { class: "summary" }, retracted ? h("s", {}, event.summary) : event.summary));

    const facts = h("dl", { class: "event-facts" });
    const fact = (term, ...value) => facts.append(h("dt", {}, term), h("dd", {}, ...value));
    fact("Date", h("span", { class: "mono" }, event.occurred), ` — ${precision(event.occurred)}`,
      event.window.first !== event.window.last
        ? `: between ${longDay(event.window.first)} and ${longDay(event.window.last)}; it counts from the end of that window`
        : "");
    const attributes = event.attributes || {};
    for (const [key, value] of Object.entries(attributes)) fact(cap(key), String(value));
    fact("Recorded", `position ${event.position}, ${event.recorded_at.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, by ${event.recorded_by}`);
    body.append(facts);

    body.append(h("h3", { class: "sources-title" }, event.sources.length === 1 ? "Source" : `Sources (${event.sources.length})`));
    body.append(h("ol", { class: "sources" }, event.sources.map((source) => h("li", { class: "source" },
      h("blockquote", { class: "quote" }, h("p", {}, source.quote)),
      h("p", { class: "cite" }, "— ", source.url
        ? h("a", { href: source.url, rel: "noopener noreferrer", target: "_blank" }, h("cite", {}, source.title))
        : h("cite", {}, source.title))))));
    body.append(h("p", { class: "provenance" }, h("a", { href: `/v1/events/${event.id}` }, "This event as JSON"), `  ·  id ${event.id}`));
  }

  function closeDialog(forget) {
    if (dialog.open) dialog.close();
    if (forget && state.event) {
      state.event = "";
      commit("replace");
    }
  }

  $("event-close").addEventListener("click", () => closeDialog(true));
  dialog.addEventListener("close", () => {
    if (state.event) { state.event = ""; commit("replace"); }
    if (opener && document.contains(opener)) opener.focus();
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) closeDialog(true); // a click on the backdrop
  });

  // ---------------------------------------------------------------- start

  if (!state.on || !isDay(state.on)) {
    state.on = todayIso();
    if (state.entity) commit("replace");
  }
  show();
})();
