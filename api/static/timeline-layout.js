/* The timeline's layout: pure functions (no DOM, no fetch, no state of the page) that place an entity's
 * timelines on an axis of years. A place on the axis is a percentage: 0 at its first day, 100 at the day
 * after its last. Markers are stacked into rows in pixels, for a track of a given width. */

import { byDate, dayAfter, dayNumber, edtf, isDay, isoOf, longDay, newYear, openAfter, openBefore, uncertain } from "./dates.js";
import { cap, statusWord, tone, typeName } from "./words.js";

const MARKER_PX = 12; // an event of an exact day
const WINDOW_MIN_PX = 6; // an event dated to a month or a year, however short its window
const GAP_PX = 2; // between two markers of a row
const CROWD_MIN_PX = 24; // the marker that stands for a crowd
const CROWD_MAX = 3; // more events than this, too close to tell apart, become one marker

const touches = (code) => (event) => event.subject === code || event.counterpart === code;

/** The years of the axis: from the decade of the earliest event to this year, or to the last event's. An open
 * side ("../1960", "1960/..") does not stretch the axis: its event counts by the end it names. */
export function yearRange(events, thisYear) {
  if (!events.length) return [1800, thisYear];
  const first = Math.min(...events.map((e) => Number((openBefore(e) ? e.window.last : e.window.first).slice(0, 4))));
  const last = Math.max(thisYear, ...events.map((e) => Number((openAfter(e) ? e.window.first : e.window.last).slice(0, 4))));
  return [Math.floor(first / 10) * 10, last];
}

/** An axis from 1 January of the first year to 31 December of the last. */
export function yearScale(firstYear, lastYear) {
  const start = dayNumber(newYear(firstYear));
  const end = dayNumber(newYear(lastYear + 1));
  return { firstYear, lastYear, start, end, endIso: isoOf(end) };
}

/** A day as a day number, kept on the axis: a window open to the calendar's edge is drawn to the axis' edge. */
const onAxis = (scale, days) => Math.min(Math.max(days, scale.start), scale.end);

/** Where a day begins on the axis, in percent. */
export const leftOf = (scale, iso) => ((onAxis(scale, dayNumber(iso)) - scale.start) / (scale.end - scale.start)) * 100;

/** How far it is from one day to another on the axis, in percent. */
export const widthOf = (scale, from, to) =>
  ((onAxis(scale, dayNumber(to)) - onAxis(scale, dayNumber(from))) / (scale.end - scale.start)) * 100;

/** A labelled tick every 5 years; every 10 over more than 80 years, every 25 over more than 160. */
export function ticks(scale) {
  const years = scale.lastYear - scale.firstYear;
  const step = years > 160 ? 25 : years > 80 ? 10 : 5;
  const marks = [];
  for (let year = Math.ceil(scale.firstYear / step) * step; year <= scale.lastYear; year += step) {
    marks.push({ year, left: leftOf(scale, newYear(year)) });
  }
  return marks;
}

/** Where the chosen day is on the axis; null when it is not a day, or not on the axis. */
export function cursorAt(scale, on) {
  if (!isDay(on)) return null;
  const day = dayNumber(on);
  return day >= scale.start && day < scale.end ? leftOf(scale, on) : null;
}

/** The timelines in the order their relations began (by their earliest event), then by the partner's name. */
export function laneOrder(timelines, events, nameOf = (code) => code) {
  const began = (code) => Math.min(...events.filter(touches(code)).map((e) => dayNumber(e.window.first)));
  const first = new Map(timelines.map((t) => [t.b.code, began(t.b.code)]));
  return [...timelines].sort((x, y) => first.get(x.b.code) - first.get(y.b.code)
    || nameOf(x.b.code).localeCompare(nameOf(y.b.code)));
}

/**
 * A lane per timeline, in order: its spans and its markers. events are all the entity's events (they
 * order the lanes and date uncertain edges); shown are those drawn as markers.
 */
export function lanes(timelines, { scale, events, shown, trackWidth, nameOf = (code) => code }) {
  const context = { scale, events, nameOf, byId: new Map(events.map((e) => [e.id, e])) };
  return laneOrder(timelines, events, nameOf).map((timeline) => {
    const code = timeline.b.code;
    const placed = markers(shown.filter(touches(code)), code, trackWidth, context);
    return { code, ...spans(timeline.intervals, code, context), markers: placed };
  });
}

/**
 * The facts of a lane: the main facet (diplomatic, else membership) as bands, one after another; every
 * other fact as a thin line, in a row of its own for each facet and item. described: each said in words.
 */
export function spans(intervals, partner, context) {
  const held = intervals.filter(holds);
  const diplomatic = held.filter((i) => i.facet === "diplomatic");
  const main = diplomatic.length ? diplomatic : held.filter((i) => i.facet === "membership");
  const bands = main.map((interval) => band(interval, partner, context));
  const rows = thinRows(held.filter((i) => !main.includes(i)), context);
  const described = [...bands, ...rows.flat()].map((span) => span.label);
  return { bands, thinRows: rows, described };
}

/** Where an interval is on the axis; one that still holds reaches the end of the axis. */
function place(scale, interval) {
  const to = interval.to || scale.endIso;
  return { from: interval.from, to, left: leftOf(scale, interval.from), width: widthOf(scale, interval.from, to) };
}

/** Whether an interval says something held: not relations known not to hold, nor a recognition not given. */
const holds = (interval) =>
  !(interval.facet === "diplomatic" && interval.status === "none") && interval.status !== "not recognized";

/** When a fact held, in words; one a later event implies (no source dates it) held before that. */
const heldFrom = (interval) => interval.since
  ? `from ${edtf(interval.since)}${interval.to ? ` to ${longDay(interval.to)}` : ""}`
  : `before ${longDay(interval.to)} (inferred: no source dates its beginning)`;

/** Where a fact was begun by an event dated to a month or a year: its window before the first certain day. */
function leadIn(scale, opened, interval) {
  if (!uncertain(opened) || opened.window.first >= interval.from) return null;
  return { left: leftOf(scale, opened.window.first), width: widthOf(scale, opened.window.first, interval.from) };
}

function band(interval, partner, { scale, events, byId, nameOf }) {
  const membership = interval.facet === "membership";
  const status = membership ? (interval.status === "member" ? "member" : "suspended") : interval.status;
  const who = membership ? ` (${nameOf(interval.details.member)} in ${nameOf(interval.details.body)})` : "";
  const opened = byId.get(interval.event);
  const start = leadIn(scale, opened, interval);
  return {
    facet: interval.facet,
    status,
    ...place(scale, interval),
    label: `${statusWord(status)}${who}, ${heldFrom(interval)}`,
    leadIn: start && {
      ...start,
      title: `${statusWord(status)} from some day in ${edtf(opened.occurred)}: certain only from ${longDay(interval.from)}`,
    },
    tail: interval.to ? tail(scale, events, partner, interval.to) : null,
  };
}

/** Where a fact was ended by an event dated to a month or a year: the window before its end. */
function tail(scale, events, partner, to) {
  const closing = events.find((e) => !e.retracted && uncertain(e) && e.window.last === to
    && touches(partner)(e) && e.window.first < to);
  if (!closing) return null;
  const left = leftOf(scale, closing.window.first);
  return { left, width: widthOf(scale, closing.window.first, to), title: `Ends some day in ${edtf(closing.occurred)}` };
}

function thinRows(intervals, context) {
  const rows = new Map();
  for (const interval of intervals) {
    const key = `${interval.facet}:${interval.item}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key).push(thinLine(interval, context));
  }
  return [...rows.values()];
}

function thinLine(interval, { scale, byId, nameOf }) {
  return {
    facet: interval.facet,
    item: interval.item,
    suspended: interval.facet === "membership" && interval.status === "suspended",
    ...place(scale, interval),
    label: `${thinLabel(interval, nameOf)}, ${heldFrom(interval)}`,
    leadIn: leadIn(scale, byId.get(interval.event), interval),
  };
}

function thinLabel(interval, nameOf) {
  const d = interval.details || {};
  if (interval.facet === "recognition") return `${nameOf(d.recognizer)} recognizes ${nameOf(d.recognized)}`;
  if (interval.facet === "mission") return `${cap(d.level || "mission")} of ${nameOf(d.sender)} in ${nameOf(d.host)}`;
  if (interval.facet === "agreement") return `Agreement: ${d.title || d.agreement}`;
  if (interval.facet === "membership") {
    return `${nameOf(d.member)} in ${nameOf(d.body)}: ${d.status}${d.role ? ` (${d.role})` : ""}`;
  }
  return `${interval.facet} ${interval.item}`;
}

/**
 * The markers of a lane, stacked into rows where they would overlap at this width; more than three in one
 * crowd become one marker that lists them. x0 and x1 are each marker's edges in pixels.
 */
export function markers(events, partner, trackWidth, { scale, nameOf = (code) => code }) {
  const edges = []; // the right edge of each row, in pixels
  const rowFor = (x0, x1) => {
    let row = edges.findIndex((right) => right + GAP_PX <= x0);
    if (row === -1) { row = edges.length; edges.push(0); }
    edges[row] = x1;
    return row;
  };
  const crowds = [];
  const singles = [];
  for (const crowd of crowdsOf([...events].sort(byDate).map((e) => measure(e, scale, trackWidth)))) {
    if (crowd.items.length > CROWD_MAX) {
      const x1 = Math.max(crowd.x1, crowd.x0 + CROWD_MIN_PX);
      const crowded = crowd.items.map((i) => i.event);
      crowds.push({ ...crowdMarker(crowded, partner, scale, nameOf), x0: crowd.x0, x1, row: rowFor(crowd.x0, x1) });
    } else {
      for (const { event, x0, x1 } of crowd.items) singles.push({ ...marker(event, scale), x0, x1, row: rowFor(x0, x1) });
    }
  }
  return { rows: edges.length, crowds, singles };
}

/** An event's marker in pixels: a window spans its days, an exact day is a marker centred on it. */
function measure(event, scale, trackWidth) {
  const days = scale.end - scale.start;
  const a = onAxis(scale, dayNumber(event.window.first));
  const b = onAxis(scale, dayNumber(event.window.last) + 1);
  const left = ((a - scale.start) / days) * trackWidth;
  const width = ((b - a) / days) * trackWidth;
  const x0 = uncertain(event) ? left : left + width / 2 - MARKER_PX / 2;
  return { event, x0, x1: x0 + (uncertain(event) ? Math.max(width, WINDOW_MIN_PX) : MARKER_PX) };
}

/** Markers in order of date, gathered where each begins before the last one ends. */
function crowdsOf(measured) {
  const crowds = [];
  for (const item of measured) {
    const last = crowds[crowds.length - 1];
    if (last && item.x0 < last.x1 + GAP_PX) { last.items.push(item); last.x1 = Math.max(last.x1, item.x1); }
    else crowds.push({ items: [item], x0: item.x0, x1: item.x1 });
  }
  return crowds;
}

function marker(event, scale) {
  const windowed = uncertain(event);
  const when = edtf(event.occurred);
  return {
    event,
    windowed,
    tone: tone(event.type),
    doubtful: /[?%]$/.test(event.occurred),
    left: leftOf(scale, event.window.first),
    width: windowed ? widthOf(scale, event.window.first, dayAfter(event.window.last)) : null,
    halfDay: (1 / (scale.end - scale.start)) * 50, // in percent: an exact day's marker is at its middle
    label: `${event.retracted ? "Retracted: " : ""}${when}, ${typeName(event.type)}: ${event.summary}`,
    title: `${when} · ${typeName(event.type)}${event.retracted ? " (retracted)" : ""}`,
  };
}

function crowdMarker(events, partner, scale, nameOf) {
  const first = events.reduce((m, e) => (e.window.first < m ? e.window.first : m), events[0].window.first);
  const last = events.reduce((m, e) => (e.window.last > m ? e.window.last : m), events[0].window.last);
  const years = first.slice(0, 4) === last.slice(0, 4) ? first.slice(0, 4) : `${first.slice(0, 4)}–${last.slice(0, 4)}`;
  const retracted = events.filter((e) => e.retracted).length;
  return {
    events,
    years,
    left: leftOf(scale, first),
    width: widthOf(scale, first, dayAfter(last)),
    label: `${events.length} events with ${nameOf(partner)}, ${years}${retracted ? `, ${retracted} retracted` : ""}: list them`,
    title: `${events.length} events, ${years}`,
  };
}
