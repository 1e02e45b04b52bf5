/* What the page has loaded of the entity it shows: its events and its timelines. Kept while only the
 * day changes; loaded again for another entity. */

import { eventsOf, timelinesOf } from "./api.js";

export const cache = { code: null, events: [], timelines: [] };

/** The events and every timeline of an entity (by code): two requests, whatever its number of partners. */
export async function loadHistory(code) {
  const [events, answer] = await Promise.all([eventsOf(code), timelinesOf(code)]);
  cache.code = code;
  cache.events = events;
  cache.timelines = answer.timelines;
}

/** The events the timeline draws: retracted ones only when asked for. */
export const visibleEvents = (retracted) => cache.events.filter((e) => retracted || !e.retracted);
