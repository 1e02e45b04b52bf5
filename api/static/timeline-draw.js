/* The timeline drawn: a legend, an axis of years, a lane per partner (bands, thin lines, markers), the
 * chosen day across every lane; and below, the list of every event. Where each goes is timeline-layout.js's. */

import { cache, visibleEvents } from "./cache.js";
import { byDate, longDay, todayIso } from "./dates.js";
import { $, h } from "./dom.js";
import { eventItems, openCrowd, openEvent } from "./event-dialog.js";
import { nameOf } from "./registry.js";
import { cursorAt, lanes, ticks, yearRange, yearScale } from "./timeline-layout.js";
import { state, urlOf } from "./url-state.js";

const ROW_PX = 15; // the height of a row of markers
let lastWidth = 0; // the scroller's width when last drawn

const pct = (n) => `${n.toFixed(4)}%`;
const across = (span) => ({ left: pct(span.left), width: pct(span.width) });
const top = (row) => `${row * ROW_PX}px`;

export const thisYear = () => Number(todayIso().slice(0, 4));

/** The years the timeline (and the year slider) cover for the entity shown. */
export const shownYears = () => yearRange(cache.events, thisYear());

export function renderTimeline() {
  $("timeline-section").hidden = false;
  renderLegend();
  const [firstYear, lastYear] = shownYears();
  const scale = yearScale(firstYear, lastYear);
  $("timeline-title").textContent = `Timeline of ${nameOf(cache.code)}, ${firstYear}–${lastYear}`;
  const inner = h("div", { class: "tl-inner" });
  const scroller = h("div",
    { class: "tl-scroll", tabindex: "0", role: "region", "aria-label": "Timeline, scrolls sideways" }, inner);
  $("timeline").replaceChildren(scroller);
  const marks = ticks(scale);
  inner.append(axis(marks));

  const shown = visibleEvents(state.retracted);
  const trackWidth = Math.max(scroller.clientWidth - laneLabelWidth(), 400);
  lastWidth = scroller.clientWidth;
  const placed = lanes(cache.timelines, { scale, events: cache.events, shown, trackWidth, nameOf });
  inner.append(h("ol", { class: "lanes" }, placed.map(laneElement)), overlay(marks, cursorAt(scale, state.on)));
  scrollToCursor(scroller, inner);
  renderEventList(shown, cache.code);
}

/** Drawn again when the width changed enough to stack the markers otherwise. */
export function redrawIfResized() {
  const scroller = document.querySelector(".tl-scroll");
  if (scroller && cache.code && Math.abs(scroller.clientWidth - lastWidth) > 40) renderTimeline();
}

function laneLabelWidth() {
  return window.matchMedia("(max-width: 720px)").matches ? 0 : 176;
}

function axis(marks) {
  return h("div", { class: "tl-axis", "aria-hidden": "true" }, h("span", { class: "lane-name" }),
    h("div", { class: "tl-ticks" },
      marks.map((t) => h("span", { class: "tick", style: { left: pct(t.left) } }, String(t.year)))));
}

/** Over the lanes: a faint line at each tick, and the day chosen across every lane. */
function overlay(marks, cursor) {
  const layer = h("div", { class: "tl-overlay", "aria-hidden": "true" },
    marks.map((t) => h("span", { class: "gridline", style: { left: pct(t.left) } })));
  if (cursor !== null) {
    layer.append(h("div", { class: "tl-cursor", style: { left: pct(cursor) } },
      h("span", { class: "tl-cursor-label" }, longDay(state.on))));
  }
  return layer;
}

/** Where the timeline is wider than the screen, bring the chosen day into view. */
function scrollToCursor(scroller, inner) {
  const cursor = inner.querySelector(".tl-cursor");
  if (!cursor || scroller.scrollWidth <= scroller.clientWidth) return;
  const x = cursor.getBoundingClientRect().left - inner.getBoundingClientRect().left;
  scroller.scrollLeft = Math.max(0, x - scroller.clientWidth * 0.6);
}

function laneElement(lane) {
  const name = nameOf(lane.code);
  const summary = lane.described.length ? `${name}: ${lane.described.join("; ")}.` : `${name}: no lasting fact, events only.`;
  return h("li", { class: "lane", dataset: { partner: lane.code } },
    h("h3", { class: "lane-name" },
      h("a", { href: urlOf({ entity: lane.code, on: state.on }), "data-nav": true, title: `${name}: see its own relations` },
        name)),
    h("div", { class: "lane-track" }, markerRows(lane), bandRow(lane.bands), thinRows(lane.thinRows)),
    h("p", { class: "visually-hidden" }, summary));
}

/** A band per interval; a hatched lead-in (or tail) where its edge is an event's window. */
function bandRow(bands) {
  return h("div", { class: "band-row" }, bands.map((band) => [
    h("span", { class: `band status-${band.status}`, style: across(band), title: band.label }),
    band.leadIn && h("span",
      { class: `band uncertain status-${band.status}`, style: across(band.leadIn), title: band.leadIn.title }),
    band.tail && h("span", { class: "band uncertain-end", style: across(band.tail), title: band.tail.title }),
  ]));
}

/** Thin lines: recognition, missions, agreements (and memberships, when the band shows diplomacy). */
function thinRows(rows) {
  return h("div", { class: "thin-rows" }, rows.map((row) => h("div", { class: "thin-row" }, row.map((line) => [
    h("span",
      { class: `thin facet-${line.facet}${line.suspended ? " is-suspended" : ""}`, style: across(line), title: line.label }),
    line.leadIn && h("span", { class: `thin uncertain facet-${line.facet}`, style: across(line.leadIn) }),
  ]))));
}

function markerRows({ code, markers }) {
  return h("div", { class: "marker-rows", style: { height: `${Math.max(1, markers.rows) * ROW_PX}px` } },
    markers.crowds.map((crowd) => crowdButton(crowd, code)), markers.singles.map(markerButton));
}

function markerButton(marker) {
  const { event, windowed } = marker;
  return h("button", {
    type: "button",
    class: `marker tone-${marker.tone}${windowed ? " windowed" : " exact"}${event.retracted ? " retracted" : ""}`
      + `${marker.doubtful ? " doubtful" : ""}`,
    style: windowed ? { ...across(marker), top: top(marker.row) }
      : { left: `calc(${pct(marker.left)} + ${marker.halfDay}%)`, top: top(marker.row) },
    "aria-label": marker.label,
    title: marker.title,
    dataset: { event: event.id, type: event.type },
    onclick: (e) => openEvent(event.id, e.currentTarget, true),
  });
}

/** One marker for a crowd of events too close to tell apart at this width; it lists them. */
function crowdButton(crowd, partner) {
  return h("button", {
    type: "button",
    class: "marker crowd",
    style: { ...across(crowd), top: top(crowd.row) },
    "aria-label": crowd.label,
    title: crowd.title,
    onclick: (e) => openCrowd(crowd.events, partner, crowd.years, e.currentTarget),
  }, String(crowd.events.length));
}

function renderEventList(events, self) {
  const sorted = [...events].sort(byDate);
  $("event-list").querySelector("summary").textContent = `All ${sorted.length} events of ${nameOf(self)}, in order of date`;
  $("event-list-body").replaceChildren(eventItems(sorted, self, null));
}

function renderLegend() {
  const item = (swatch, label) => h("span", { class: "legend-item" },
    h("span", { class: `swatch ${swatch}`, "aria-hidden": "true" }), label);
  const group = (title, ...items) => h("span", { class: "legend-group" }, h("span", { class: "legend-title" }, title), ...items);
  $("legend").replaceChildren(
    group("Status",
      item("band status-established", "established"),
      item("band status-suspended", "suspended"),
      item("band status-severed", "severed"),
      item("band status-member", "member"),
      item("band uncertain-swatch", "not yet certain")),
    group("Held",
      item("thin facet-recognition", "recognition"),
      item("thin facet-mission", "mission"),
      item("thin facet-agreement", "agreement"),
      item("thin facet-membership", "membership")),
    group("Events",
      item("mk tone-begins", "begins or grants"),
      item("mk tone-suspends", "suspends"),
      item("mk tone-ends", "ends or withdraws"),
      item("mk tone-note", "note"),
      item("mk-window", "dated to a month or year: the whole window"),
      state.retracted ? item("mk tone-note retracted", "retracted") : null),
  );
}
