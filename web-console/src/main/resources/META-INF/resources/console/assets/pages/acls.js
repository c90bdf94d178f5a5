// ACLs: search by any criterion, add one, delete one. A cluster without an authorizer answers every ACL call
// with 400/40002: that is shown as a calm "not enabled" state, and the forms stay usable for when it is.
import { html, mount } from '../lib/html.js';
import { v3, ApiError } from '../lib/api.js';
import { errorBox, loading, dialog, toast, fieldError, clearFieldErrors } from '../lib/ui.js';
import { StackTable, mono } from '../lib/groups-common.js';

const RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN'];
const OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'];
const FILTER_FIELDS = ['resource_type', 'resource_name', 'pattern_type', 'principal', 'host', 'operation', 'permission'];
const aclKey = a => JSON.stringify(FILTER_FIELDS.map(k => a[k]));

function notEnabled(e) {
  return e instanceof ApiError && e.status === 400 && e.errorCode === 40002 && /authorizer|security is disabled/i.test(e.message);
}

const options = (values, selected) => values.map(v => html`<option value="${v}" ${v === selected ? 'selected' : ''}>${v}</option>`);

function select(name, label, values, selected, any) {
  return html`<label class="field-inline">${label}<select name="${name}" id="acl-${name}">
    ${any && html`<option value="">Any</option>`}${options(values, selected)}</select></label>`;
}

function text(name, label, value, placeholder) {
  return html`<label class="field-inline">${label}<input name="${name}" id="acl-${name}" value="${value || ''}"
    placeholder="${placeholder}" autocomplete="off" spellcheck="false"></label>`;
}

function notEnabledState(e) {
  return html`<div class="alert alert-info acl-disabled" id="acls-not-enabled" role="status">
    <strong>ACLs are not enabled on this cluster</strong>
    <p>The cluster has no authorizer, so there are no ACLs to list and none can be added yet. Once security is
      configured, this page lists, adds and deletes them.</p>
    <p class="muted small">The platform said: ${e.message} (error_code ${e.errorCode})</p></div>`;
}

/** The query of an ACL or filter: only the criteria that are set. */
function queryOf(values) {
  const q = new URLSearchParams();
  for (const k of FILTER_FIELDS) if (values[k]) q.set(k, values[k]);
  return q;
}

export default async function render(view) {
  view.setTitle('ACLs');
  const q = view.query;
  mount(view.el, html`<div class="page-head"><h1>ACLs</h1>
      <button type="button" class="btn btn-primary" id="acl-add">Add ACL…</button></div>
    <form class="toolbar acl-filter" id="acl-filter" role="search" aria-label="Filter ACLs">
      ${select('resource_type', 'Resource type', RESOURCE_TYPES, q.get('resource_type'), true)}
      ${text('resource_name', 'Resource name', q.get('resource_name'), 'any')}
      ${select('pattern_type', 'Pattern', ['LITERAL', 'PREFIXED', 'MATCH'], q.get('pattern_type'), true)}
      ${text('principal', 'Principal', q.get('principal'), 'User:alice')}
      ${text('host', 'Host', q.get('host'), 'any')}
      ${select('operation', 'Operation', OPERATIONS, q.get('operation'), true)}
      ${select('permission', 'Permission', ['ALLOW', 'DENY'], q.get('permission'), true)}
      <button type="submit" class="btn">Search</button>
    </form>
    <div id="acls-result"></div>`);
  const $ = sel => view.el.querySelector(sel);
  const resultEl = $('#acls-result');
  const filterForm = $('#acl-filter');
  const tableEl = document.createElement('div');
  const table = new StackTable(tableEl, {
    sortKey: 'resource_name',
    emptyText: 'No ACL matches these criteria.',
    rowAttrs: a => html`data-acl="${aclKey(a)}"`,
    columns: [
      { key: 'resource_type', label: 'Resource type' },
      { key: 'resource_name', label: 'Resource', render: mono('resource_name') },
      { key: 'pattern_type', label: 'Pattern' },
      { key: 'principal', label: 'Principal', render: mono('principal') },
      { key: 'host', label: 'Host', render: mono('host') },
      { key: 'operation', label: 'Operation' },
      { key: 'permission', label: 'Permission', render: a => html`<span class="badge ${a.permission === 'DENY' ? 'badge-error' : 'badge-ok'}">${a.permission}</span>` },
      { key: 'delete', label: 'Delete', sortable: false,
        render: () => html`<button type="button" class="btn btn-small" data-delete aria-label="Delete this ACL">Delete</button>` },
    ],
  });
  let rows = [];

  const search = async () => {
    const values = Object.fromEntries(new FormData(filterForm));
    view.setQuery(values);
    mount(resultEl, loading('Searching ACLs…'));
    try {
      const query = queryOf(values).toString();
      const r = await v3.get('/acls' + (query ? '?' + query : ''), { signal: view.signal });
      if (view.left) return;
      rows = r.data;
      resultEl.replaceChildren(tableEl);
      table.update(rows);
    } catch (e) {
      if (e.name === 'AbortError' || view.left) return;
      mount(resultEl, notEnabled(e) ? notEnabledState(e) : errorBox(e, 'The ACLs could not be listed'));
    }
  };
  filterForm.addEventListener('submit', e => { e.preventDefault(); search(); });

  tableEl.addEventListener('click', e => {
    const btn = e.target.closest('button[data-delete]');
    if (!btn) return;
    const key = btn.closest('tr').dataset.acl;
    const acl = rows.find(a => aclKey(a) === key);
    if (acl) deleteAcl(acl);
  });

  const deleteAcl = acl => dialog({
    title: 'Delete ACL', confirmLabel: 'Delete', danger: true,
    body: html`<p>Delete the ACL that ${acl.permission === 'DENY' ? 'denies' : 'allows'} <code>${acl.principal}</code>
      ${acl.operation} on ${acl.resource_type.toLowerCase()} <code>${acl.resource_name}</code> (${acl.pattern_type.toLowerCase()})
      from host <code>${acl.host}</code>?</p>`,
    onSubmit: async () => {
      await v3.del('/acls?' + queryOf(acl).toString());
      toast('ACL deleted', 'ok');
      if (!view.left) search();
      return true;
    },
  });

  $('#acl-add').addEventListener('click', () => dialog({
    title: 'Add ACL', confirmLabel: 'Add ACL',
    body: html`<div class="form-grid acl-form">
      <label class="field">Resource type<select name="resource_type">${options(RESOURCE_TYPES, 'TOPIC')}</select></label>
      <label class="field">Resource name<input name="resource_name" autocomplete="off" spellcheck="false" placeholder="orders, or * for all"></label>
      <label class="field">Pattern<select name="pattern_type">${options(['LITERAL', 'PREFIXED'], 'LITERAL')}</select></label>
      <label class="field">Principal<input name="principal" autocomplete="off" spellcheck="false" placeholder="User:alice"></label>
      <label class="field">Host<input name="host" value="*" autocomplete="off" spellcheck="false"></label>
      <label class="field">Operation<select name="operation">${options(OPERATIONS, 'READ')}</select></label>
      <label class="field">Permission<select name="permission">${options(['ALLOW', 'DENY'], 'ALLOW')}</select></label>
    </div>`,
    onSubmit: async form => {
      clearFieldErrors(form);
      const acl = Object.fromEntries(new FormData(form));
      let ok = true;
      if (!acl.resource_name.trim()) { fieldError(form, 'resource_name', 'A resource name is needed (* matches all)'); ok = false; }
      if (!/^[^:\s]+:.+$/.test(acl.principal.trim())) { fieldError(form, 'principal', 'A principal looks like User:alice'); ok = false; }
      if (!acl.host.trim()) { fieldError(form, 'host', 'A host is needed (* for any)'); ok = false; }
      if (!ok) return false;
      for (const k of ['resource_name', 'principal', 'host']) acl[k] = acl[k].trim();
      await v3.post('/acls', acl);
      toast('ACL added', 'ok');
      if (!view.left) search();
      return true;
    },
  }));

  await search();
}
