/* The entity field: suggestions by name or alias as one types, chosen with the mouse or the keyboard. */

import { searchEntities } from "./api.js";
import { todayIso } from "./dates.js";
import { $, h } from "./dom.js";
import { nameOf } from "./registry.js";
import { state } from "./url-state.js";

const entityInput = $("entity");
const options = $("entity-options");
let suggestions = [];
let active = -1; // the suggestion the arrow keys are on
let searchTimer = 0;
let searchTicket = 0; // answers to an older search are dropped
let go = () => {}; // how a choice moves the page: given to initCombobox

/** go(changes, mode) moves the page; Enter in the form chooses what was typed. */
export function initCombobox(navigate) {
  go = navigate;
  entityInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    const query = entityInput.value.trim();
    if (!query) { closeOptions(); return; }
    searchTimer = setTimeout(() => search(query), 120);
  });
  entityInput.addEventListener("keydown", onKey);
  entityInput.addEventListener("blur", () => {
    closeOptions();
    if (!entityInput.value.trim() && state.entity) entityInput.value = nameOf(state.entity);
  });
  $("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    chooseTyped();
  });
}

function onKey(event) {
  const open = !options.hidden && suggestions.length;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (!open) { if (entityInput.value.trim()) search(entityInput.value.trim()); return; }
    event.preventDefault();
    moveActive(event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (open && active >= 0) choose(suggestions[active]);
    else chooseTyped();
  } else if (event.key === "Escape") {
    if (!options.hidden) { event.preventDefault(); closeOptions(); }
  }
}

function moveActive(step) {
  active = (active + step + suggestions.length) % suggestions.length;
  renderOptions(entityInput.value.trim());
  $(`entity-option-${active}`).scrollIntoView({ block: "nearest" });
}

async function search(query) {
  const mine = ++searchTicket;
  try {
    const found = await searchEntities(query);
    if (mine !== searchTicket || document.activeElement !== entityInput) return;
    suggestions = found.slice(0, 8);
    active = -1;
    renderOptions(query);
  } catch (error) {
    closeOptions();
  }
}

function closeOptions() {
  options.hidden = true;
  entityInput.setAttribute("aria-expanded", "false");
  entityInput.removeAttribute("aria-activedescendant");
  active = -1;
}

function renderOptions(query) {
  options.textContent = "";
  if (!suggestions.length) {
    options.append(h("li", { class: "option empty", role: "option", "aria-disabled": "true" }, `Nothing is called “${query}”.`));
  }
  suggestions.forEach((entity, index) => options.append(option(entity, index, query)));
  options.hidden = false;
  entityInput.setAttribute("aria-expanded", "true");
  if (active >= 0) entityInput.setAttribute("aria-activedescendant", `entity-option-${active}`);
  else entityInput.removeAttribute("aria-activedescendant");
}

/** A suggestion: its name, its code, and the alias that matched when the name did not. */
function option(entity, index, query) {
  const lower = query.toLowerCase();
  const alias = entity.name.toLowerCase().includes(lower) ? null
    : entity.aliases.find((a) => a.toLowerCase().includes(lower));
  return h("li", {
    id: `entity-option-${index}`,
    class: "option",
    role: "option",
    "aria-selected": index === active ? "true" : "false",
    onmousedown: (event) => { event.preventDefault(); choose(entity); },
  },
  h("span", { class: "option-name" }, entity.name),
  h("span", { class: "option-code" }, entity.code),
  alias ? h("span", { class: "option-alias" }, `also “${alias}”`) : null);
}

function choose(entity) {
  closeOptions();
  entityInput.value = entity.name;
  go({ entity: entity.code, on: state.on || todayIso() }, "push");
}

/** What was typed: a suggestion it names exactly, or the only one; else the service is asked for it. */
function chooseTyped() {
  const typed = entityInput.value.trim().toLowerCase();
  if (!typed) return;
  const exact = suggestions.find((e) => e.code.toLowerCase() === typed || e.name.toLowerCase() === typed
    || e.aliases.some((a) => a.toLowerCase() === typed));
  if (exact || suggestions.length === 1) { choose(exact || suggestions[0]); return; }
  closeOptions();
  go({ entity: entityInput.value.trim(), on: state.on || todayIso() }, "push");
}
