// Operations: health, parked (poison) messages, published events.
import { api, el, table, fmt, section, route } from './app.js';

export function registerPlatformPages() {
  section('Operations', '#/operations');
  route(/^#\/operations$/, async () => {
    const [health, deadLetters, events] = await Promise.all([
      api('GET', '/api/health', { quiet: true }).then(r => r.data).catch(e => e.problem),
      api('GET', '/api/operations/dead-letters').then(r => r.data),
      api('GET', '/api/operations/events?take=50').then(r => r.data),
    ]);
    const parked = deadLetters.filter(q => q.approximateCount > 0);
    return [
      el('h2', {}, 'Operations'),
      el('div', { class: 'kpis' },
        el('div', { class: 'kpi' }, 'Health', el('b', { class: health.status === 'Healthy' ? 'ok' : 'bad' }, health.status ?? 'Unreachable')),
        el('div', { class: 'kpi' }, 'Version', el('b', {}, (health.version ?? '').split('+')[0])),
        el('div', { class: 'kpi' }, 'Parked messages', el('b', { class: parked.length ? 'bad' : 'ok' }, fmt.number(parked.reduce((n, q) => n + q.approximateCount, 0))))),
      el('h3', {}, 'Parked messages (poison queues)'),
      table([
        { label: 'Queue', value: q => q.queue },
        { label: 'Count', num: true, value: q => fmt.number(q.approximateCount) },
        { label: 'Latest reasons', value: q => el('ul', {}, ...q.messages.slice(0, 5).map(m => el('li', {}, `${fmt.time(m.parkedAt)} — ${m.reason}`))) },
      ], deadLetters),
      el('h3', {}, 'Published events (local sink, newest first)'),
      table([
        { label: 'Time', value: e => fmt.time(e.time) },
        { label: 'Type', value: e => e.type },
        { label: 'Subject', value: e => e.subject },
        { label: 'Id', value: e => el('code', {}, e.id.slice(0, 12)) },
      ], events),
    ];
  });
}
