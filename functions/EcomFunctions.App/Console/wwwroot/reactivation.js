// Reactivation (win-back): the daily runs by store date with targeted / holdout / sent per channel / conversions /
// uplift, a run's full report, and starting a run by hand (a missed day, or today's before the timer).
import { api, el, table, fmt, section, route, badge, confirmAction, notice, refresh } from './app.js';

const page = (...parts) => parts.flat().filter(p => p !== null && p !== undefined && p !== false);
const pascal = s => s ? s[0].toUpperCase() + s.slice(1) : '';
const signedPercent = v => v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${(Number(v) * 100).toFixed(1)} pt`;
// Detail reports are fetched for the most recent runs only (one request each).
const detailed = 14;

export function registerReactivationPages() {
  section('Reactivation', '#/reactivation');
  route(/^#\/reactivation$/, runsPage);
  route(/^#\/reactivation\/(\d{4}-\d{2}-\d{2})$/, runPage);
}

async function runsPage() {
  const { data: runs } = await api('GET', '/api/reactivation/runs');
  const reports = await Promise.all(runs.slice(0, detailed).map(r =>
    api('GET', `/api/reactivation/runs/${r.runDate}`, { quiet: true }).then(x => x.data).catch(() => null)));
  const rows = runs.map((r, i) => ({ ...r, report: reports[i] ?? null }));
  const date = el('input', { id: 'reactivation-date', name: 'date', type: 'date', required: true, value: new Date().toISOString().slice(0, 10) });
  return page(
    el('h2', {}, 'Reactivation runs'),
    el('p', { class: 'muted' }, 'One run per store date: dormant members are scored, a holdout group is kept aside, the rest are messaged within the frequency caps. ' +
      'Conversions count within the attribution window; uplift is treated minus holdout.'),
    table([
      { label: 'Date', value: r => el('a', { href: `#/reactivation/${r.runDate}` }, r.runDate) },
      { label: 'Status', value: r => badge(pascal(r.status)) },
      { label: 'Eligible', num: true, value: r => fmt.number(r.eligible) },
      { label: 'Targeted', num: true, value: r => fmt.number(r.targeted) },
      { label: 'Holdout', num: true, value: r => fmt.number(r.holdout) },
      { label: 'Sent per channel', value: r => r.report ? el('ul', { class: 'compact' }, ...r.report.channels.map(c =>
          el('li', {}, `${c.channel}: ${fmt.number(c.sent)} sent`, c.pending ? ` · ${fmt.number(c.pending)} pending` : '', c.failed ? ` · ${fmt.number(c.failed)} failed` : ''))) : '—' },
      { label: 'Conversions', num: true, value: r => r.report ? `${fmt.number(r.report.treated.converted)} / ${fmt.number(r.report.holdoutGroup.converted)}` : '—' },
      { label: 'Conversion uplift', num: true, value: r => r.report ? signedPercent(r.report.conversionUplift) : '—' },
      { label: 'Incremental revenue', num: true, value: r => r.report ? fmt.money(r.report.incrementalRevenue) : '—' },
      { label: 'Cost', num: true, value: r => fmt.money(r.totalCost) },
    ], rows, { caption: 'Conversions: treated / holdout' }),
    el('form', { class: 'card row', 'aria-label': 'Start a run', onsubmit: async e => {
      e.preventDefault();
      if (!(await confirmAction(`Start the win-back run for ${date.value}? Messages go out to the targeted members (quiet hours respected).`, { okLabel: 'Start run' })).ok) return;
      await api('POST', `/api/reactivation/runs/${date.value}`);
      await refresh();
      notice(`Run ${date.value} started.`);
    } }, el('label', {}, 'Store date ', date), el('button', { type: 'submit' }, 'Start run')),
  );
}

async function runPage(date) {
  const { data: r } = await api('GET', `/api/reactivation/runs/${date}`);
  const group = (label, g) => ({ label, ...g });
  return page(
    el('p', {}, el('a', { href: '#/reactivation' }, '← All runs')),
    el('h2', {}, `Reactivation run ${r.runDate}`),
    el('p', { class: 'row' }, badge(pascal(r.status)), el('span', { class: 'muted' },
      `started ${fmt.time(r.startedAt)} · completed ${fmt.time(r.completedAt)} · attribution window ${r.attributionWindow}${r.attributionFinal ? ' (final)' : ' (still counting)'}`)),
    el('div', { class: 'kpis' },
      ...[['Scanned', r.scanned], ['Eligible', r.eligible], ['Targeted', r.targeted], ['Holdout', r.holdout], ['Deferred (quiet hours)', r.quietHoursDeferred]]
        .map(([label, value]) => el('div', { class: 'kpi' }, label, el('b', {}, fmt.number(value)))),
      el('div', { class: 'kpi' }, 'Conversion uplift', el('b', {}, signedPercent(r.conversionUplift))),
      el('div', { class: 'kpi' }, 'Re-engagement uplift', el('b', {}, signedPercent(r.reengagementUplift))),
      el('div', { class: 'kpi' }, 'Incremental revenue', el('b', {}, fmt.money(r.incrementalRevenue)))),
    el('h3', {}, 'Channels'),
    table([
      { label: 'Channel', value: c => c.channel },
      { label: 'Planned', num: true, value: c => fmt.number(c.planned) },
      { label: 'Sent', num: true, value: c => fmt.number(c.sent) },
      { label: 'Pending', num: true, value: c => fmt.number(c.pending) },
      { label: 'Failed', num: true, value: c => fmt.number(c.failed) },
      { label: 'Suppressed', num: true, value: c => fmt.number(c.suppressed) },
      { label: 'Cost', num: true, value: c => fmt.money(c.cost) },
      { label: 'Converted', num: true, value: c => fmt.number(c.converted) },
      { label: 'Return', num: true, value: c => fmt.money(c.return) },
      { label: 'Return on cost', num: true, value: c => c.returnOnCost === null ? '—' : Number(c.returnOnCost).toFixed(2) },
    ], r.channels),
    el('h3', {}, 'Treated vs holdout'),
    table([
      { label: 'Group', value: g => g.label },
      { label: 'Members', num: true, value: g => fmt.number(g.members) },
      { label: 'Converted', num: true, value: g => fmt.number(g.converted) },
      { label: 'Conversion rate', num: true, value: g => fmt.percent(g.conversionRate) },
      { label: 'Re-engaged', num: true, value: g => fmt.number(g.reengaged) },
      { label: 'Revenue', num: true, value: g => fmt.money(g.revenue) },
      { label: 'Revenue per member', num: true, value: g => fmt.money(g.revenuePerMember) },
    ], [group('Treated', r.treated), group('Holdout', r.holdoutGroup)]),
    el('h3', {}, 'Skipped'),
    table([{ label: 'Reason', value: s => s[0] }, { label: 'Members', num: true, value: s => fmt.number(s[1]) }], Object.entries(r.skipped ?? {})),
  );
}
