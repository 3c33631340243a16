// Coupons: definitions with their inventory (issued / remaining / released) and redemptions, a definition's terms, activation and
// retirement, and its bulk code batches with progress and CSV downloads.
import { api, el, table, fmt, section, route, badge, confirmAction, notice, refresh, download } from './app.js';

const page = (...parts) => parts.flat().filter(p => p !== null && p !== undefined && p !== false);
const pascal = s => s ? s[0].toUpperCase() + s.slice(1) : '';
const enc = encodeURIComponent;

export function registerCouponPages() {
  section('Coupons', '#/coupons');
  route(/^#\/coupons$/, definitionsPage);
  route(/^#\/coupons\/([^/?]+)$/, definitionPage);
}

function benefitText(b) {
  switch (b.kind) {
    case 'fixedAmount': return `${fmt.money(b.amount)} off`;
    case 'percent': return `${b.percentOff} % off (max ${fmt.money(b.maxDiscount)})`;
    case 'fullReduction': return (b.steps ?? []).map(s => `${fmt.money(s.discount ?? s.amount)} off ${fmt.money(s.threshold ?? s.minimumSpend)}`).join(', ');
    case 'freeShipping': return `free shipping (up to ${fmt.money(b.maxShippingCovered)})`;
    default: return b.kind;
  }
}

async function definitionsPage() {
  const { data } = await api('GET', '/api/coupons/definitions?pageSize=100');
  // The listing leaves the inventory out; each definition's own view carries it.
  const details = await Promise.all(data.items.map(async d => {
    const [full, redemptions] = await Promise.all([
      api('GET', `/api/coupons/definitions/${enc(d.id)}`, { quiet: true }).then(r => r.data).catch(() => d),
      api('GET', `/api/coupons/definitions/${enc(d.id)}/redemptions`, { quiet: true }).then(r => r.data).catch(() => null),
    ]);
    return { ...full, redemptions };
  }));
  return page(
    el('h2', {}, 'Coupon definitions'),
    table([
      { label: 'Definition', value: d => el('a', { href: `#/coupons/${enc(d.id)}` }, d.terms.name) },
      { label: 'State', value: d => badge(pascal(d.state)) },
      { label: 'Benefit (base tier)', value: d => benefitText(Object.values(d.terms.tierBenefits)[0] ?? { kind: d.terms.kind }) },
      { label: 'Quantity', num: true, value: d => fmt.number(d.terms.totalQuantity) },
      { label: 'Issued', num: true, value: d => fmt.number(d.inventory?.issued) },
      { label: 'Remaining', num: true, value: d => d.inventory ? fmt.number(d.inventory.remaining) : fmt.number(d.terms.totalQuantity) },
      { label: 'Redeemed', num: true, value: d => fmt.number(d.redemptions?.redeemed) },
      { label: 'Released', num: true, value: d => fmt.number(d.inventory?.released) },
      { label: 'Money issued', num: true, value: d => fmt.money(d.inventory?.moneyIssued) },
      { label: 'Discount given', num: true, value: d => fmt.money(d.redemptions?.discountGiven) },
      { label: 'Campaign', value: d => d.terms.campaignId ? el('a', { href: `#/campaigns/${enc(d.terms.campaignId)}` }, d.terms.campaignId) : '—' },
    ], details, { caption: `${details.length} definition(s)${data.continuationToken ? ' (first page)' : ''}` }),
  );
}

async function definitionPage(id) {
  const [{ data: d, etag }, { data: redemptions }, { data: batches }] = await Promise.all([
    api('GET', `/api/coupons/definitions/${enc(id)}`),
    api('GET', `/api/coupons/definitions/${enc(id)}/redemptions`, { quiet: true }).catch(() => ({ data: null })),
    api('GET', `/api/coupons/${enc(id)}/batches`, { quiet: true }).catch(() => ({ data: [] })),
  ]);
  const t = d.terms, inv = d.inventory;
  const lifecycle = async (verb, path, text) => {
    if (!(await confirmAction(text, { okLabel: verb })).ok) return;
    await api('POST', `/api/coupons/definitions/${enc(id)}/${path}`, { headers: etag ? { 'If-Match': etag } : {} });
    await refresh();
    notice(`${verb}d “${t.name}”.`);
  };
  const count = el('input', { id: 'batch-count', name: 'count', type: 'number', min: 1, max: 100000, value: 100, required: true, size: 8 });
  const prefix = el('input', { id: 'batch-prefix', name: 'prefix', size: 8, maxlength: 8, 'aria-describedby': 'batch-prefix-hint' });
  return page(
    el('p', {}, el('a', { href: '#/coupons' }, '← All definitions')),
    el('h2', {}, t.name),
    el('p', { class: 'row' }, badge(pascal(d.state)), el('span', { class: 'muted' }, `id ${d.id} · minimum tier ${d.minimumTier} · stacking group ${t.stackingGroup ?? '—'}`),
      d.state === 'draft' ? el('button', { type: 'button', onclick: () => lifecycle('Activate', 'activate', `Activate “${t.name}”? Its inventory is allocated and claims start.`) }, 'Activate') : null,
      d.state === 'active' ? el('button', { type: 'button', class: 'danger', onclick: () => lifecycle('Retire', 'retire', `Retire “${t.name}”? No more coupons are issued and issued ones can no longer be redeemed.`) }, 'Retire') : null),
    el('div', { class: 'kpis' },
      ...[['Quantity', t.totalQuantity], ['Allocated', inv?.allocated], ['Issued', inv?.issued], ['Remaining', inv?.remaining], ['Released', inv?.released]]
        .map(([label, value]) => el('div', { class: 'kpi' }, label, el('b', {}, fmt.number(value)))),
      el('div', { class: 'kpi' }, 'Redeemed', el('b', {}, fmt.number(redemptions?.redeemed))),
      el('div', { class: 'kpi' }, 'Money issued', el('b', {}, fmt.money(inv?.moneyIssued))),
      el('div', { class: 'kpi' }, 'Discount given', el('b', {}, fmt.money(redemptions?.discountGiven)))),
    el('h3', {}, 'Terms'),
    table([{ label: 'Term', value: r => r[0] }, { label: 'Value', value: r => r[1] }], [
      ['Benefits by tier', Object.entries(t.tierBenefits).map(([tier, b]) => `${tier}: ${benefitText(b)}`).join(' · ')],
      ['Minimum spend', fmt.money(t.minimumSpend)],
      ['Validity', t.validity.days ? `${t.validity.days} days from issue` : `${fmt.time(t.validity.validFrom)} – ${fmt.time(t.validity.validUntil)}`],
      ['Per member', fmt.number(t.perMemberLimit)],
      ['Daily issue limit', fmt.number(t.dailyIssueLimit)],
      ['Budget cap', fmt.money(t.budgetCap)],
      ['Campaign', t.campaignId ?? '—'],
      ['Time zone', t.timeZoneId ?? '—'],
    ]),
    el('h3', {}, 'Code batches'),
    table([
      { label: 'Batch', value: b => el('code', {}, b.batchId) },
      { label: 'State', value: b => badge(pascal(b.state)) },
      { label: 'Generated', num: true, value: b => `${fmt.number(b.generated)} / ${fmt.number(b.count)}` },
      { label: 'Prefix', value: b => b.prefix || '—' },
      { label: 'Requested', value: b => fmt.time(b.requestedAt) },
      { label: 'Valid', value: b => `${fmt.time(b.validFrom)} – ${fmt.time(b.validUntil)}` },
      { label: 'Codes', value: b => b.codesUrl
          ? el('button', { type: 'button', class: 'secondary', 'aria-label': `Download codes of batch ${b.batchId}`, onclick: () => download(b.codesUrl, `${b.batchId}.csv`) }, 'Download CSV')
          : el('span', { class: 'muted' }, 'generating…') },
    ], batches),
    d.state === 'active' ? el('form', { class: 'card row', 'aria-label': 'Request a code batch', onsubmit: async e => {
      e.preventDefault();
      if (!(await confirmAction(`Generate ${count.value} bearer codes of “${t.name}”? They take units from the remaining inventory.`, { okLabel: 'Generate' })).ok) return;
      const body = { count: Number(count.value), prefix: prefix.value.trim() || null };
      // A fresh key per request: the key names the batch, a retry of this very request reuses it.
      const { data: batch } = await api('POST', `/api/coupons/${enc(id)}/batches`, { body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
      await refresh();
      notice(`Batch ${batch.batchId} requested: ${batch.count} codes.`);
    } }, el('label', {}, 'Codes ', count), el('label', {}, 'Prefix ', prefix),
      el('span', { id: 'batch-prefix-hint', class: 'muted' }, 'optional; no I, L, O or U'), el('button', { type: 'submit' }, 'Request batch')) : null,
  );
}
