// The local console's script, inlined into page.html: the operator API on this page's origin, shown as
// tables. No framework and no other origin; every value from the API goes in as text, never as markup.

/** The statuses a replay takes (the operator API's rule). */
const REPLAYABLE = new Set(['DEAD', 'FAILED']);
const PAGE_SIZE = 50;
/** The bulk replay's cap per call. */
const BULK_REPLAY_MAX = 100;

const byId = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
};
const enc = encodeURIComponent;

/** An answer other than 2xx, with the API's problem (RFC 9457) when it sent one. */
class ApiError extends Error {
  constructor(method, path, status, problem, text) {
    const title = problem?.title ?? problem?.message ?? (text.slice(0, 200) || 'no details');
    const detail = problem?.detail ? `: ${problem.detail}` : '';
    super(`${method} ${path} answered ${status} ${title}${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** One call to the operator API; resolves the JSON body (undefined for a 204), throws {@link ApiError}. */
async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(`${method} ${path}: no answer (${error.message}); is the stack running?`);
  }
  const text = await response.text();
  let data;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!response.ok) throw new ApiError(method, path, response.status, data, text);
  return data;
}

/** An element; `on…` attributes given functions become listeners, the rest attributes; children text. */
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const none = () => h('span', { class: 'empty' }, '—');
/** An ISO 8601 time, shortened to the second, UTC. */
const when = (iso) =>
  iso ? h('time', { datetime: iso, title: iso }, iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : none();

/** A last error in one line: kind, codes, message. */
function errorSummary(error) {
  if (error === undefined || error === null || error === false) return '';
  if (typeof error !== 'object') return String(error);
  return [error.kind, error.code, error.sub_code, error.sub_msg ?? error.message ?? error.msg]
    .filter((part) => part !== undefined && part !== null && part !== '')
    .join(' · ');
}

const json = (value) => h('pre', {}, JSON.stringify(value, null, 2));
const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? none())]),
  );

// --- The message area -------------------------------------------------------------------------------

const message = byId('message');
const messageText = byId('message-text');

/** Shows an error (kept with the others until dismissed) or a notice (replacing what is shown). */
function say(text, kind = 'error') {
  if (kind === 'info' || message.hidden || message.className !== 'error') messageText.replaceChildren();
  messageText.append(h('div', { class: 'line' }, text));
  message.className = kind;
  message.hidden = false;
}
byId('message-close').addEventListener('click', () => {
  message.hidden = true;
  messageText.replaceChildren();
});

/** Runs an action, showing what failed in the message area. */
async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    say(error.message);
    return undefined;
  }
}

/** Marks a table busy while it loads. */
async function busy(table, action) {
  table.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    table.setAttribute('aria-busy', 'false');
  }
}

// --- The detail panel ---------------------------------------------------------------------------------

const detail = { title: byId('detail-title'), hint: byId('detail-hint'), body: byId('detail-body'), key: '' };

function showDetail(key, title, ...nodes) {
  detail.key = key;
  detail.title.textContent = title;
  detail.hint.hidden = true;
  detail.body.replaceChildren(...nodes);
}

function clearDetail() {
  detail.key = '';
  detail.title.textContent = 'Details';
  detail.hint.hidden = false;
  detail.body.replaceChildren();
}

function select(tbody, row) {
  for (const other of tbody.querySelectorAll('tr[aria-selected="true"]'))
    other.setAttribute('aria-selected', 'false');
  row?.setAttribute('aria-selected', 'true');
}

// --- Ban and counts ---------------------------------------------------------------------------------

const statusOrder = () => [...byId('ops-status').options].map((option) => option.value);

/** A parked count: the API may give a number or the list itself. */
const countOf = (value) => (Array.isArray(value) ? value.length : (value ?? 0));

async function refreshStatus() {
  const status = await api('GET', '/status');
  byId('ban-until').replaceChildren(status.ban?.until ? when(status.ban.until) : 'no ban');
  // A count that stopped at the API's page limit is a lower bound: named in `capped`.
  const capped = new Set(status.capped ?? []);
  const shown = (name, value) => `${capped.has(name) ? '≥ ' : ''}${countOf(value)}`;
  byId('parked-sellers').textContent = shown('parked.sellers', status.parked?.sellers);
  byId('parked-orders').textContent = shown('parked.orders', status.parked?.orders);
  byId('stopped-orders').textContent = shown('stopped.orders', status.stopped?.orders);
  const counts = status.operations ?? {};
  const names = [...new Set([...statusOrder(), ...Object.keys(counts)])];
  byId('status-counts').replaceChildren(
    ...names.map((name) =>
      h(
        'tr',
        { 'data-testid': `count-${name}` },
        h('th', { scope: 'row' }, h('span', { class: `status status-${name}` }, name)),
        h('td', { class: 'num', 'data-testid': 'count' }, shown(`operations.${name}`, counts[name])),
      ),
    ),
  );
}

// --- Operations ---------------------------------------------------------------------------------------

const ops = {
  table: document.querySelector('[data-testid="ops-table"]'),
  rows: byId('ops-rows'),
  caption: byId('ops-caption'),
  more: byId('ops-more'),
  replayAll: byId('ops-replay-all'),
  /** The filter of the rows shown. */
  filter: undefined,
  cursor: undefined,
};

function operationsFilter() {
  const status = byId('ops-status').value;
  const flow = byId('ops-flow').value;
  return { status, ...(flow && { flow }) };
}

const operationRowOf = (id) => ops.rows.querySelector(`tr[data-operation-id="${CSS.escape(id)}"]`);

function operationRow(op) {
  return h(
    'tr',
    {
      class: 'clickable',
      'data-testid': 'op-row',
      'data-operation-id': op.operation_id,
      'data-status': op.status,
      'aria-selected': detail.key === `op:${op.operation_id}` ? 'true' : 'false',
      onclick: () => guarded(() => openOperation(op.operation_id)),
    },
    // A button, so the row opens from the keyboard too; its click reaches the row's listener.
    h('td', {}, h('button', { type: 'button', class: 'link-button mono' }, op.operation_id)),
    h('td', {}, op.flow ?? none()),
    h('td', {}, h('span', { class: `status status-${op.status}`, 'data-testid': 'op-status' }, op.status)),
    h('td', { class: 'num', 'data-testid': 'op-attempts' }, op.attempts ?? 0),
    h('td', {}, when(op.created_at)),
    h('td', {}, when(op.updated_at)),
    h('td', { class: 'error-text' }, errorSummary(op.last_error)),
    h(
      'td',
      {},
      REPLAYABLE.has(op.status)
        ? h(
            'button',
            {
              type: 'button',
              'data-testid': 'op-replay',
              'aria-label': `Replay ${op.operation_id}`,
              onclick: (event) => {
                event.stopPropagation();
                replayOne(op.operation_id, event.currentTarget);
              },
            },
            'Replay',
          )
        : '',
    ),
  );
}

/** The rows still in the filter's status (a replayed row stays, in its new status). */
const rowsInStatus = (status) => ops.rows.querySelectorAll(`tr[data-status="${CSS.escape(status)}"]`).length;

function showOperationsState() {
  const shown = ops.rows.querySelectorAll('tr[data-operation-id]').length;
  const { status, flow } = ops.filter ?? operationsFilter();
  ops.caption.textContent = shown === 0 ? `No ${status} operations${flow ? ` of ${flow}` : ''}.` : '';
  ops.more.hidden = !ops.cursor;
  ops.replayAll.disabled = !REPLAYABLE.has(status) || rowsInStatus(status) === 0;
}

async function loadOperations(more = false) {
  if (!more) {
    ops.filter = operationsFilter();
    ops.cursor = undefined;
  }
  const query = new URLSearchParams({ ...ops.filter, limit: String(PAGE_SIZE) });
  if (more && ops.cursor) query.set('cursor', ops.cursor);
  try {
    const page = await busy(ops.table, () => api('GET', `/operations?${query}`));
    if (!more) ops.rows.replaceChildren();
    ops.rows.append(...(page.items ?? []).map(operationRow));
    ops.cursor = page.next_cursor ?? undefined;
  } catch (error) {
    if (!more) {
      ops.rows.replaceChildren();
      ops.cursor = undefined;
    }
    throw error;
  } finally {
    showOperationsState();
  }
}

async function openOperation(id) {
  const op = await api('GET', `/operations/${enc(id)}`);
  select(ops.rows, operationRowOf(id));
  showDetail(
    `op:${id}`,
    'Operation',
    h(
      'div',
      { 'data-testid': 'operation-detail', 'data-operation-id': id },
      facts([
        ['Operation', h('code', {}, op.operation_id)],
        ['Flow', op.flow],
        [
          'Status',
          h('span', { class: `status status-${op.status}`, 'data-testid': 'detail-status' }, op.status),
        ],
        ['Attempts', h('span', { 'data-testid': 'detail-attempts' }, op.attempts ?? 0)],
        ['Created', when(op.created_at)],
        ['Updated', when(op.updated_at)],
        ['Next attempt', when(op.next_attempt_at)],
        ['TOP request', op.top_request_id && h('code', {}, op.top_request_id)],
      ]),
      h('h3', {}, 'Last error'),
      op.last_error ? json(op.last_error) : none(),
      h('h3', {}, 'Request'),
      op.request ? json(op.request) : none(),
      h('details', {}, h('summary', {}, 'Everything the API returned'), json(op)),
    ),
  );
  return op;
}

/** Shows an operation's status as it is now, in its row and, when open, in the panel. */
async function refreshOperation(id) {
  const op = await api('GET', `/operations/${enc(id)}`);
  const row = operationRowOf(id);
  row?.replaceWith(operationRow(op));
  if (detail.key === `op:${id}`) await openOperation(id);
  return op;
}

async function replayOne(id, button) {
  button.disabled = true;
  button.textContent = 'Replaying…';
  let failure;
  try {
    await api('POST', `/operations/${enc(id)}/replay`);
  } catch (error) {
    // A 422 is TOP refusing it again: the operation is FAILED, which the row shows below.
    failure = error;
  }
  const op = await guarded(() => refreshOperation(id));
  if (!op) {
    button.disabled = false;
    button.textContent = 'Replay';
  }
  if (failure) say(`Replay of ${id}: ${failure.message}`);
  else if (op) say(`Replayed ${id}: ${op.status}.`, 'info');
  showOperationsState();
  await guarded(refreshStatus);
}

async function replayAll() {
  const filter = ops.filter ?? operationsFilter();
  const shown = rowsInStatus(filter.status);
  if (!REPLAYABLE.has(filter.status) || shown === 0) {
    say('Only DEAD or FAILED operations can be replayed: show some first.');
    return;
  }
  const limit = Math.min(shown, BULK_REPLAY_MAX);
  const what = `${limit} ${filter.status} operation${limit === 1 ? '' : 's'}${filter.flow ? ` of ${filter.flow}` : ''}`;
  if (!window.confirm(`Replay ${what}?`)) return;
  ops.replayAll.disabled = true;
  try {
    const result = await api('POST', '/operations/replay', { ...filter, limit });
    say(`Replayed ${result.replayed}, skipped ${result.skipped}.`, 'info');
    await Promise.all((result.operation_ids ?? []).map((id) => guarded(() => refreshOperation(id))));
  } finally {
    showOperationsState();
    await guarded(refreshStatus);
  }
}

// --- Tracked orders -------------------------------------------------------------------------------------

const orders = {
  table: document.querySelector('[data-testid="orders-table"]'),
  rows: byId('orders-rows'),
  caption: byId('orders-caption'),
  more: byId('orders-more'),
  filter: '',
  cursor: undefined,
};

/** The platform's status codes and their names: `6` is `6 DELIVERED`. */
const ORDER_STATUS_NAMES = JSON.parse(orders.table.dataset.statusNames || '{}');
const orderStatus = (code) =>
  code === undefined || code === null
    ? '—'
    : `${code}${ORDER_STATUS_NAMES[code] ? ` ${ORDER_STATUS_NAMES[code]}` : ''}`;

const orderRowOf = (id) => orders.rows.querySelector(`tr[data-logistics-order-id="${CSS.escape(id)}"]`);

/** Parked or stopped: why and since when; `no` when not. */
function haltText(halt) {
  if (!halt) return 'no';
  if (halt === true) return 'yes';
  return [halt.reason ?? halt.code, halt.at && `since ${halt.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`]
    .filter(Boolean)
    .join(', ');
}

function orderRow(order) {
  const id = order.logistics_order_id;
  return h(
    'tr',
    {
      class: 'clickable',
      'data-testid': 'order-row',
      'data-logistics-order-id': id,
      'aria-selected': detail.key === `order:${id}` ? 'true' : 'false',
      onclick: () => guarded(() => openOrder(id)),
    },
    h('td', {}, h('button', { type: 'button', class: 'link-button mono' }, id)),
    h('td', {}, order.seller_id ?? none()),
    h('td', {}, h('span', { class: 'status', 'data-testid': 'order-status' }, orderStatus(order.status))),
    h('td', {}, when(order.last_refreshed_at)),
    h('td', {}, when(order.next_refresh_at)),
    h('td', {}, haltText(order.parked)),
    h('td', {}, haltText(order.stopped)),
    h('td', {}, when(order.finished_at)),
    h('td', { class: 'error-text' }, errorSummary(order.last_error)),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'order-untrack',
          'aria-label': `Untrack ${id}`,
          onclick: (event) => {
            event.stopPropagation();
            untrack(id, event.currentTarget);
          },
        },
        'Untrack',
      ),
    ),
  );
}

function showOrdersState() {
  const shown = orders.rows.querySelectorAll('tr[data-logistics-order-id]').length;
  orders.caption.textContent = shown === 0 ? 'No tracked orders match.' : '';
  orders.more.hidden = !orders.cursor;
}

async function loadOrders(more = false) {
  if (!more) {
    // The API lists one kind at a time: parked, stopped, or one status (`parked=true`, `status=1`, …).
    orders.filter = byId('orders-filter').value;
    orders.cursor = undefined;
  }
  const query = new URLSearchParams(orders.filter);
  query.set('limit', String(PAGE_SIZE));
  if (more && orders.cursor) query.set('cursor', orders.cursor);
  try {
    const page = await busy(orders.table, () => api('GET', `/logistics-orders?${query}`));
    if (!more) orders.rows.replaceChildren();
    orders.rows.append(...(page.items ?? []).map(orderRow));
    orders.cursor = page.next_cursor ?? undefined;
  } catch (error) {
    if (!more) {
      orders.rows.replaceChildren();
      orders.cursor = undefined;
    }
    throw error;
  } finally {
    showOrdersState();
  }
}

async function openOrder(id) {
  const order = await api('GET', `/logistics-orders/${enc(id)}`);
  select(orders.rows, orderRowOf(id));
  const history = order.history ?? [];
  showDetail(
    `order:${id}`,
    'Tracked order',
    h(
      'div',
      { 'data-testid': 'order-detail', 'data-logistics-order-id': id },
      facts([
        ['Logistics order', h('code', {}, order.logistics_order_id)],
        ['Seller', order.seller_id],
        ['Status', h('span', { class: 'status' }, orderStatus(order.status))],
        ['Last refreshed', when(order.last_refreshed_at)],
        ['Next refresh', when(order.next_refresh_at)],
        ['Parked', haltText(order.parked)],
        ['Stopped', haltText(order.stopped)],
        ['Finished', when(order.finished_at)],
      ]),
      h('h3', {}, 'History'),
      history.length === 0
        ? h('p', { class: 'empty' }, 'No status changes yet.')
        : h(
            'table',
            { 'data-testid': 'order-history' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'At'))),
            h(
              'tbody',
              {},
              history.map((change) =>
                h('tr', {}, h('td', {}, orderStatus(change.status)), h('td', {}, when(change.at))),
              ),
            ),
          ),
      h('h3', {}, 'Last error'),
      order.last_error ? json(order.last_error) : none(),
      // The snapshot is the platform's order detail, with the buyer's name and address: not shown here.
      h(
        'details',
        {},
        h('summary', {}, 'Everything the API returned, but the snapshot (personal data)'),
        json({ ...order, snapshot: undefined }),
      ),
    ),
  );
}

async function untrack(id, button) {
  if (!window.confirm(`Stop tracking ${id}? Its refreshes stop and its record is deleted.`)) return;
  button.disabled = true;
  try {
    await api('DELETE', `/logistics-orders/${enc(id)}`);
  } catch (error) {
    button.disabled = false;
    say(`Untrack ${id}: ${error.message}`);
    return;
  }
  orderRowOf(id)?.remove();
  if (detail.key === `order:${id}`) clearDetail();
  say(`Stopped tracking ${id}.`, 'info');
  showOrdersState();
  await guarded(refreshStatus);
}

// --- Sellers ---------------------------------------------------------------------------------------------

async function loadSellers() {
  const table = document.querySelector('[data-testid="sellers-table"]');
  const rows = byId('sellers-rows');
  let items = [];
  try {
    ({ items = [] } = await busy(table, () => api('GET', '/sellers')));
  } finally {
    rows.replaceChildren(
      ...items.map((seller) =>
        h(
          'tr',
          { 'data-testid': 'seller-row', 'data-seller-id': seller.seller_id },
          h('td', {}, seller.seller_id),
          h('td', {}, h('span', { class: `status status-${seller.status}` }, seller.status)),
          h('td', {}, when(seller.access_token_expires_at)),
          h('td', {}, when(seller.refresh_token_expires_at)),
          h('td', { class: 'error-text' }, errorSummary(seller.last_error)),
          h(
            'td',
            {},
            seller.authorize_url
              ? h('a', { href: seller.authorize_url, rel: 'noreferrer' }, 'authorization link')
              : none(),
          ),
        ),
      ),
    );
    byId('sellers-caption').textContent = items.length === 0 ? 'No seller has authorized the app.' : '';
  }
}

// --- Wiring -------------------------------------------------------------------------------------------------

const onSubmit = (id, action) =>
  byId(id).addEventListener('submit', (event) => {
    event.preventDefault();
    guarded(action);
  });
onSubmit('ops-filters', () => loadOperations());
onSubmit('orders-filters', () => loadOrders());
ops.more.addEventListener('click', () => guarded(() => loadOperations(true)));
orders.more.addEventListener('click', () => guarded(() => loadOrders(true)));
ops.replayAll.addEventListener('click', () => guarded(replayAll));
byId('status-refresh').addEventListener('click', () => guarded(refreshStatus));
byId('sellers-refresh').addEventListener('click', () => guarded(loadSellers));

await Promise.all([
  guarded(refreshStatus),
  guarded(() => loadOperations()),
  guarded(() => loadOrders()),
  guarded(loadSellers),
]);
document.body.dataset.ready = 'true';
