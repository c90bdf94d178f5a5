// Shows record data for people: JSON pretty-printed and highlighted, bytes as hex or base64, text as is.
// Everything is built with the html template, so record content is always escaped.
import { html } from './html.js';

/** Pretty-printed, highlighted JSON of a parsed value (spans with .json-* classes). */
export function jsonView(value, indent = '') {
  if (value === null) return html`<span class="json-literal">null</span>`;
  if (typeof value === 'boolean') return html`<span class="json-literal">${String(value)}</span>`;
  if (typeof value === 'number') return html`<span class="json-number">${String(value)}</span>`;
  if (typeof value === 'string') return html`<span class="json-string">${JSON.stringify(value)}</span>`;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return html`[\n${value.map((v, i) => html`${inner}${jsonView(v, inner)}${i < value.length - 1 ? ',' : ''}\n`)}${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return html`{\n${keys.map((k, i) => html`${inner}<span class="json-key">${JSON.stringify(k)}</span>: ${jsonView(value[k], inner)}${i < keys.length - 1 ? ',' : ''}\n`)}${indent}}`;
}

export function base64ToBytes(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export const textToBase64 = text => bytesToBase64(new TextEncoder().encode(text));

/** Hex dump as space-separated byte pairs, 16 per line. */
export function hex(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(Array.from(bytes.subarray(i, i + 16), b => b.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n');
}

/** Base64 bytes as UTF-8 text, or null when they are not valid UTF-8. */
export function base64ToText(b64) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(b64));
  } catch {
    return null;
  }
}

/**
 * A key or value of a record read ({type, size, data}) as markup; binary in `binaryAs` ('hex' or 'base64').
 */
export function dataView(d, binaryAs = 'hex') {
  if (!d) return html`<span class="muted">null</span>`;
  if (d.type === 'JSON') return html`<pre class="msg-data">${jsonView(d.data)}</pre>`;
  if (d.type === 'BINARY') {
    const shown = binaryAs === 'base64' ? d.data : hex(base64ToBytes(d.data));
    return html`<pre class="msg-data msg-binary" title="${d.size} bytes, shown as ${binaryAs}">${shown}</pre>`;
  }
  return html`<pre class="msg-data">${d.data}</pre>`;
}

/** The searchable text of a key or value. */
export function dataText(d) {
  if (!d) return '';
  return d.type === 'JSON' ? JSON.stringify(d.data) : String(d.data);
}
