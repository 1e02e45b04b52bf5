/* Building the page's elements, and its status line. Everything the service says is put into the page as
 * text, never as HTML. */

export const $ = (id) => document.getElementById(id);

/** Build an element: h("p", {class: "x", style: {left: "3%"}, onclick: f}, "text", child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "style") Object.assign(el.style, value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Say something in the status line; kind is "busy", "error" or nothing. */
export function say(message, kind) {
  const status = $("status");
  status.textContent = "";
  status.className = `status ${kind || ""}`.trim();
  append(status, [message]);
}
