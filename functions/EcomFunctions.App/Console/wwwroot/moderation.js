// Review moderation: the moderation queue with every matched span highlighted, a review's detail and audit trail,
// the blocklist, and the merchants' queue of negative reviews waiting for a response.
import { api, el, table, fmt, section, route, badge, highlight, confirmAction, notice, refresh } from './app.js';

const categories = ['Profanity', 'Sexual', 'Hate', 'Violence', 'SelfHarm', 'Politics', 'Illegal', 'Ads', 'ContactLure', 'Competitor', 'Spam', 'Fake'];
const stars = n => '★'.repeat(n) + '☆'.repeat(5 - n);
const etag = version => `"${version}"`;
// The router hands a page's parts to replaceChildren as they are: nested lists flattened, absent parts dropped.
const page = (...parts) => parts.flat().filter(p => p !== null && p !== undefined && p !== false);

export function registerModerationPages() {
  section('Moderation', '#/moderation');
  section('Responses', '#/responses');
  // One route per shape: the router decodes every capture group, so an optional one would arrive as "undefined".
  route(/^#\/moderation$/, () => queuePage(null));
  route(/^#\/moderation\?after=(.+)$/, after => queuePage(after));
  route(/^#\/moderation\/blocklist$/, blocklistPage);
  route(/^#\/moderation\/reviews\/([^/?]+)$/, reviewPage);
  route(/^#\/responses$/, () => responsesPage(null));
  route(/^#\/responses\?overdue=(true|false)$/, overdue => responsesPage(overdue));
}

// ---- moderation queue ------------------------------------------------------------------------------------------------
async function queuePage(after) {
  const query = after ? `&continuationToken=${encodeURIComponent(after)}` : '';
  const { data } = await api('GET', `/api/moderation/queue?pageSize=20${query}`);
  return page(
    el('h2', {}, 'Moderation queue'),
    el('p', { class: 'row' }, el('span', { class: 'muted' }, 'Oldest submission first.'), el('a', { href: '#/moderation/blocklist' }, 'Blocklist')),
    data.items.length ? data.items.map(r => reviewCard(r, { decide: true })) : el('p', { class: 'muted' }, 'Nothing is waiting for a moderator.'),
    data.continuationToken ? el('p', {}, el('a', { href: `#/moderation?after=${encodeURIComponent(data.continuationToken)}` }, 'Next page')) : null,
  );
}

function reviewCard(review, { decide = false } = {}) {
  const reasons = review.screening?.reasons ?? [];
  const spans = reasons.flatMap(r => r.spans);
  return el('article', { class: 'card', 'aria-label': `Review ${review.id}`, 'data-review': review.id },
    el('p', { class: 'row' },
      badge(review.status),
      el('span', { 'aria-label': `${review.rating} of 5 stars` }, stars(review.rating)),
      el('span', { class: 'muted' }, `product ${review.productId} · member ${review.memberId} · ${fmt.time(review.submittedAt)}`),
      review.verifiedPurchase ? el('span', { class: 'ok' }, 'verified purchase') : el('span', { class: 'warn' }, 'unverified purchase'),
      el('a', { href: `#/moderation/reviews/${encodeURIComponent(review.id)}` }, 'Details')),
    el('p', { class: 'review-text' }, highlight(review.text, spans)),
    review.imageUrls.length ? el('p', { class: 'muted' }, `${review.imageUrls.length} image(s)`) : null,
    reasons.length ? el('ul', { class: 'reasons' }, ...reasons.map(r =>
      el('li', {}, badge(r.action), ' ', el('strong', {}, r.category), ` ${r.detail} `, el('code', { class: 'muted' }, r.code)))) : null,
    decide ? el('p', { class: 'row' },
      el('button', { type: 'button', onclick: () => decideReview(review, 'approve') }, 'Approve'),
      el('button', { type: 'button', class: 'danger', onclick: () => decideReview(review, 'reject') }, 'Reject')) : null);
}

async function decideReview(review, decision) {
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const { ok, reason } = await confirmAction(`${verb} this review? The decision and your reason are audited.`, { needsReason: true, okLabel: verb });
  if (!ok || !reason.trim()) return;
  await api('POST', `/api/reviews/${encodeURIComponent(review.id)}/decision`, { body: { decision, reason }, headers: { 'If-Match': etag(review.version) } });
  await refresh();
  notice(`${verb}d review ${review.id}.`);
}

async function reviewPage(id) {
  const { data } = await api('GET', `/api/moderation/reviews/${encodeURIComponent(id)}`);
  const review = data.review;
  return page(
    el('h2', {}, 'Review'),
    reviewCard(review, { decide: review.status !== 'Approved' && review.status !== 'Rejected' }),
    review.response ? el('div', { class: 'card' }, el('h3', {}, 'Merchant response'), el('p', {}, review.response.text),
      el('p', { class: 'muted' }, `${review.response.merchantName ?? ''} · ${fmt.time(review.response.respondedAt)}`)) : null,
    el('h3', {}, 'Audit trail'),
    el('ul', { class: 'timeline' }, ...data.auditTrail.map(a => el('li', {},
      `${fmt.time(a.at)} — ${a.action} by ${a.actorName} (${a.from ?? '—'} → ${a.to})`, a.comment ? `: ${a.comment}` : '',
      a.reasonCodes.length ? el('span', { class: 'muted' }, ` [${a.reasonCodes.join(', ')}]`) : ''))),
  );
}

// ---- blocklist -------------------------------------------------------------------------------------------------------
async function blocklistPage() {
  const { data, etag: version } = await api('GET', '/api/moderation/blocklist');
  const entries = data.entries.map(e => ({ term: e.term, category: e.category, action: e.action }));
  const save = async (next, message) => {
    const saved = await api('PUT', '/api/moderation/blocklist', { body: { entries: next }, headers: { 'If-Match': version } });
    await refresh();
    notice(`${message} Blocklist version ${saved.data.version}: screening uses it from the next review on.`);
  };
  const term = el('input', { id: 'blocklist-term', name: 'term', required: true, size: 24 });
  const category = el('select', { id: 'blocklist-category', name: 'category' }, ...categories.map(c => el('option', { value: c }, c)));
  const action = el('select', { id: 'blocklist-action', name: 'action' }, el('option', { value: 'Reject' }, 'Reject'), el('option', { value: 'Review' }, 'Review'));
  return page(
    el('h2', {}, 'Blocklist'),
    el('p', { class: 'muted' }, `Version ${data.version} · ${data.count} terms · saved by ${data.updatedBy} ${fmt.time(data.updatedAt)}. ` +
      'Terms match however they are disguised (spacing, full-width letters, zero-width characters); Latin terms match whole words unless starred (fuck*, *hole).'),
    el('form', { class: 'card row', 'aria-label': 'Add a term', onsubmit: e => { e.preventDefault(); save([...entries, { term: term.value, category: category.value, action: action.value }], `Added “${term.value}”.`); } },
      el('label', {}, 'Term ', term), el('label', {}, 'Category ', category), el('label', {}, 'Action ', action), el('button', { type: 'submit' }, 'Add term')),
    table([
      { label: 'Term', value: e => e.term },
      { label: 'Category', value: e => e.category },
      { label: 'Action', value: e => badge(e.action) },
      { label: '', value: e => el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${e.term}`,
        onclick: async () => { if ((await confirmAction(`Remove “${e.term}” from the blocklist?`, { okLabel: 'Remove' })).ok) save(entries.filter(x => x !== e), `Removed “${e.term}”.`); } }, 'Remove') },
    ], entries),
  );
}

// ---- negative reviews waiting for a merchant response ----------------------------------------------------------------
async function responsesPage(overdue) {
  const { data } = await api('GET', `/api/reviews/negative?pageSize=100${overdue ? `&overdue=${overdue}` : ''}`);
  const link = (label, value) => el('a', { href: value ? `#/responses?overdue=${value}` : '#/responses', 'aria-current': (overdue ?? '') === (value ?? '') ? 'true' : null }, label);
  return page(
    el('h2', {}, 'Negative reviews waiting for a response'),
    el('p', { class: 'row' }, link('All', null), link('Overdue', 'true'), link('In time', 'false')),
    data.items.length ? data.items.map(responseCard) : el('p', { class: 'muted' }, 'No negative review is waiting for a response.'),
  );
}

function responseCard(review) {
  const text = el('textarea', { name: 'response', 'aria-label': `Response to review ${review.id}`, required: true, maxlength: 1000 });
  return el('article', { class: 'card', 'aria-label': `Negative review ${review.id}`, 'data-review': review.id },
    el('p', { class: 'row' },
      el('span', { 'aria-label': `${review.rating} of 5 stars` }, stars(review.rating)),
      el('span', { class: 'muted' }, `product ${review.productId} · published ${fmt.time(review.publishedAt)}`),
      review.overdue ? el('span', { class: 'bad' }, `overdue by ${fmt.duration(review.overdueMinutes * 60)}`)
        : el('span', {}, `due ${fmt.time(review.responseDueAt)}`),
      review.overdueFlaggedAt ? badge('Reminded') : null),
    el('p', {}, review.text),
    el('form', { onsubmit: async e => {
      e.preventDefault();
      await api('POST', `/api/reviews/${encodeURIComponent(review.id)}/response`, { body: { text: text.value }, headers: { 'If-Match': etag(review.version) } });
      await refresh();
      notice('Response published with the review.');
    } }, text, el('button', { type: 'submit' }, 'Publish response')));
}
