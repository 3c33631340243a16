// Campaigns: the list (state, stage, countdown, budget burn, warnings) and a campaign's page (timeline, hourly
// metrics, budget lines, incidents, evaluation report) with the lifecycle actions, each behind a confirmation.
import { api, el, table, fmt, section, route, badge, burnBar, chart, confirmAction, notice, refresh, operator, countdown, download } from './app.js';

const states = ['draft', 'pendingApproval', 'rejected', 'approved', 'scheduled', 'live', 'paused', 'ended', 'evaluated', 'cancelled', 'killed'];
const pascal = s => s ? s[0].toUpperCase() + s.slice(1) : '';
const stateBadge = state => badge(pascal(state));
const etag = version => `"${version}"`;
const page = (...parts) => parts.flat().filter(p => p !== null && p !== undefined && p !== false);
const hasRole = role => (operator()?.roles ?? '').split(',').map(r => r.trim()).includes(role);
const enc = encodeURIComponent;

export function registerCampaignPages() {
  section('Campaigns', '#/campaigns');
  route(/^#\/campaigns$/, () => listPage(null));
  route(/^#\/campaigns\?state=([A-Za-z]+)$/, state => listPage(state));
  route(/^#\/campaigns\/([^/?]+)$/, campaignPage);
}

// ---- list --------------------------------------------------------------------------------------------------------------
// The moment the campaign's countdown runs to: its start until it runs, its end while it runs.
function countdownOf(view) {
  const schedule = view.campaign.plan.schedule;
  if (['draft', 'pendingApproval', 'rejected', 'approved', 'scheduled'].includes(view.state)) return { label: 'starts', at: schedule.start };
  if (['live', 'paused'].includes(view.state)) return { label: 'ends', at: schedule.end };
  return null;
}

async function listPage(state) {
  const { data } = await api('GET', `/api/campaigns?pageSize=100${state ? `&state=${enc(state)}` : ''}`);
  // Burn per campaign from its budget view (the list carries the plan, not the spend).
  const budgets = await Promise.all(data.items.map(v => api('GET', `/api/campaigns/${enc(v.id)}/budget`, { quiet: true }).then(r => r.data.budget).catch(() => null)));
  const rows = data.items.map((v, i) => ({ ...v, budget: budgets[i] }));
  const filter = el('select', { id: 'campaign-state', 'aria-label': 'Show campaigns in state',
    onchange: e => { location.hash = e.target.value ? `#/campaigns?state=${e.target.value}` : '#/campaigns'; } },
    el('option', { value: '' }, 'All states'), ...states.map(s => el('option', { value: s, selected: s === state }, pascal(s))));
  return page(
    el('h2', {}, 'Campaigns'),
    el('p', { class: 'row' }, el('label', {}, 'State ', filter), el('span', { class: 'muted' }, 'Newest first. Select a campaign for its timeline, metrics, budget and actions.')),
    table([
      { label: 'Campaign', value: v => el('a', { href: `#/campaigns/${enc(v.id)}` }, v.campaign.plan.name) },
      { label: 'State', value: v => stateBadge(v.state) },
      { label: 'Stage', value: v => v.campaign.currentStage ?? '—' },
      { label: 'Countdown', value: v => { const c = countdownOf(v); return c ? el('span', {}, `${c.label} `, countdown(c.at)) : '—'; } },
      { label: 'Budget burn', value: v => v.budget ? el('span', { class: 'row' }, burnBar(v.budget.spendingBurn),
          el('span', { class: 'muted' }, `${fmt.money(v.budget.spendingSpent)} / ${fmt.money(v.budget.spendingAllocated)} ${v.budget.currency}`)) : '—' },
      { label: 'Warnings', value: v => warningsCell(v) },
    ], rows, { caption: `${rows.length} campaign(s)${data.continuationToken ? ' (first page)' : ''}` }),
  );
}

function warningsCell(view) {
  const items = [
    ...view.warnings.map(w => el('li', { class: 'warn', title: w.message }, w.code)),
    ...view.missingReadiness.map(m => el('li', { class: 'bad' }, `not ready: ${m}`)),
    ...(view.campaign.raisedBudgetAlerts ?? []).map(a => el('li', { class: 'bad' }, `budget: ${a}`)),
  ];
  return items.length ? el('ul', { class: 'compact' }, ...items) : el('span', { class: 'ok' }, 'none');
}

// ---- campaign page -------------------------------------------------------------------------------------------------------
async function campaignPage(id) {
  const path = `/api/campaigns/${enc(id)}`;
  const [view, status, audit, metrics, budget, incidents, report] = await Promise.all([
    api('GET', path).then(r => r.data),
    api('GET', `${path}/status`).then(r => r.data),
    api('GET', `${path}/audit`).then(r => r.data),
    api('GET', `${path}/metrics`, { quiet: true }).then(r => r.data).catch(() => []),
    api('GET', `${path}/budget`).then(r => r.data),
    api('GET', `${path}/incidents`).then(r => r.data),
    api('GET', `${path}/report`, { quiet: true }).then(r => r.data).catch(() => null),
  ]);
  const c = view.campaign, schedule = c.plan.schedule, cd = countdownOf(view);
  return page(
    el('p', {}, el('a', { href: '#/campaigns' }, '← All campaigns')),
    el('h2', {}, c.plan.name),
    el('p', { class: 'row' }, stateBadge(view.state), el('span', {}, `stage: ${status.currentStage ?? '—'}`), el('span', {}, `liveness: ${view.liveness}`),
      el('span', { class: 'muted' }, `id ${view.id} · version ${view.version} · ${c.plan.theme}`),
      cd ? el('span', {}, `${cd.label} `, countdown(cd.at)) : null),
    c.currentPause ? el('p', { class: 'warn' }, `Paused by ${c.currentPause.by} ${fmt.time(c.currentPause.at)}: ${c.currentPause.comment ?? ''}`) : null,
    actions(view),
    view.warnings.length || view.missingReadiness.length ? el('div', { class: 'card' }, el('h3', {}, 'Warnings'), warningsCell(view)) : null,
    el('h3', {}, 'Timeline'),
    el('div', { class: 'cols' },
      el('div', { class: 'card' },
        el('h4', {}, 'Schedule'),
        el('ul', { class: 'timeline' }, ...status.milestones.map(m => el('li', { class: Date.parse(m.at) <= Date.now() ? 'done' : null }, `${fmt.time(m.at)} — ${m.name}`))),
        el('p', {}, 'Next step: ', el('strong', {}, status.nextStep.kind), status.nextStep.until ? [' ', countdown(status.nextStep.until)] : '',
          status.nextStep.reason ? ` (${status.nextStep.reason})` : ''),
        el('p', { class: 'muted' }, status.orchestration
          ? `Orchestration ${status.orchestration.instanceId}: ${status.orchestration.runtimeStatus}` +
            `${status.orchestration.run ? ` · step ${status.orchestration.run.step} · episode ${status.orchestration.run.episode}` : ''}` +
            ` · updated ${fmt.time(status.orchestration.lastUpdatedAt)}${status.orchestration.failure ? ` · failure: ${status.orchestration.failure}` : ''}`
          : 'No orchestration yet (it starts when the campaign is submitted).')),
      el('div', { class: 'card' },
        el('h4', {}, 'Audit trail'),
        el('ol', { class: 'timeline', 'aria-label': 'Audit trail' }, ...audit.map(a => el('li', {},
          `${fmt.time(a.at)} — ${a.action} by ${a.actor}`, a.from !== a.to ? ` (${a.from} → ${a.to})` : '', a.comment ? `: ${a.comment}` : ''))))),
    el('h3', {}, 'Hourly orders and sales'),
    metrics.length
      ? el('div', { class: 'cols' },
          chart([{ label: 'orders per hour', points: metrics.map(m => ({ x: m.hourUtc, y: m.counts.orders })) }], { title: 'Orders per hour', width: 520, height: 200 }),
          chart([{ label: `sales per hour (${c.plan.budget.currency})`, points: metrics.map(m => ({ x: m.hourUtc, y: Number(m.counts.orderValue) })) }], { title: 'Sales per hour', width: 520, height: 200 }))
      : el('p', { class: 'muted' }, 'No storefront activity recorded for this campaign yet.'),
    metrics.length ? el('p', { class: 'muted' }, `${fmt.time(metrics[0].hourUtc)} to ${fmt.time(metrics[metrics.length - 1].hourUtc)} · ` +
      `${fmt.number(metrics.reduce((n, m) => n + m.counts.orders, 0))} orders · ${fmt.money(metrics.reduce((n, m) => n + Number(m.counts.orderValue), 0))} ${c.plan.budget.currency}`) : null,
    el('h3', {}, 'Budget'),
    el('p', {}, 'Spending lines: ', burnBar(budget.budget.spendingBurn), ` ${fmt.money(budget.budget.spendingSpent)} of ${fmt.money(budget.budget.spendingAllocated)} ${budget.budget.currency}`,
      budget.raisedAlerts.length ? el('span', { class: 'bad' }, ` · alerts: ${budget.raisedAlerts.join(', ')}`) : ''),
    table([
      { label: 'Line', value: l => l.line },
      { label: 'Planned', num: true, value: l => fmt.money(l.planned) },
      { label: 'Reallocated', num: true, value: l => fmt.money(l.reallocated) },
      { label: 'Allocated', num: true, value: l => fmt.money(l.allocated) },
      { label: 'Spent', num: true, value: l => fmt.money(l.spent) },
      { label: 'Remaining', num: true, value: l => fmt.money(l.remaining) },
      { label: 'Burn', value: l => l.burn === null ? '—' : burnBar(l.burn) },
    ], budget.budget.lines.filter(l => l.planned || l.allocated || l.spent), { caption: 'Budget lines' }),
    el('h3', {}, 'Incidents'),
    table([
      { label: 'Opened', value: i => fmt.time(i.openedAt) },
      { label: 'Type', value: i => i.type },
      { label: 'Severity', value: i => badge(pascal(i.severity)) },
      { label: 'Title', value: i => i.title },
      { label: 'Owner', value: i => i.owner },
      { label: 'State', value: i => i.resolvedAt ? `resolved ${fmt.time(i.resolvedAt)}: ${i.resolution}` : el('strong', { class: 'bad' }, 'open') },
    ], incidents),
    el('h3', {}, 'Evaluation report'),
    report ? reportSection(id, report) : el('p', { class: 'muted' }, 'No report yet.'),
  );
}

function reportSection(id, r) {
  const t = r.totals;
  return el('div', { class: 'card' },
    el('p', { class: 'muted' }, `Generated ${fmt.time(r.generatedAt)} · window ${fmt.time(r.window.start)} – ${fmt.time(r.window.end)} (${r.timeZoneId})`,
      ' ', el('button', { type: 'button', class: 'secondary', onclick: () => download(`/api/campaigns/${enc(id)}/report?format=csv`, `campaign-${id}-report.csv`) }, 'Download CSV')),
    el('div', { class: 'kpis' },
      kpi('Sales', `${fmt.money(t.sales)} ${r.currency}`), kpi('Orders', fmt.number(t.orders)), kpi('AOV', fmt.money(t.averageOrderValue)),
      kpi('Visits', fmt.number(t.visits)), kpi('Conversion', fmt.percent(t.conversionRate)), kpi('Coverage', fmt.percent(t.coverage)),
      kpi('Cost', fmt.money(t.cost)), kpi('ROI', t.roi === null ? '—' : Number(t.roi).toFixed(2)),
      kpi('Target', r.target.target === null ? '—' : `${fmt.percent(r.target.achievement)} of ${fmt.number(r.target.target)} ${r.target.metric}`),
      kpi('Sales lift', r.baseline.known ? fmt.percent(r.baseline.salesLift) : 'no baseline')),
    table([
      { label: 'Channel / variant', value: s => s.segment },
      { label: 'Visits', num: true, value: s => fmt.number(s.visits) },
      { label: 'Orders', num: true, value: s => fmt.number(s.orders) },
      { label: 'Sales', num: true, value: s => fmt.money(s.sales) },
      { label: 'Conversion', num: true, value: s => fmt.percent(s.conversionRate) },
      { label: 'ROI', num: true, value: s => s.roi === null ? '—' : Number(s.roi).toFixed(2) },
    ], [...r.byChannel, ...r.byVariant.map(v => ({ ...v, segment: `variant ${v.segment}` }))]),
    r.lessonsLearned ? el('p', {}, el('strong', {}, 'Lessons learned: '), r.lessonsLearned) : null);
}

const kpi = (label, value) => el('div', { class: 'kpi' }, label, el('b', {}, value));

// ---- actions ---------------------------------------------------------------------------------------------------------------
// Which actions the state allows; the API decides in the end (and says why in problem details when it refuses).
function actions(view) {
  const c = view.campaign, me = operator()?.id;
  const authors = new Set([c.createdBy, c.updatedBy, c.submission?.by, ...(c.planAuthors ?? [])].filter(Boolean));
  const buttons = [];
  const add = (label, handler, cls) => buttons.push(el('button', { type: 'button', class: cls, onclick: () => handler(view) }, label));
  if (['draft'].includes(view.state)) add('Submit for approval', submit);
  if (view.state === 'pendingApproval') {
    add('Approve', approve);
    add('Reject', reject, 'danger');
  }
  if (view.state === 'live') add('Pause', pause, 'secondary');
  if (view.state === 'paused') add('Resume', resume);
  if (['approved', 'scheduled', 'live', 'paused'].includes(view.state)) add('Kill', kill, 'danger');
  const hints = [];
  if (view.state === 'pendingApproval' && !hasRole('CampaignApprover')) hints.push('Approving needs the CampaignApprover role: switch operator above.');
  if (view.state === 'pendingApproval' && authors.has(me)) hints.push(`Four eyes: ${me} planned or submitted this campaign and cannot approve it.`);
  return el('div', { class: 'card', role: 'group', 'aria-label': 'Campaign actions' },
    el('p', { class: 'row' }, ...(buttons.length ? buttons : [el('span', { class: 'muted' }, 'No operator action in this state.')])),
    ...hints.map(h => el('p', { class: 'warn' }, h)),
    c.submission ? el('p', { class: 'muted' }, `Submitted by ${c.submission.by} ${fmt.time(c.submission.at)}` +
      (c.approval ? ` · approved by ${c.approval.by} ${fmt.time(c.approval.at)}` : '') + (c.rejection ? ` · rejected by ${c.rejection.by}: ${c.rejection.comment}` : '')) : null);
}

async function command(view, verb, path, body) {
  await api('POST', `/api/campaigns/${enc(view.id)}/${path}`, { body, headers: { 'If-Match': etag(view.version) } });
  await refresh();
  notice(`${verb} campaign ${view.id}.`);
}

async function submit(view) {
  if ((await confirmAction(`Submit “${view.campaign.plan.name}” for approval? Another operator with the approver role must approve it.`, { okLabel: 'Submit' })).ok) {
    await command(view, 'Submitted', 'submit');
  }
}
async function approve(view) {
  const { ok, reason } = await confirmAction(`Approve “${view.campaign.plan.name}”? It will be scheduled and go live at its start.`, { needsReason: false, okLabel: 'Approve', withComment: true });
  if (ok) await command(view, 'Approved', 'approval', { approved: true, comment: reason || null });
}
async function reject(view) {
  const { ok, reason } = await confirmAction(`Reject “${view.campaign.plan.name}”? The planner sees your reason.`, { needsReason: true, okLabel: 'Reject' });
  if (ok && reason.trim()) await command(view, 'Rejected', 'approval', { approved: false, comment: reason });
}
async function pause(view) {
  const { ok, reason } = await confirmAction(`Pause “${view.campaign.plan.name}”? Coupon claims and redemptions stop within a second.`, { needsReason: true, okLabel: 'Pause' });
  if (ok && reason.trim()) await command(view, 'Paused', 'pause', { reason });
}
async function resume(view) {
  const { ok, reason } = await confirmAction(`Resume “${view.campaign.plan.name}”?`, { okLabel: 'Resume', withComment: true });
  if (ok) await command(view, 'Resumed', 'resume', { comment: reason || null });
}
async function kill(view) {
  const { ok, reason } = await confirmAction(`Kill “${view.campaign.plan.name}”? This is the emergency stop: it cannot be resumed (the campaign is still evaluated).`, { needsReason: true, okLabel: 'Kill' });
  if (ok && reason.trim()) await command(view, 'Killed', 'kill', { reason });
}
