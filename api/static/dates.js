/* Days as the service writes them: ISO days (YYYY-MM-DD) and EDTF dates ("1912~", "2025-06?").
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

/** An EDTF date as a reader says it: "1912~" → "c. 1912", "2025-06?" → "June 2025?". */
export function edtf(text) {
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

/** How precise an EDTF date is: "2025-06?" → "uncertain; some day in that month". */
export function precision(text) {
  const match = /^(-?\d{4})(-\d{2})?(-\d{2})?([?~%]?)$/.exec(text || "");
  if (!match) return "";
  const span = match[3] ? "that day" : match[2] ? "some day in that month" : "some day in that year";
  const quality = { "?": "uncertain", "~": "approximate", "%": "uncertain and approximate" }[match[4]];
  return quality ? `${quality}; ${span}` : match[3] ? "exact day" : span;
}

/** Dated to a month or a year: its window is more than one day. */
export const uncertain = (event) => Boolean(event) && event.window.first !== event.window.last;

/** Events in order of date, then of their place in the log. */
export const byDate = (x, y) => x.window.first.localeCompare(y.window.first) || x.position - y.position;
