/* The state on the day: a table of an entity's relations at the end of a day, one row per partner; and
 * what the page says instead (the welcome, or a problem). */

import { ApiError } from "./api.js";
import { edtf, longDay } from "./dates.js";
import { $, h, say } from "./dom.js";
import { eventButton } from "./event-dialog.js";
import { kindOf, nameOf, shortName } from "./registry.js";
import { state, urlOf } from "./url-state.js";
import { STATUS_WORDS, cap, typeName } from "./words.js";

const COLUMNS = ["Partner", "Diplomatic relations", "Recognition", "Missions", "Agreements", "Memberships", "Pending"];
const welcome = { title: $("state-title").textContent, body: [...$("state-body").childNodes].map((n) => n.cloneNode(true)) };

export function renderWelcome() {
  $("state-title").textContent = welcome.title;
  $("state-body").replaceChildren(...welcome.body.map((n) => n.cloneNode(true)));
  $("timeline-section").hidden = true;
  document.title = "Chancery — diplomatic relations on any date";
  say("");
}

export function renderProblem(error) {
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
  if (problem.suggestions && problem.suggestions.length) message.push(" Did you mean ", alternatives(problem.suggestions), "?");
  say(message, "error");
}

/** "A, B or C", each a link to that entity on the same day. */
function alternatives(suggestions) {
  return suggestions.map((s, i) => [
    i ? (i === suggestions.length - 1 ? " or " : ", ") : null,
    h("a", { href: urlOf({ entity: s.code, on: state.on }), "data-nav": true }, s.name),
  ]);
}

/** The table of an answer of GET /v1/entities/{code}/relations. */
export function renderState(answer) {
  const self = answer.entity.code;
  const day = longDay(answer.on);
  $("state-title").textContent = `${answer.entity.name} on ${day}`;
  document.title = `${answer.entity.name} on ${day} — Chancery`;
  const rows = [...answer.relations].sort((x, y) => partnerOf(x, self).name.localeCompare(partnerOf(y, self).name));
  const body = $("state-body");
  body.textContent = "";
  body.append(lede(rows, day));
  if (!rows.length) {
    body.append(h("p", { class: "empty-note" }, `Nothing is recorded for ${answer.entity.name} on or before this day.`));
  } else {
    body.append(h("div", { class: "table-wrap" }, h("table", { class: "relations", id: "relations" },
      h("caption", { class: "visually-hidden" }, `Relations of ${answer.entity.name} on ${day}`),
      h("thead", {}, h("tr", {}, COLUMNS.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows.map((r) => relationRow(r, self))))));
  }
  body.append(h("p", { class: "provenance" },
    `From the log up to position ${answer.as_of_position}. `,
    h("a", { href: `/v1/entities/${encodeURIComponent(self)}/relations?on=${answer.on}` }, "This answer as JSON"), "."));
}

const partnerOf = (relation, self) => (relation.a.code === self ? relation.b : relation.a);

function lede(rows, day) {
  const pending = rows.reduce((n, r) => n + r.pending.length, 0);
  return h("p", { class: "lede" },
    `As recorded, at the end of ${day}: ${rows.length} relation${rows.length === 1 ? "" : "s"}`,
    pending ? `, ${pending} event${pending === 1 ? "" : "s"} pending — dated with a window that is still open on that day` : "",
    ".");
}

function relationRow(relation, self) {
  const partner = partnerOf(relation, self);
  return h("tr", { dataset: { partner: partner.code }, class: quiet(relation) ? "quiet" : "" },
    h("th", { scope: "row", "data-label": "Partner" },
      h("a", { href: urlOf({ entity: partner.code, on: state.on }), "data-nav": true, class: "partner" }, partner.name),
      h("span", { class: "kind" }, `${partner.code} · ${kindOf(partner.code)}`)),
    h("td", { "data-label": "Diplomatic relations", class: "cell-status" }, diplomatic(relation.diplomatic)),
    h("td", { "data-label": "Recognition" }, recognition(relation, self, partner.code)),
    cell("Missions", "cell-missions", relation.missions, mission),
    cell("Agreements", "cell-agreements", relation.agreements, agreement),
    cell("Memberships", "cell-memberships", relation.memberships, membership),
    cell("Pending", "cell-pending", relation.pending, pendingItem),
  );
}

/** Nothing held and nothing pending: the row is drawn quieter. */
function quiet(relation) {
  const recognized = relation.recognition.a_recognizes_b || relation.recognition.b_recognizes_a;
  return relation.diplomatic.status === "none" && !recognized && !relation.missions.length
    && !relation.agreements.length && !relation.memberships.length && !relation.pending.length;
}

/** A cell of a list of facts, or a dash for none. */
function cell(label, className, items, item) {
  return h("td", { "data-label": label, class: className },
    items.length ? h("ul", { class: "facts" }, items.map((i) => h("li", {}, item(i)))) : dash());
}

const dash = () => h("span", { class: "none", "aria-label": "none" }, "—");

/** Since when a fact holds, one click from its event; one a later event implies has no date of its own. */
function since(text, id, what) {
  if (!text) {
    return h("span", { class: "since inferred" }, "inferred from ",
      eventButton(id, "a later event", `${what}, inferred from a later event (no source dates its beginning): open it`));
  }
  return h("span", { class: "since" }, "since ", eventButton(id, edtf(text), `${what}, since ${edtf(text)}: open the event`));
}

function diplomatic(d) {
  const shown = d.status === "unknown" ? "not recorded" : d.status;
  return [h("span", { class: `badge status-${d.status}` }, shown),
    d.event ? [" ", since(d.since, d.event, `${STATUS_WORDS[d.status]} relations`)] : null];
}

/** Recognition each way: by the entity shown, and by the partner. */
function recognition(relation, self, other) {
  const rec = relation.recognition;
  const selfIsA = relation.a.code === self;
  const byUs = selfIsA ? rec.a_recognizes_b : rec.b_recognizes_a;
  const byThem = selfIsA ? rec.b_recognizes_a : rec.a_recognizes_b;
  if (!byUs && !byThem) return dash();
  const held = (who) => rec.held.find((r) => r.recognizer === who);
  return h("ul", { class: "facts" }, recognizes(byUs, self, other, held(self)), recognizes(byThem, other, self, held(other)));
}

function recognizes(yes, who, whom, held) {
  return h("li", { class: yes ? "recognized" : "muted" },
    h("span", { class: "by" }, `by ${shortName(who)}`),
    yes ? [" ", since(held.since, held.event, `${nameOf(who)} recognizes ${nameOf(whom)}`)]
      : h("span", { class: "none" }, ": —"));
}

function mission(m) {
  return [`${cap(m.level)} of ${nameOf(m.sender)} in ${nameOf(m.host)} `,
    since(m.since, m.event, `${cap(m.level)} of ${nameOf(m.sender)}`)];
}

function agreement(a) {
  return [h("span", { class: "agreement-title" }, a.title || a.agreement),
    a.kind ? h("span", { class: "tag" }, a.kind) : null, " ",
    since(a.since, a.event, a.title || a.agreement)];
}

function membership(m) {
  const status = m.status === "member" ? "member" : "suspended";
  return [h("span", { class: `badge status-${status}` }, status),
    ` ${nameOf(m.member)} in ${nameOf(m.body)}`, m.role ? ` (${m.role})` : "", " ",
    since(m.since, m.event, `${nameOf(m.member)} in ${nameOf(m.body)}`)];
}

function pendingItem(p) {
  return [eventButton(p.id, edtf(p.occurred), `Pending: ${typeName(p.type)}, ${edtf(p.occurred)}: open the event`),
    ` · ${typeName(p.type)}`];
}
