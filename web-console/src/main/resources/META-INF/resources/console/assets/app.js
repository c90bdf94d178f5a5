// The console's shell: client-side routing over /console/* URLs (each view reloads and shares), navigation,
// theme. Each view is a module in pages/ whose default export render(view) draws it into view.el.
import { clusterId } from './lib/api.js';
import { mount, html } from './lib/html.js';
import { loading, errorBox } from './lib/ui.js';

const ROUTES = [
  { path: /^\/console\/?$/, page: 'overview', section: 'overview' },
  { path: /^\/console\/topics\/?$/, page: 'topics', section: 'topics' },
  { path: /^\/console\/topics\/([^/]+)\/?$/, page: 'topic', section: 'topics' },
  { path: /^\/console\/topics\/([^/]+)\/messages\/?$/, page: 'messages', section: 'topics' },
  { path: /^\/console\/groups\/?$/, page: 'groups', section: 'groups' },
  { path: /^\/console\/groups\/([^/]+)\/?$/, page: 'group', section: 'groups' },
  { path: /^\/console\/brokers\/?$/, page: 'brokers', section: 'brokers' },
  { path: /^\/console\/brokers\/([^/]+)\/?$/, page: 'broker', section: 'brokers' },
  { path: /^\/console\/acls\/?$/, page: 'acls', section: 'acls' },
];

const viewEl = document.getElementById('view');
let current = null; // { cleanups, controller }

function leave() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups) {
    try { fn(); } catch (e) { console.warn(e); }
  }
  current = null;
}

async function route() {
  leave();
  const url = new URL(location.href);
  const match = ROUTES.map(r => ({ r, m: url.pathname.match(r.path) })).find(x => x.m);
  document.querySelectorAll('#nav a').forEach(a => {
    if (match && a.dataset.section === match.r.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const state = { cleanups: [], controller: new AbortController() };
  current = state;
  if (!match) {
    document.title = 'Not found · Strata';
    mount(viewEl, html`<h1>Not found</h1><p>The console has no page at ${url.pathname}. <a href="/console/">Go to the overview</a>.</p>`);
    return;
  }
  mount(viewEl, loading());
  const view = {
    el: viewEl,
    params: match.m.slice(1).map(decodeURIComponent),
    query: url.searchParams,
    signal: state.controller.signal,
    /** Registers cleanup (close streams, stop timers) run when the user leaves the view. */
    onLeave: fn => state.cleanups.push(fn),
    /** True once the user has left this view: late async work should stop drawing. */
    get left() { return current !== state; },
    setTitle: title => { document.title = title + ' · Strata'; },
    navigate,
    /** Rewrites the URL's query (filters of the view) without drawing the view again. */
    setQuery: params => {
      const next = new URL(location.href);
      next.search = '';
      for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') next.searchParams.set(k, v);
      history.replaceState(null, '', next.pathname + next.search);
    },
  };
  try {
    const module = await import('./pages/' + match.r.page + '.js');
    if (current !== state) return;
    await module.default(view);
  } catch (e) {
    if (e && e.name === 'AbortError') return;
    console.warn(e);
    if (current === state) mount(viewEl, errorBox(e, 'This page could not be shown'));
  }
}

export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  route();
  viewEl.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

document.addEventListener('click', e => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console/') && url.pathname !== '/console') return;
  if (url.pathname.startsWith('/console/assets/')) return;
  e.preventDefault();
  document.getElementById('nav').classList.remove('open');
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', route);

// Theme: the inline script in index.html applied the saved or preferred one.
document.getElementById('theme-toggle').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem('strata-theme', next);
  window.dispatchEvent(new CustomEvent('themechange'));
});

const navToggle = document.getElementById('nav-toggle');
navToggle.addEventListener('click', () => {
  const open = document.getElementById('nav').classList.toggle('open');
  navToggle.setAttribute('aria-expanded', String(open));
});

clusterId().then(id => { document.getElementById('cluster-id').textContent = id; }).catch(() => {});
route();
