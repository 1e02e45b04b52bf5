/* Every request the page makes: GETs of the JSON API of its own origin. */

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `the service answered ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const segment = encodeURIComponent;

/** GET a JSON answer; a 503 (the store or read model is busy) is asked again after its Retry-After. */
async function getJson(path, attempts = 3) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (response.status === 503 && attempts > 1) {
    const wait = Math.min(Number(response.headers.get("Retry-After")) || 1, 5);
    await pause(wait * 1000);
    return getJson(path, attempts - 1);
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** The whole registry: [{code, name, kind, aliases}]. */
export const allEntities = () => getJson("/v1/entities");

export const searchEntities = (query) => getJson(`/v1/entities?${new URLSearchParams({ q: query })}`);

/** Every relation of an entity (by code, name or alias) at the end of a day. */
export const relationsOn = (entity, on) =>
  getJson(`/v1/entities/${segment(entity)}/relations?${new URLSearchParams({ on, explain: "false" })}`);

/**
 * The timeline of every relation of an entity: {entity, as_of_position, timelines}. The answer
 * comes in pages, each read at the first page's position; a relation whose events span two pages
 * is on both, and is put back together here.
 */
export async function timelinesOf(code, limit = 1000) {
  const first = await getJson(`/v1/entities/${segment(code)}/timelines?${new URLSearchParams({ limit })}`);
  const byPartner = new Map();
  let page = first;
  for (;;) {
    for (const timeline of page.timelines) {
      const known = byPartner.get(timeline.b.code);
      if (known) {
        known.events.push(...timeline.events);
        known.intervals.push(...timeline.intervals);
      } else {
        byPartner.set(timeline.b.code, { ...timeline, events: [...timeline.events], intervals: [...timeline.intervals] });
      }
    }
    if (!page.next) break;
    page = await getJson(page.next);
  }
  for (const timeline of byPartner.values()) timeline.intervals.sort(inTimelineOrder);
  return { ...first, timelines: [...byPartner.values()], next: null };
}

/** The order of a timeline's intervals, as the service sorts them: by fact, the day each began, item. */
const inTimelineOrder = (x, y) => compare(x.facet, y.facet) || compare(x.from, y.from) || compare(x.item, y.item);
const compare = (x, y) => (x < y ? -1 : x > y ? 1 : 0);

export const eventById = (id) => getJson(`/v1/events/${segment(id)}`);

/** Every event of an entity, retracted ones too, page after page of the log. */
export async function eventsOf(entity) {
  const events = [];
  let next = `/v1/events?${new URLSearchParams({ entity, limit: "1000" })}`;
  while (next) {
    const page = await getJson(next);
    events.push(...page.events);
    next = page.next;
  }
  return events;
}
