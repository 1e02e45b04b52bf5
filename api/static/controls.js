/* The day field, the year slider and the box for retracted events, kept in step with the state. */

import { isDay, todayIso } from "./dates.js";
import { $ } from "./dom.js";
import { nameOf } from "./registry.js";
import { renderTimeline, shownYears } from "./timeline-draw.js";
import { commit, state } from "./url-state.js";

const entityInput = $("entity");
const onInput = $("on");
const yearInput = $("year");
const yearOut = $("year-out");
const retractedInput = $("show-retracted");
let sliding = false; // a drag of the slider is under way: one history entry per drag, not one per step

/** Show the state in the controls (the entity's name unless someone is typing in its field). */
export function syncControls() {
  if (document.activeElement !== entityInput) {
    entityInput.value = state.entity ? nameOf(state.entity) : "";
  }
  onInput.value = state.on;
  const year = Number(state.on.slice(0, 4));
  const [first, last] = shownYears();
  yearInput.min = String(first);
  yearInput.max = String(last);
  yearInput.value = String(year || last);
  yearOut.textContent = year ? String(year) : "";
  retractedInput.checked = state.retracted;
}

/** go(changes, mode) moves the page: it changes the state, writes the URL and shows it. */
export function initControls(go) {
  onInput.addEventListener("change", () => {
    if (isDay(onInput.value) && onInput.value !== state.on) go({ on: onInput.value, event: "" }, "push");
  });
  yearInput.addEventListener("input", () => onYear(go, false));
  yearInput.addEventListener("change", () => onYear(go, true));
  retractedInput.addEventListener("change", () => {
    state.retracted = retractedInput.checked;
    commit("replace");
    renderTimeline();
  });
}

/** The same day and month in the year of the slider (28 February for the 29th, in a common year). */
function onYear(go, final) {
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
