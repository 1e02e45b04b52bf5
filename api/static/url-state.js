/* The page's state lives in the URL: /?entity=PAN&on=2016-01-01[&retracted=1][&event=<id>].
 * Choosing an entity or a day pushes a history entry (so Back works); showing retracted events or an
 * open event replaces it. */

export function readUrl() {
  const params = new URLSearchParams(location.search);
  return {
    entity: (params.get("entity") || "").trim(),
    on: params.get("on") || "",
    retracted: params.get("retracted") === "1",
    event: params.get("event") || "",
  };
}

export function urlOf(state) {
  const params = new URLSearchParams();
  if (state.entity) params.set("entity", state.entity);
  if (state.on) params.set("on", state.on);
  if (state.retracted) params.set("retracted", "1");
  if (state.event) params.set("event", state.event);
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

/** What the page shows now; one object that every module reads and changes. */
export const state = readUrl();

/** Write the state to the URL: "push" a history entry, "replace" the current one, or "none". */
export function commit(mode) {
  const url = urlOf(state);
  if (mode === "push" && url !== location.pathname + location.search) history.pushState(null, "", url);
  else if (mode !== "none") history.replaceState(null, "", url);
}
