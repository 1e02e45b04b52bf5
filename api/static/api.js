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

/** The timeline of every relation of an entity, in one request: {entity, as_of_position, timelines}. */
export const timelinesOf = (code) => getJson(`/v1/entities/${segment(code)}/timelines`);

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
