// Shared pieces of every view: formatting, loading and error states, tables, dialogs, toasts, downloads.
import { html, mount, esc } from './html.js';

// ---------------------------------------------------------------- formatting

export function fmtNumber(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString();
}

export function fmtBytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Number(n), i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
}

/** Milliseconds as a short duration: 7d, 1h 30m, 45s, 250ms. -1 or absent: "forever". */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || ms === '' || Number(ms) < 0) return 'forever';
  let v = Number(ms);
  if (v < 1000) return v + 'ms';
  const parts = [];
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]]) {
    if (v >= size) { parts.push(Math.floor(v / size) + unit); v %= size; }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** A time in the viewer's local time, with UTC on hover. Accepts ISO-8601 strings, Date or epoch ms. */
export function fmtTime(value) {
  if (value === null || value === undefined || value === '') return html`<span class="muted">–</span>`;
  const d = value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  if (Number.isNaN(d.getTime())) return String(value);
  const local = d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return html`<time datetime="${d.toISOString()}" title="${d.toISOString().replace('T', ' ').replace('Z', ' UTC')}">${local}</time>`;
}

export function badge(text, kind = 'neutral') {
  return html`<span class="badge badge-${kind}">${text}</span>`;
}

// ---------------------------------------------------------------- states

export function loading(text = 'Loading…') {
  return html`<div class="state loading" role="status"><span class="spinner" aria-hidden="true"></span>${text}</div>`;
}

/** An error as the user sees it: the REST message, its code and HTTP status, never a blank page. */
export function errorBox(err, title = 'Something went wrong') {
  const code = err && err.errorCode ? ` (error_code ${err.errorCode})` : '';
  const status = err && err.status ? `HTTP ${err.status}` : '';
  return html`<div class="alert alert-error" role="alert"><strong>${title}</strong>
    <p class="error-message">${(err && err.message) || String(err)}</p>
    ${(status || code) && html`<p class="muted small">${status}${code}</p>`}</div>`;
}

export function empty(text) {
  return html`<div class="state empty">${text}</div>`;
}

/** Runs load() and renders its result into el, with a loading state first and an error box on failure. */
export async function load(el, loadFn, renderFn) {
  mount(el, loading());
  try {
    const data = await loadFn();
    renderFn(data);
    return data;
  } catch (e) {
    if (e && e.name === 'AbortError') return undefined;
    mount(el, errorBox(e));
    return undefined;
  }
}

// ---------------------------------------------------------------- toasts

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = document.createElement('div');
  item.className = 'toast toast-' + kind;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  item.textContent = message;
  box.appendChild(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// ---------------------------------------------------------------- dialogs

/**
 * A modal dialog (native <dialog>: focus is trapped, Escape closes). body is html; onSubmit(form, dialog) runs
 * on confirm and may throw: its error is shown inside the dialog, which stays open. Resolves with onSubmit's
 * result, or undefined when cancelled.
 */
export function dialog({ title, body, confirmLabel = 'OK', danger = false, onSubmit, onOpen, wide = false }) {
  return new Promise(resolve => {
    const d = document.createElement('dialog');
    d.className = 'dialog' + (wide ? ' dialog-wide' : '');
    d.setAttribute('aria-labelledby', 'dialog-title');
    mount(d, html`<form method="dialog" class="dialog-form" novalidate>
      <h2 id="dialog-title">${title}</h2>
      <div class="dialog-body">${body}</div>
      <div class="dialog-error" aria-live="assertive"></div>
      <div class="dialog-actions">
        <button type="button" class="btn" data-cancel>Cancel</button>
        <button type="submit" class="btn ${danger ? 'btn-danger' : 'btn-primary'}" data-confirm>${confirmLabel}</button>
      </div></form>`);
    document.body.appendChild(d);
    const form = d.querySelector('form');
    const errorEl = d.querySelector('.dialog-error');
    let result;
    const close = () => { d.close(); };
    d.addEventListener('close', () => { d.remove(); resolve(result); });
    d.querySelector('[data-cancel]').addEventListener('click', close);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      mount(errorEl, '');
      const confirm = d.querySelector('[data-confirm]');
      confirm.disabled = true;
      try {
        result = onSubmit ? await onSubmit(form, d) : true;
        if (result !== false) close();
      } catch (err) {
        mount(errorEl, errorBox(err, 'Not done'));
      } finally {
        confirm.disabled = false;
      }
    });
    d.showModal();
    if (onOpen) onOpen(form, d);
    const first = form.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}

/** Asks the user to type `name` before a destructive action; resolves true when confirmed. */
export function confirmTyped({ title, message, name, confirmLabel = 'Delete', action }) {
  return dialog({
    title, confirmLabel, danger: true,
    body: html`<p>${message}</p><label class="field">Type <code>${name}</code> to confirm
      <input name="confirm" autocomplete="off" spellcheck="false" required></label>`,
    onSubmit: async form => {
      if (form.confirm.value !== name) throw new Error('The name typed does not match ' + name);
      if (action) await action();
      return true;
    },
  });
}

/** Marks a form field invalid with a message next to it (inline validation); clearFieldErrors undoes all. */
export function fieldError(form, name, message) {
  const input = form.elements[name];
  if (!input) return;
  input.setAttribute('aria-invalid', 'true');
  let hint = input.parentElement.querySelector('.field-error');
  if (!hint) {
    hint = document.createElement('span');
    hint.className = 'field-error';
    hint.id = 'err-' + name;
    input.parentElement.appendChild(hint);
    input.setAttribute('aria-describedby', hint.id);
  }
  hint.textContent = message;
}

export function clearFieldErrors(form) {
  form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach(e => e.remove());
}

// ---------------------------------------------------------------- tables

/**
 * A table with sortable columns (header buttons, keyboard accessible) and an optional text filter.
 * columns: [{ key, label, value: row => sortable value, render: row => html, align: 'right', className }].
 * Call update(rows) with new data; sort order and filter are kept.
 */
export class DataTable {
  constructor(el, { columns, filter, emptyText = 'Nothing here yet.', sortKey, sortDir = 'asc', rowAttrs, caption }) {
    Object.assign(this, { el, columns, filter, emptyText, sortKey, sortDir, rowAttrs, caption });
    this.rows = [];
    this.query = '';
    el.addEventListener('click', e => {
      const btn = e.target.closest('button[data-sort]');
      if (!btn || !el.contains(btn)) return;
      const key = btn.dataset.sort;
      this.sortDir = this.sortKey === key && this.sortDir === 'asc' ? 'desc' : 'asc';
      this.sortKey = key;
      this.render();
    });
  }

  update(rows) { this.rows = rows; this.render(); }

  setQuery(query) { this.query = query.trim().toLowerCase(); this.render(); }

  visibleRows() {
    let rows = this.rows;
    if (this.query && this.filter) rows = rows.filter(r => this.filter(r).toLowerCase().includes(this.query));
    const col = this.columns.find(c => c.key === this.sortKey);
    if (col) {
      const value = col.value || (r => r[col.key]);
      const dir = this.sortDir === 'asc' ? 1 : -1;
      rows = [...rows].sort((a, b) => {
        const x = value(a), y = value(b);
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
      });
    }
    return rows;
  }

  render() {
    const rows = this.visibleRows();
    const head = this.columns.map(c => {
      const sorted = this.sortKey === c.key;
      const aria = sorted ? (this.sortDir === 'asc' ? 'ascending' : 'descending') : 'none';
      const label = c.sortable === false ? c.label
        : html`<button type="button" class="th-sort" data-sort="${c.key}">${c.label}<span class="sort-mark" aria-hidden="true">${sorted ? (this.sortDir === 'asc' ? '▲' : '▼') : ''}</span></button>`;
      return html`<th scope="col" aria-sort="${aria}" class="${c.align === 'right' ? 'num' : ''} ${c.className || ''}">${label}</th>`;
    });
    const body = rows.length === 0
      ? html`<tr><td colspan="${this.columns.length}" class="empty-row">${this.query ? 'No row matches the filter.' : this.emptyText}</td></tr>`
      : rows.map(r => html`<tr ${this.rowAttrs ? this.rowAttrs(r) : ''}>${this.columns.map(c =>
        html`<td class="${c.align === 'right' ? 'num' : ''} ${c.className || ''}" data-label="${c.label}">${c.render ? c.render(r) : r[c.key]}</td>`)}</tr>`);
    mount(this.el, html`<div class="table-wrap"><table class="table">
      ${this.caption && html`<caption>${this.caption}</caption>`}
      <thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`);
  }
}

// ---------------------------------------------------------------- clipboard and files

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast('Copied to the clipboard');
}

export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A repeating task that stops with the view (view.onLeave) and pauses while the tab is hidden. */
export function every(view, ms, fn) {
  let timer = null;
  const tick = async () => {
    if (!document.hidden) {
      try { await fn(); } catch (e) { if (e.name !== 'AbortError') console.warn(e); }
    }
    timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  view.onLeave(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- concurrency

/** Runs fn over items with at most `limit` calls in flight, so a big cluster does not flood the platform. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export { html, mount, esc };
