/* One event and its sources, in a dialog; or a crowd of events, listed to choose from. */

import { eventById } from "./api.js";
import { cache } from "./cache.js";
import { edtf, longDay, precision } from "./dates.js";
import { $, append, h, say } from "./dom.js";
import { nameOf } from "./registry.js";
import { commit, state } from "./url-state.js";
import { cap, typeName } from "./words.js";

const dialog = $("event-dialog");
let opener = null; // focus goes back here when the dialog closes

/** Show an event (read again from the service); remember it in the URL if asked. */
export async function openEvent(id, from, remember) {
  opener = from || document.activeElement;
  let event = cache.events.find((e) => e.id === id);
  try {
    event = await eventById(id);
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

/** A crowd of events too close to draw apart: list them, each one opens. */
export function openCrowd(events, partner, years, from) {
  opener = from;
  $("event-kind").textContent = `${events.length} events`;
  $("event-title").textContent = `${nameOf(cache.code)} and ${nameOf(partner)}, ${years}`;
  dialog.classList.remove("is-retracted");
  const body = $("event-body");
  body.textContent = "";
  body.append(h("p", { class: "hint" },
    "Too close together to draw apart at this width. Choose one to read it and its sources."));
  body.append(eventItems(events, cache.code, from));
  if (!dialog.open) dialog.showModal();
}

export function closeDialog(forget) {
  if (dialog.open) dialog.close();
  if (forget && state.event) {
    state.event = "";
    commit("replace");
  }
}

/** The close button, Escape and a click on the backdrop close it; focus goes back where it was. */
export function initDialog() {
  $("event-close").addEventListener("click", () => closeDialog(true));
  dialog.addEventListener("close", () => {
    if (state.event) { state.event = ""; commit("replace"); }
    if (opener && document.contains(opener)) opener.focus();
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) closeDialog(true);
  });
}

/** A button that opens an event (the "since" of a fact, a pending item). */
export function eventButton(id, label, described) {
  if (!id) return label;
  return h("button", {
    type: "button", class: "linkish", "aria-label": described || undefined,
    onclick: (event) => openEvent(id, event.currentTarget, true),
  }, label);
}

/** A list of events, each a button that opens it (in the dialog, replacing what it shows). */
export function eventItems(events, self, from) {
  return h("ol", { class: "events" }, events.map((event) => {
    // An entity's own event (it began, it ended) has no counterpart: it names the entity.
    const partner = event.subject === self ? (event.counterpart ?? event.subject) : event.subject;
    const text = [h("span", { class: "ev-date" }, edtf(event.occurred)), " ",
      h("span", { class: "ev-type" }, typeName(event.type)), " · ", nameOf(partner), " — ", event.summary];
    return h("li", { class: event.retracted ? "retracted" : "" },
      h("button", { type: "button", class: "linkish ev", onclick: (e) => openEvent(event.id, from || e.currentTarget, true) },
        event.retracted ? h("s", {}, text) : text,
        event.retracted ? h("span", { class: "ev-retracted" }, " retracted") : null));
  }));
}

function renderEvent(event) {
  const retracted = event.retracted;
  $("event-kind").textContent = `${typeName(event.type)}${retracted ? " · retracted" : ""}`;
  const directed = /^(recognition|mission|membership)\./.test(event.type);
  const parties = event.counterpart === null
    ? nameOf(event.subject) : `${nameOf(event.subject)} ${directed ? "→" : "and"} ${nameOf(event.counterpart)}`;
  const heading = `${parties}, ${edtf(event.occurred)}`;
  $("event-title").replaceChildren(retracted ? h("s", {}, heading) : heading);
  dialog.classList.toggle("is-retracted", Boolean(retracted));
  const body = $("event-body");
  body.textContent = "";
  append(body, [
    retracted ? retraction(retracted) : null,
    h("p", { class: "summary" }, retracted ? h("s", {}, event.summary) : event.summary),
    facts(event),
    h("h3", { class: "sources-title" }, event.sources.length === 1 ? "Source" : `Sources (${event.sources.length})`),
    h("ol", { class: "sources" }, event.sources.map(source)),
    h("p", { class: "provenance" }, h("a", { href: `/v1/events/${event.id}` }, "This event as JSON"), `  ·  id ${event.id}`),
  ]);
}

function retraction(retracted) {
  return h("p", { class: "retraction" },
    h("strong", {}, "Retracted"), ` at position ${retracted.position} by ${retracted.recorded_by}: ${retracted.reason}`,
    retracted.replaced_by ? [" ", eventButton(retracted.replaced_by, "See the replacement.")] : null);
}

function facts(event) {
  const list = h("dl", { class: "event-facts" });
  const fact = (term, ...value) => list.append(h("dt", {}, term), h("dd", {}, ...value));
  fact("Date", h("span", { class: "mono" }, event.occurred), ` — ${precision(event.occurred)}`,
    event.window.first !== event.window.last
      ? `: between ${longDay(event.window.first)} and ${longDay(event.window.last)}; it counts from the end of that window`
      : "");
  for (const [key, value] of Object.entries(event.attributes || {})) fact(cap(key), String(value));
  const recorded = event.recorded_at.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  fact("Recorded", `position ${event.position}, ${recorded}, by ${event.recorded_by}`);
  return list;
}

function source(quoted) {
  const cite = h("cite", {}, quoted.title);
  return h("li", { class: "source" },
    h("blockquote", { class: "quote" }, h("p", {}, quoted.quote)),
    h("p", { class: "cite" }, "— ",
      quoted.url ? h("a", { href: quoted.url, rel: "noopener noreferrer", target: "_blank" }, cite) : cite));
}
