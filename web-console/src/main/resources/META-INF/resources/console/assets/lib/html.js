// Safe HTML from tagged templates: every interpolated value is escaped unless it is itself html`...` or raw(...).
// Arrays are joined, null/undefined/false render nothing, so templates can use `cond && html`...``.

class Html {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

export function esc(value) {
  return String(value).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Trusted markup, inserted as is. Never pass data that came from the cluster. */
export function raw(text) { return new Html(String(text)); }

function part(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return esc(value);
}

export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Replaces the element's content; returns the element. */
export function mount(el, content) {
  el.innerHTML = part(content);
  return el;
}
