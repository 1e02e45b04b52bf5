/* Chancery: the page for people. Plain JS modules, no dependencies; it asks the JSON API of the same origin.
 * This module starts the page and wires the others: it shows what the URL says, and moves when a control,
 * a link inside the page or Back does. */

import { relationsOn } from "./api.js";
import { cache, loadHistory } from "./cache.js";
import { initCombobox } from "./combobox.js";
import { initControls, syncControls } from "./controls.js";
import { isDay, todayIso } from "./dates.js";
import { $, say } from "./dom.js";
import { closeDialog, initDialog, openEvent } from "./event-dialog.js";
import { loadRegistry } from "./registry.js";
import { renderProblem, renderState, renderWelcome } from "./state-table.js";
import { redrawIfResized, renderTimeline } from "./timeline-draw.js";
import { commit, readUrl, state } from "./url-state.js";

let ticket = 0; // answers to an older request are dropped

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
    await showEntity(() => mine === ticket);
  } catch (error) {
    if (mine === ticket) renderProblem(error);
  } finally {
    if (mine === ticket) section.setAttribute("aria-busy", "false");
  }
}

/** Ask for the entity's relations on the day, and its history if it is not the one loaded. */
async function showEntity(current) {
  await loadRegistry();
  const relations = await relationsOn(state.entity, state.on);
  if (!current()) return;
  const code = relations.entity.code;
  if (cache.code !== code) {
    await loadHistory(code);
    if (!current()) return;
  }
  if (state.entity !== code) {
    state.entity = code; // the URL named it by a name or an alias: it now says its code
    commit("replace");
  }
  syncControls();
  renderState(relations);
  renderTimeline();
  say("");
  if (state.event) openEvent(state.event, null, false);
}

/** Change the state, write it to the URL ("push" or "replace"), and show it. */
function go(changes, mode) {
  const entityChanged = changes.entity !== undefined && changes.entity !== state.entity;
  Object.assign(state, changes);
  if (entityChanged) state.event = "";
  commit(mode);
  show();
}

/** Links inside the page (data-nav) move without a reload, and keep history. */
function followLink(event) {
  const link = event.target.closest && event.target.closest("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  const params = new URL(link.href).searchParams;
  go({ entity: params.get("entity") || "", on: params.get("on") || state.on, event: "" }, "push");
  $("state").focus({ preventScroll: false });
}

function goneBack() {
  closeDialog(false);
  Object.assign(state, readUrl());
  if (!state.on) state.on = todayIso();
  show();
}

initDialog();
initControls(go);
initCombobox(go);
document.addEventListener("click", followLink);
window.addEventListener("popstate", goneBack);
window.addEventListener("resize", redrawIfResized);

if (!state.on || !isDay(state.on)) {
  state.on = todayIso();
  if (state.entity) commit("replace");
}
show();
