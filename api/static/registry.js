/* The names of entities, from the service's registry, loaded once. */

import { allEntities } from "./api.js";

const registry = new Map(); // code → {code, name, kind, aliases}
let loading = null;

export function loadRegistry() {
  loading = loading || allEntities().then((list) => {
    for (const entity of list) registry.set(entity.code, entity);
  }).catch(() => { loading = null; });
  return loading;
}

export const nameOf = (code) => (registry.get(code) || {}).name || code;

export const kindOf = (code) => (registry.get(code) || {}).kind || "state";

/** A short name for tight places: "Republic of China (Taiwan)" → "Taiwan", "People's Republic of China" → "PRC". */
export function shortName(code) {
  const entity = registry.get(code);
  if (!entity) return code;
  const bracket = /\(([^)]+)\)$/.exec(entity.name);
  if (bracket) return bracket[1];
  if (entity.name.length <= 18) return entity.name;
  const initials = entity.aliases.find((a) => /^[A-Z]{2,5}$/.test(a));
  return initials || entity.name;
}
