/* Days as the service writes them: ISO days (YYYY-MM-DD) and EDTF dates ("1912~", "2025-06?", "196X",
 * "1960-06/1965-05", "../1960-05").
 * No DOM, and only todayIso reads the clock: the timeline layout uses the rest. */

export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const DAY_MS = 86400000;

/** Days since 1970-01-01 of an ISO day (YYYY-MM-DD), valid for any year. */
export function dayNumber(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / DAY_MS);
}

export function isoOf(days) {
  const t = new Date(days * DAY_MS);
  const y = String(t.getUTCFullYear()).padStart(4, "0");
  return `${y}-${String(t.getUTCMonth() + 1).padStart(2, "0")}-${String(t.getUTCDate()).padStart(2, "0")}`;
}

export const todayIso = () => new Date().toISOString().slice(0, 10);

export const dayAfter = (iso) => isoOf(dayNumber(iso) + 1);

/** "1066" → "1066-01-01": the first day of a year, as an ISO day. */
export const newYear = (year) => `${String(year).padStart(4, "0")}-01-01`;

export function isDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return false;
  return isoOf(dayNumber(text)) === text;
}

/** "2016-01-01" → "1 January 2016". */
export function longDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

const SINGLE = /^(-?\d{4}|\d{3}X|\d{2}XX|\dXXX)(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?([?~%]?)$/;
const given = (part) => part && part !== "XX";

/** An interval's ends ("1960-06/1965-05", "../1960-05"), or null for a single date. */
const ends = (text) => (text.includes("/") ? text.split("/") : null);

/**
 * An EDTF date as a reader says it: "1912~" → "c. 1912", "2025-06?" → "June 2025?", "196X" → "the 1960s",
 * "1962-XX" → "1962", "1960-06/1965-05" → "June 1960 – May 1965", "../1960-05" → "May 1960 or before",
 * "1960/.." → "1960 or after".
 */
export function edtf(text) {
  if (!text) return "";
  const interval = ends(text);
  if (interval) {
    const [a, b] = interval;
    if (a === "..") return `${edtf(b)} or before`;
    return b === ".." ? `${edtf(a)} or after` : `${edtf(a)} – ${edtf(b)}`;
  }
  const match = SINGLE.exec(text);
  if (!match) return text;
  const [, y, m, d, q] = match;
  let said = y.includes("X") ? `the ${y.replaceAll("X", "0")}s` : String(Number(y));
  if (given(m) && given(d)) said = `${Number(d)} ${MONTHS[Number(m) - 1]} ${said}`;
  else if (given(m)) said = `${MONTHS[Number(m) - 1]} ${said}`;
  if (q === "~" || q === "%") said = `c. ${said}`;
  if (q === "?" || q === "%") said = `${said}?`;
  return said;
}

const QUALITY = { "?": "uncertain", "~": "approximate", "%": "uncertain and approximate" };
const UNIT = { 1: "decade", 2: "century", 3: "millennium" };

/** How precise an EDTF date is: "2025-06?" → "uncertain; some day in that month". */
export function precision(text) {
  const interval = ends(text || "");
  if (interval) {
    const [a, b] = interval;
    const marks = interval.map((end) => end.slice(-1)).join("");
    const doubt = /[?%]/.test(marks), rough = /[~%]/.test(marks);
    const quality = doubt && rough ? "uncertain and approximate" : doubt ? "uncertain" : rough ? "approximate" : "";
    const span = a === ".." ? "some day on or before its end" : b === ".." ? "some day on or after its start"
      : "some day between its two ends";
    return quality ? `${quality}; ${span}` : span;
  }
  const match = SINGLE.exec(text || "");
  if (!match) return "";
  const [, y, m, d, q] = match;
  const xs = (y.match(/X/g) || []).length;
  const unit = xs ? UNIT[xs] : given(d) ? "day" : given(m) ? "month" : "year";
  const span = unit === "day" ? "that day" : `some day in that ${unit}`;
  const quality = QUALITY[q];
  return quality ? `${quality}; ${span}` : unit === "day" ? "exact day" : span;
}

/** Dated "../B": it happened on or before B, its window open to the calendar's first day. */
export const openBefore = (event) => event.occurred.startsWith("../");

/** Dated "A/..": it happened on or after A, its window open to the calendar's last day. */
export const openAfter = (event) => event.occurred.endsWith("/..");

/** Dated to a month or a year: its window is more than one day. */
export const uncertain = (event) => Boolean(event) && event.window.first !== event.window.last;

/** Events in order of date, then of their place in the log. */
export const byDate = (x, y) => x.window.first.localeCompare(y.window.first) || x.position - y.position;
