// Placeholder until this view is built.
import { html, mount } from '../lib/html.js';

export default async function render(view) {
  view.setTitle('groups');
  mount(view.el, html`<h1>groups</h1><p class="muted">This view is being built.</p>`);
}
