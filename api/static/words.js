/* The page's words for what the service says in codes: event types, statuses, tones. */

const TYPE_NAMES = {
  "recognition.granted": "Recognition granted",
  "recognition.withdrawn": "Recognition withdrawn",
  "relations.established": "Relations established",
  "relations.suspended": "Relations suspended",
  "relations.resumed": "Relations resumed",
  "relations.severed": "Relations severed",
  "mission.opened": "Mission opened",
  "mission.closed": "Mission closed",
  "mission.changed": "Mission changed rank",
  "agreement.signed": "Agreement signed",
  "agreement.terminated": "Agreement terminated",
  "membership.joined": "Membership: joined",
  "membership.suspended": "Membership suspended",
  "membership.reinstated": "Membership reinstated",
  "membership.left": "Membership: left",
  "note.recorded": "Note",
  "entity.began": "Began",
  "entity.ended": "Ended",
};

export const typeName = (type) => TYPE_NAMES[type] || type;

/** The tone of an event's marker: what it does to the relation. */
export function tone(type) {
  if (type === "note.recorded") return "note";
  if (/\.(severed|withdrawn|closed|terminated|left|ended)$/.test(type)) return "ends";
  if (/\.suspended$/.test(type)) return "suspends";
  return "begins";
}

export const STATUS_WORDS = {
  established: "Established",
  suspended: "Suspended",
  severed: "Severed",
  none: "No relations",
  unknown: "Not recorded",
  ended: "Ended",
  member: "Member",
};

export const statusWord = (status) => STATUS_WORDS[status] || status;

export const cap = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);
