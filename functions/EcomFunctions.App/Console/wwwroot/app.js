// EcomFunctions operator console: a small single-page app on the public HTTP API only.
// Keyboard-only use: every action is a button or link, dialogs are native <dialog>, focus moves to new content.
import { registerPlatformPages } from './platform.js';

const routes = [];
const sections = [];

export function section(label, hash) { sections.push({ label, hash }); }
export function route(pattern, render) { routes.push({ pattern, render }); }

// ---- operator identity -------------------------------------------------------------------------------------------
// In Azure, App Service authentication (Entra ID) signs the operator in and the platform adds the principal header to
// every same-origin request. Locally, the development principal chosen here is sent as X-Dev-Principal.
export function operator() {
  try { return JSON.parse(sessionStorage.getItem('operator') || 'null'); } catch { return null; }
}
function setOperator(id, roles) {
  if (!id) { sessionStorage.removeItem('operator'); } else { sessionStorage.setItem('operator', JSON.stringify({ id, roles })); }
  showOperator();
}
function showOperator() {
  const who = operator();
  document.getElementById('operator-id').value = who?.id ?? '';
  document.getElementById('operator-roles').value = who?.roles ?? '';
  document.getElementById('whoami').textContent = who ? `signed in as ${who.id}` : 'not signed in';
}

// ---- HTTP ----------------------------------------------------------------------------------------------------------
export class ProblemError extends Error {
  constructor(problem) { super(problem.detail || problem.title || 'Request failed'); this.problem = problem; }
}

export async function api(method, path, { body, headers = {}, accept = 'application/json', quiet = false } = {}) {
  const who = operator();
  const request = { method, headers: { Accept: accept, ...headers } };
  if (who) request.headers['X-Dev-Principal'] = `${who.id}; roles=${who.roles}`;
  if (body !== undefined) { request.headers['Content-Type'] = 'application/json'; request.body = JSON.stringify(body); }
  let response;
  try { response = await fetch(path, request); } catch (e) {
    const problem = { title: 'Network error', detail: String(e) };
    if (!quiet) showProblem(problem);
    throw new ProblemError(problem);
  }
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = typeof data === 'object' && data ? data : { title: `HTTP ${response.status}`, status: response.status, detail: String(data).slice(0, 300) };
    if (!quiet) showProblem(problem);
    throw new ProblemError(problem);
  }
  return { status: response.status, data, etag: response.headers.get('ETag'), headers: response.headers };
}

export function showProblem(problem) {
  const alerts = document.getElementById('alerts');
  const fields = problem.errors ? Object.entries(problem.errors).map(([f, m]) => `${f}: ${[].concat(m).join(' ')}`) : [];
  alerts.replaceChildren(el('div', { class: 'problem' },
    el('strong', {}, `${problem.status ?? ''} ${problem.title ?? 'Error'}`), ' ', problem.detail ?? '',
    fields.length ? el('ul', {}, ...fields.map(f => el('li', {}, f))) : ''));
}
export function notice(text) {
  document.getElementById('alerts').replaceChildren(el('div', { class: 'notice' }, text));
}
function clearAlerts() { document.getElementById('alerts').replaceChildren(); }

// ---- DOM helpers ---------------------------------------------------------------------------------------------------
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'html') node.innerHTML = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function table(columns, rows, { caption } = {}) {
  return el('table', {},
    caption ? el('caption', { class: 'muted' }, caption) : null,
    el('thead', {}, el('tr', {}, ...columns.map(c => el('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    el('tbody', {}, ...(rows.length ? rows.map(r => el('tr', {}, ...columns.map(c => el('td', { class: c.num ? 'num' : null }, c.value(r))))) :
      [el('tr', {}, el('td', { colspan: columns.length, class: 'muted' }, 'Nothing here yet.'))])));
}

export const fmt = {
  money: v => v === null || v === undefined ? '—' : Number(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  number: v => v === null || v === undefined ? '—' : Number(v).toLocaleString(),
  percent: v => v === null || v === undefined ? '—' : `${(Number(v) * 100).toFixed(1)} %`,
  time: v => v ? new Date(v).toLocaleString() : '—',
  duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.max(0, Math.floor(seconds)), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m ${s % 60}s` : `${m}m ${s % 60}s`;
  },
};

export function badge(text) { return el('span', { class: `badge ${text}` }, text); }

export function burnBar(fraction) {
  const f = Math.max(0, Number(fraction) || 0);
  const level = f >= 1 ? 'bad' : f >= 0.8 ? 'warn' : '';
  // Width through the CSSOM: the page's Content-Security-Policy (style-src 'self') ignores inline style attributes.
  const fill = el('span', {});
  fill.style.width = `${Math.min(100, f * 100).toFixed(1)}%`;
  return el('span', { class: `bar ${level}`, role: 'img', 'aria-label': `budget burn ${(f * 100).toFixed(0)} %`, title: `${(f * 100).toFixed(1)} %` }, fill);
}

// Highlights [start, length) spans of the original text (e.g. matched blocklist terms).
export function highlight(text, spans = []) {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts = []; let at = 0;
  for (const { start, length } of sorted) {
    if (start < at) continue;
    parts.push(text.slice(at, start), el('mark', {}, text.slice(start, start + length)));
    at = start + length;
  }
  parts.push(text.slice(at));
  return el('span', {}, ...parts);
}

// A small line/bar chart in inline SVG: series = [{ label, points: [{ x: label, y: number }] }].
export function chart(series, { width = 640, height = 180, title = '' } = {}) {
  const xs = [...new Set(series.flatMap(s => s.points.map(p => p.x)))];
  const max = Math.max(1, ...series.flatMap(s => s.points.map(p => p.y)));
  const left = 40, bottom = 34, w = width - left - 10, h = height - bottom - 10;
  const colors = ['#0b5cad', '#c2410c', '#1e7d32', '#7e22ce'];
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart'); svg.setAttribute('width', width); svg.setAttribute('height', height);
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', title);
  const add = (name, attrs, text) => { const n = document.createElementNS(svg.namespaceURI, name); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text !== undefined) n.textContent = text; svg.append(n); return n; };
  add('text', { x: 4, y: 12 }, `${max.toLocaleString()}`); add('text', { x: 4, y: h + 10 }, '0');
  add('line', { x1: left, y1: h + 10, x2: left + w, y2: h + 10, stroke: '#d8dde3' });
  series.forEach((s, i) => {
    const pts = s.points.map(p => `${left + (xs.length < 2 ? w / 2 : xs.indexOf(p.x) * w / (xs.length - 1))},${10 + h - p.y / max * h}`);
    add('polyline', { points: pts.join(' '), fill: 'none', stroke: colors[i % colors.length], 'stroke-width': 2 });
    add('text', { x: left + 6 + i * 120, y: height - 4, fill: colors[i % colors.length] }, s.label);
  });
  // First and last x labels (times shown as local hours) and a dot per point so single hours stay visible.
  const label = x => (/^\d{4}-\d{2}-\d{2}T/.test(x) ? new Date(x).toLocaleString(undefined, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : String(x));
  if (xs.length) {
    add('text', { x: left, y: h + 22, 'text-anchor': 'start' }, label(xs[0]));
    if (xs.length > 1) add('text', { x: left + w, y: h + 22, 'text-anchor': 'end' }, label(xs[xs.length - 1]));
  }
  series.forEach((s, i) => s.points.forEach(p => {
    const dot = add('circle', { cx: left + (xs.length < 2 ? w / 2 : xs.indexOf(p.x) * w / (xs.length - 1)), cy: 10 + h - p.y / max * h, r: 3, fill: colors[i % colors.length] });
    const tip = document.createElementNS(svg.namespaceURI, 'title'); tip.textContent = `${label(p.x)}: ${p.y.toLocaleString()}`; dot.append(tip);
  }));
  return svg;
}

// Asks before a consequential action; resolves to { ok, reason }. Enter confirms (the only submit button), Escape or
// Cancel cancels; a required reason is enforced by the form itself. withComment shows an optional comment field.
export function confirmAction(text, { needsReason = false, withComment = false, okLabel = 'Confirm' } = {}) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  const reasonLabel = document.getElementById('confirm-reason-label');
  const reason = document.getElementById('confirm-reason');
  document.getElementById('confirm-reason-caption').textContent = needsReason ? 'Reason' : 'Comment (optional)';
  reasonLabel.hidden = !(needsReason || withComment); reason.value = ''; reason.required = needsReason;
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve({ ok: dialog.returnValue === 'ok', reason: reason.value }), { once: true });
    dialog.showModal();
    (needsReason || withComment ? reason : document.getElementById('confirm-ok')).focus();
  });
}

// A live countdown to an instant (updated every second while on the page).
export function countdown(at) {
  const node = el('time', { datetime: at, 'data-until': at, title: fmt.time(at) });
  tick(node);
  return node;
}
function tick(node) {
  const seconds = (Date.parse(node.dataset.until) - Date.now()) / 1000;
  node.textContent = seconds >= 0 ? `in ${fmt.duration(seconds)}` : `${fmt.duration(-seconds)} ago`;
}

// Downloads a file from an operator endpoint (the principal header rides along, which a plain link could not carry).
export async function download(path, filename, accept = 'text/csv') {
  const { data } = await api('GET', path, { accept });
  const url = URL.createObjectURL(new Blob([data], { type: accept }));
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  notice(`Downloaded ${filename}.`);
}

// ---- router --------------------------------------------------------------------------------------------------------
async function render() {
  const hash = location.hash || sections[0]?.hash || '#/operations';
  const main = document.getElementById('main');
  for (const a of document.querySelectorAll('nav a')) {
    if (hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  for (const { pattern, render } of routes) {
    const match = hash.match(pattern);
    if (match) {
      main.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
      try { main.replaceChildren(...[].concat(await render(...match.slice(1).map(decodeURIComponent)))); }
      catch (e) { main.replaceChildren(el('p', { class: 'bad' }, e.message)); }
      main.focus();
      return;
    }
  }
  main.replaceChildren(el('p', {}, 'Not found.'));
}
export function refresh() { clearAlerts(); return render(); }

function start() {
  registerPlatformPages();
  document.getElementById('nav').replaceChildren(...sections.map(s => el('a', { href: s.hash }, s.label)));
  document.getElementById('signin').addEventListener('submit', e => {
    e.preventDefault();
    setOperator(document.getElementById('operator-id').value.trim(), document.getElementById('operator-roles').value.trim());
    refresh();
  });
  document.getElementById('operator-preset').addEventListener('change', e => {
    if (!e.target.value) return;
    const [id, roles] = e.target.value.split('|');
    e.target.value = '';
    setOperator(id, roles);
    refresh();
  });
  document.getElementById('confirm-cancel').addEventListener('click', () => document.getElementById('confirm').close('cancel'));
  setInterval(() => document.querySelectorAll('time[data-until]').forEach(tick), 1000);
  if (!operator()) setOperator('alice', 'CampaignManager,Moderator,Merchant');
  showOperator();
  window.addEventListener('hashchange', () => { clearAlerts(); render(); });
  render();
}

// Section modules register themselves before start.
export const ready = Promise.resolve().then(() => import('./sections.js')).then(m => m.registerSections()).then(start);
