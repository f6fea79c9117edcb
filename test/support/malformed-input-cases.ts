/**
 * The table of the malformed-input suite (test/e2e/malformed-input.e2e-spec.ts): every route of
 * the HTTP API with the malformed requests to send it, the error codes they get, and how to
 * read back the stored state that none of them may change.
 */
import request from 'supertest';
import { defineWorkflow } from '../../src/engine';
import { ONE_MIB } from './sizes';

export const BASE = '/api/workflows';
export const WF = 'demo';
/** The instance the instance routes target; created (and never advanced) before the table runs. */
export const PRE = 'pre-1';
export const OTHER = 'pre-2';
export const I = `/workflows/${WF}/instances`;

/** Every error code of the API and its HTTP status. */
export const CODE_STATUS: Record<string, number> = {
  VALIDATION_ERROR: 400,
  INVALID_INSTANCE_ID: 400,
  INVALID_EVENT_TYPE: 400,
  INVALID_CURSOR: 400,
  WORKFLOW_PARAMS_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  WORKFLOW_NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  INSTANCE_ID_ALREADY_EXISTS: 409,
  INSTANCE_TERMINAL: 409,
  INSTANCE_NOT_TERMINAL: 409,
  PAYLOAD_TOO_LARGE: 413,
  RUNNER_TICK_DISABLED: 403,
  INTERNAL_ERROR: 500,
};

/** Params must be absent or `{ note?: string }`: gives `params` a type that can be wrong. */
function checkDemoParams(params: unknown): true | string {
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'params must be an object';
  const note = (params as { note?: unknown }).note;
  return note === undefined || typeof note === 'string' ? true : 'params.note must be a string';
}

export const demo = defineWorkflow<{ note?: string }>({ name: WF, params: checkDemoParams }, async (event, step) => {
  const first = await step.do('first', async () => event.payload?.note ?? 'none');
  const go = await step.waitForEvent('wait for go', { type: 'go', timeout: '1 hour' });
  return { first, go: go.payload };
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Values only known once the app runs (a real cursor issued by this server). */
export interface Ctx {
  cursor: string;
}

export interface Case {
  name: string;
  method: Method;
  /** Below `base` (default BASE), sent exactly as written (percent-encoding included). */
  path: string;
  base?: string;
  /** An instance this case targets, created with the others before the table runs. */
  target?: string;
  /** Raw query string without `?`. */
  query?: string | ((ctx: Ctx) => string);
  /** Body sent byte for byte (malformed JSON, other content types). */
  raw?: string;
  /** Body sent as JSON text. */
  json?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** The code the case must get; a list where more than one reading is right; null where no specific code is required. */
  code: string | string[] | null;
  /** VALIDATION_ERROR about fields: `details.issues` must list them. */
  issues?: boolean;
  /** A word (field name) the message or details must mention. */
  mentions?: string;
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const DEPTH = 10_000;
const DEEP_ARRAYS = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const DEEP_OBJECTS = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const DEEP: [string, string][] = [
  [`${DEPTH} levels of arrays`, DEEP_ARRAYS],
  [`${DEPTH} levels of objects`, DEEP_OBJECTS],
];

/** A JSON body (valid for the route apart from its size) over 1 MiB. */
const HUGE_TEXT = 'x'.repeat(ONE_MIB + 1024);

/** A JSON text of exactly `bytes` bytes: `{"id":…,"params":{"note":"xxx…"}}`. */
function createBodyOfBytes(bytes: number): string {
  const head = '{"id":"exactly-over-limit","params":{"note":"';
  const tail = '"}}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

const MALFORMED: [string, string][] = [
  ['unterminated object "{"', '{'],
  ['unterminated member \'{"a":\'', '{"a":'],
  ["single quotes {'single':1}", "{'single':1}"],
  ['trailing garbage after a valid document', '{"id":"trailing-1","type":"go"} garbage'],
  ['two documents back to back', '{"id":"twice-1"}{"id":"twice-2"}'],
  ['NaN literal', '{"maxInstances":NaN}'],
  ['trailing comma', '{"id":"comma-1",}'],
  ['top-level null', 'null'],
  ['top-level string', '"just text"'],
  ['top-level number', '42'],
];

const NON_JSON: [string, string, string][] = [
  ['text/plain body', 'text/plain', '{"id":"as-text","type":"go"}'],
  ['form-urlencoded body', 'application/x-www-form-urlencoded', 'id=as-form&type=go&maxInstances=5'],
  ['XML body', 'application/xml', '<instance id="as-xml"/>'],
];

interface Route {
  key: string;
  method: 'get' | 'post' | 'delete';
  path: string;
  /** A valid body (POST routes): what the route would accept, were it not for the fault under test. */
  body?: Record<string, unknown>;
  /** Path with another workflow name, for WORKFLOW_NOT_FOUND. */
  pathFor?: (workflow: string) => string;
  /** Where deep JSON goes (raw text around the deep value). */
  deepBody?: (deep: string) => string;
  /** This route's body over 1 MiB. */
  huge: () => unknown;
  /**
   * The route changes the instance in its path (events, pause, …): the same path for another
   * instance, so that each well-formed case has an instance of its own and a bug that lets one
   * through cannot change what the other cases meet.
   */
  at?: (instanceId: string) => string;
}

const instancePath = (action: string) => (workflow: string) => `/workflows/${workflow}/instances/${PRE}${action}`;

const ROUTES: Route[] = [
  { key: 'GET /workflows', method: 'get', path: '/workflows', huge: () => ({ padding: HUGE_TEXT }) },
  {
    key: 'GET instances',
    method: 'get',
    path: I,
    pathFor: (w) => `/workflows/${w}/instances`,
    huge: () => ({ padding: HUGE_TEXT }),
  },
  {
    key: 'POST instances',
    method: 'post',
    path: I,
    body: { id: 'created-by-mistake' },
    pathFor: (w) => `/workflows/${w}/instances`,
    deepBody: (deep) => `{"id":"deep-create","params":{"note":"n","nested":${deep}}}`,
    huge: () => ({ id: 'huge-create', params: { note: HUGE_TEXT } }),
  },
  {
    key: 'POST batch',
    method: 'post',
    path: `${I}/batch`,
    body: { instances: [{ id: 'batched-by-mistake' }] },
    pathFor: (w) => `/workflows/${w}/instances/batch`,
    deepBody: (deep) => `{"instances":[{"id":"deep-batch","params":{"nested":${deep}}}]}`,
    huge: () => ({ instances: [{ id: 'huge-batch', params: { note: HUGE_TEXT } }] }),
  },
  { key: 'GET instance', method: 'get', path: `${I}/${PRE}`, pathFor: instancePath(''), huge: () => ({ padding: HUGE_TEXT }) },
  {
    key: 'GET history',
    method: 'get',
    path: `${I}/${PRE}/history`,
    pathFor: instancePath('/history'),
    huge: () => ({ padding: HUGE_TEXT }),
  },
  {
    key: 'POST events',
    method: 'post',
    path: `${I}/${PRE}/events`,
    body: { type: 'go', payload: { by: 'mistake' } },
    pathFor: instancePath('/events'),
    at: (id) => `${I}/${id}/events`,
    deepBody: (deep) => `{"type":"go","payload":{"nested":${deep}}}`,
    huge: () => ({ type: 'go', payload: HUGE_TEXT }),
  },
  {
    key: 'POST tick',
    method: 'post',
    path: '/_runner/tick',
    body: {},
    deepBody: (deep) => `{"maxInstances":${deep}}`,
    huge: () => ({ maxInstances: 1, padding: HUGE_TEXT }),
  },
  {
    key: 'DELETE instance',
    method: 'delete',
    path: `${I}/${PRE}`,
    body: {},
    pathFor: instancePath(''),
    at: (id) => `${I}/${id}`,
    deepBody: (deep) => `{"unexpected":${deep}}`,
    huge: () => ({ padding: HUGE_TEXT }),
  },
  ...(['pause', 'resume', 'restart', 'terminate'] as const).map(
    (action): Route => ({
      key: `POST ${action}`,
      method: 'post',
      path: `${I}/${PRE}/${action}`,
      body: {},
      pathFor: instancePath(`/${action}`),
      at: (id) => `${I}/${id}/${action}`,
      deepBody: (deep) => `{"unexpected":${deep}}`,
      huge: () => ({ padding: HUGE_TEXT }),
    }),
  ),
];

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function genericCases(route: Route): Case[] {
  const { key, method, path } = route;
  const cases: Case[] = [];
  /** Where a well-formed request goes: an instance of its own on routes that change one. */
  const own = (label: string): Pick<Case, 'path' | 'target'> => {
    if (!route.at) return { path };
    const target = `t-${slug(key)}-${slug(label)}`;
    return { path: route.at(target), target };
  };
  for (const [label, raw] of MALFORMED) {
    cases.push({ name: `${key} · malformed JSON: ${label}`, method, path, raw, code: 'VALIDATION_ERROR' });
  }
  for (const [label, contentType, raw] of NON_JSON) {
    cases.push({ name: `${key} · ${label}`, method, path, raw, contentType, code: 'VALIDATION_ERROR' });
  }
  cases.push({ name: `${key} · body over 1 MiB`, method, path, json: route.huge(), code: 'PAYLOAD_TOO_LARGE' });
  cases.push({
    name: `${key} · unknown query field`,
    method,
    ...own('unknown query field'),
    query: 'unexpected=1',
    json: route.body,
    code: 'VALIDATION_ERROR',
    issues: true,
    mentions: 'unexpected',
  });
  if (method !== 'get') {
    cases.push({
      name: `${key} · unknown body field`,
      method,
      ...own('unknown body field'),
      json: { ...route.body, unexpected: true },
      code: 'VALIDATION_ERROR',
      issues: true,
      mentions: 'unexpected',
    });
  }
  for (const [label, deep] of DEEP) {
    if (!route.deepBody) continue;
    cases.push({ name: `${key} · ${label} in the body`, method, ...own(label), raw: route.deepBody(deep), code: 'VALIDATION_ERROR', issues: true });
  }
  if (route.pathFor) {
    for (const [label, workflow] of [
      ['unknown workflow', 'no-such-workflow'],
      ['workflow name with a space', 'no%20such'],
    ]) {
      cases.push({ name: `${key} · ${label}`, method, path: route.pathFor(workflow), json: route.body, code: 'WORKFLOW_NOT_FOUND' });
    }
  }
  return cases;
}

/** Wrong JSON types for a field: [label, value]. */
const NOT_A_STRING: [string, unknown][] = [
  ['number', 1],
  ['float', 1.5],
  ['boolean', true],
  ['null', null],
  ['object', { a: 1 }],
  ['array', ['a']],
];
const NOT_AN_INTEGER: [string, unknown][] = [
  ['string', '5'],
  ['float', 1.5],
  ['boolean', true],
  ['null', null],
  ['object', { n: 5 }],
  ['array', [5]],
];
const NOT_AN_ARRAY: [string, unknown][] = [
  ['object', { id: 'obj-1' }],
  ['string', 'inst-1'],
  ['number', 1],
  ['boolean', false],
  ['null', null],
];
const BAD_IDS: [string, string][] = [
  ['empty', ''],
  ['with a space', 'a b'],
  ['leading -', '-lead'],
  ['101 characters', 'i'.repeat(101)],
  ['with a slash', 'a/b'],
  ['with a dot', 'a.b'],
  ['non-ASCII', 'caf\u00e9'],
];

function createCases(): Case[] {
  const post = (name: string, json: unknown, code: string, extra: Partial<Case> = {}): Case => ({
    name: `POST instances · ${name}`,
    method: 'post',
    path: I,
    json,
    code,
    ...extra,
  });
  return [
    ...NOT_A_STRING.map(([label, value]) => post(`id is ${label}`, { id: value }, 'VALIDATION_ERROR', { issues: true, mentions: 'id' })),
    ...BAD_IDS.map(([label, id]) => post(`id ${label}`, { id }, 'INVALID_INSTANCE_ID')),
    ...(
      [
        ['string', 'text'],
        ['number', 7],
        ['boolean', true],
        ['null', null],
        ['array', [{ note: 'x' }]],
        ['object with note as number', { note: 7 }],
      ] as [string, unknown][]
    ).map(([label, params]) => post(`params is ${label}`, { id: `params-${label.replace(/\W+/g, '-')}`, params }, 'WORKFLOW_PARAMS_INVALID')),
    post('body is an array', [{ id: 'in-array' }], 'VALIDATION_ERROR'),
    post('body is an empty array', [], 'VALIDATION_ERROR'),
    post('unknown field in different case (ID)', { ID: 'upper-1' }, 'VALIDATION_ERROR', { issues: true, mentions: 'ID' }),
    {
      name: 'POST instances · "__proto__" field',
      method: 'post',
      path: I,
      raw: '{"__proto__":{"id":"polluted"}}',
      code: 'VALIDATION_ERROR',
      issues: true,
      mentions: '__proto__',
    },
    {
      name: 'POST instances · "constructor" field',
      method: 'post',
      path: I,
      raw: '{"id":"ctor-1","constructor":{"prototype":{"polluted":true}}}',
      code: 'VALIDATION_ERROR',
      issues: true,
      mentions: 'constructor',
    },
    {
      name: 'POST instances · duplicate key, last one of the wrong type',
      method: 'post',
      path: I,
      raw: '{"id":"dup-key-1","id":5}',
      code: 'VALIDATION_ERROR',
      issues: true,
    },
    {
      name: 'POST instances · body of 1 MiB + 1 byte',
      method: 'post',
      path: I,
      raw: createBodyOfBytes(ONE_MIB + 1),
      code: 'PAYLOAD_TOO_LARGE',
    },
  ];
}

function batchCases(): Case[] {
  const post = (name: string, json: unknown, code: string, extra: Partial<Case> = {}): Case => ({
    name: `POST batch · ${name}`,
    method: 'post',
    path: `${I}/batch`,
    json,
    code,
    ...extra,
  });
  const v = { issues: true } as const;
  return [
    post('instances missing', {}, 'VALIDATION_ERROR', { ...v, mentions: 'instances' }),
    ...NOT_AN_ARRAY.map(([label, value]) => post(`instances is ${label}`, { instances: value }, 'VALIDATION_ERROR', { ...v, mentions: 'instances' })),
    post('instances empty', { instances: [] }, 'VALIDATION_ERROR', { ...v, mentions: 'instances' }),
    post(
      'instances has 101 items',
      { instances: Array.from({ length: 101 }, (_, i) => ({ id: `b101-${i}` })) },
      'VALIDATION_ERROR',
      { ...v, mentions: 'instances' },
    ),
    ...(
      [
        ['number', 1],
        ['string', 'b-str'],
        ['null', null],
        ['array', [{ id: 'b-nested' }]],
        ['boolean', true],
      ] as [string, unknown][]
    ).map(([label, item]) => post(`item is ${label}`, { instances: [{ id: 'b-ok-1' }, item] }, 'VALIDATION_ERROR', v)),
    post('item without id', { instances: [{ params: { note: 'x' } }] }, 'VALIDATION_ERROR', { ...v, mentions: 'id' }),
    ...NOT_A_STRING.map(([label, id]) =>
      post(`item id is ${label}`, { instances: [{ id: 'b-ok-2' }, { id }] }, 'VALIDATION_ERROR', { ...v, mentions: 'id' }),
    ),
    ...BAD_IDS.map(([label, id]) => post(`item id ${label} (after a valid one)`, { instances: [{ id: 'b-ok-3' }, { id }] }, 'INVALID_INSTANCE_ID')),
    post('item params of the wrong type', { instances: [{ id: 'b-ok-4' }, { id: 'b-ok-5', params: 'text' }] }, 'WORKFLOW_PARAMS_INVALID'),
    post('unknown field in an item', { instances: [{ id: 'b-ok-6', unexpected: 1 }] }, 'VALIDATION_ERROR', {
      ...v,
      mentions: 'unexpected',
    }),
    post('body is an array', [{ id: 'b-arr' }], 'VALIDATION_ERROR'),
    {
      name: 'POST batch · "__proto__" field in an item',
      method: 'post',
      path: `${I}/batch`,
      raw: '{"instances":[{"id":"b-proto","__proto__":{"params":{"note":1}}}]}',
      code: 'VALIDATION_ERROR',
      issues: true,
      mentions: '__proto__',
    },
  ];
}

function eventCases(): Case[] {
  const path = `${I}/${PRE}/events`;
  const post = (name: string, json: unknown, code: string | null, extra: Partial<Case> = {}): Case => ({
    name: `POST events · ${name}`,
    method: 'post',
    path,
    json,
    code,
    ...extra,
  });
  return [
    post('type missing', { payload: { a: 1 } }, 'VALIDATION_ERROR', { issues: true, mentions: 'type' }),
    ...NOT_A_STRING.map(([label, type]) => post(`type is ${label}`, { type }, 'VALIDATION_ERROR', { issues: true, mentions: 'type' })),
    ...BAD_IDS.map(([label, type]) => post(`type ${label}`, { type }, 'INVALID_EVENT_TYPE')),
    post('type with "!"', { type: 'go!' }, 'INVALID_EVENT_TYPE'),
    ...NOT_A_STRING.map(([label, id]) => post(`event id is ${label}`, { type: 'go', id }, 'VALIDATION_ERROR', { issues: true, mentions: 'id' })),
    // No specific code is required for a malformed event id; it must still be a 400.
    post('event id with a space', { type: 'go', id: 'e v' }, null),
    post('body is an array', [{ type: 'go' }], 'VALIDATION_ERROR'),
    {
      name: 'POST events · duplicate key, last one of the wrong type',
      method: 'post',
      path,
      raw: '{"type":"go","type":1}',
      code: 'VALIDATION_ERROR',
      issues: true,
    },
  ];
}

function tickCases(): Case[] {
  const post = (name: string, json: unknown): Case => ({
    name: `POST tick · ${name}`,
    method: 'post',
    path: '/_runner/tick',
    json,
    code: 'VALIDATION_ERROR',
    issues: true,
  });
  return [
    ...NOT_AN_INTEGER.map(([label, value]) => post(`maxInstances is ${label}`, { maxInstances: value })),
    ...NOT_AN_INTEGER.map(([label, value]) => post(`maxSteps is ${label}`, { maxSteps: value })),
    ...[0, -1, 1001].map((n) => post(`maxInstances ${n}`, { maxInstances: n })),
    ...[0, -5, 10_001].map((n) => post(`maxSteps ${n}`, { maxSteps: n })),
    post('body is an array', [{ maxInstances: 1 }]),
  ].map((c) => ({ ...c, mentions: /array/.test(c.name) ? undefined : /maxSteps/.test(c.name) ? 'maxSteps' : 'maxInstances' }));
}

const PAGE_SIZES = ['0', '101', '1.5', 'abc', '-1', '', '1e1', '0x10', '%205', '1&pageSize=2'];

function listQueryCases(): Case[] {
  const get = (label: string, query: Case['query'], code: string | string[] = 'VALIDATION_ERROR', extra: Partial<Case> = {}): Case => ({
    name: `GET instances · ${label}`,
    method: 'get',
    path: I,
    query,
    code,
    ...(code === 'VALIDATION_ERROR' ? { issues: true } : {}),
    ...extra,
  });
  const tamperSignature = (cursor: string) => cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');
  const tamperBody = (cursor: string) => (cursor.startsWith('e') ? 'f' : 'e') + cursor.slice(1);
  return [
    ...PAGE_SIZES.map((value) => get(`pageSize=${value}`, `pageSize=${value}`, 'VALIDATION_ERROR', { mentions: 'pageSize' })),
    ...['bogus', 'QUEUED', '', 'queued&status=paused'].map((value) =>
      get(`status=${value}`, `status=${value}`, 'VALIDATION_ERROR', { mentions: 'status' }),
    ),
    get('order=up (not a list parameter)', 'order=up', 'VALIDATION_ERROR', { mentions: 'order' }),
    // An empty cursor is both an out-of-range value and a cursor this server never issued.
    get('empty cursor', 'cursor=', ['VALIDATION_ERROR', 'INVALID_CURSOR']),
    get('garbage cursor', 'cursor=garbage', 'INVALID_CURSOR'),
    get('cursor with a forged signature', 'cursor=eyJzIjoiaW5zdGFuY2VzOmRlbW86KiIsInAiOnt9fQ.AAAA', 'INVALID_CURSOR'),
    get('cursor with three parts', 'cursor=a.b.c', 'INVALID_CURSOR'),
    get('cursor with a tampered signature', (ctx) => `cursor=${tamperSignature(ctx.cursor)}`, 'INVALID_CURSOR'),
    get('cursor with a tampered body', (ctx) => `cursor=${tamperBody(ctx.cursor)}`, 'INVALID_CURSOR'),
    get('cursor issued for another filter', (ctx) => `cursor=${ctx.cursor}&status=queued`, 'INVALID_CURSOR'),
    get('cursor repeated', (ctx) => `cursor=${ctx.cursor}&cursor=${ctx.cursor}`, 'VALIDATION_ERROR', { mentions: 'cursor' }),
    get('"__proto__" query field', '__proto__=1', 'VALIDATION_ERROR', { mentions: '__proto__' }),
    get('"constructor" query field', 'constructor=1', 'VALIDATION_ERROR', { mentions: 'constructor' }),
    get('unknown field in different case (PageSize)', 'PageSize=5', 'VALIDATION_ERROR', { mentions: 'PageSize' }),
    get('bracketed query field', 'pageSize[a]=1', 'VALIDATION_ERROR'),
  ];
}

function historyQueryCases(): Case[] {
  const get = (label: string, query: Case['query'], code: string | string[] = 'VALIDATION_ERROR', extra: Partial<Case> = {}): Case => ({
    name: `GET history · ${label}`,
    method: 'get',
    path: `${I}/${PRE}/history`,
    query,
    code,
    ...(code === 'VALIDATION_ERROR' ? { issues: true } : {}),
    ...extra,
  });
  return [
    ...PAGE_SIZES.map((value) => get(`pageSize=${value}`, `pageSize=${value}`, 'VALIDATION_ERROR', { mentions: 'pageSize' })),
    ...['up', 'ASC', '', 'asc&order=desc'].map((value) => get(`order=${value}`, `order=${value}`, 'VALIDATION_ERROR', { mentions: 'order' })),
    ...['yes', '1', 'TRUE', '', 'true&includeLogs=false'].map((value) =>
      get(`includeLogs=${value}`, `includeLogs=${value}`, 'VALIDATION_ERROR', { mentions: 'includeLogs' }),
    ),
    ...['loud', 'INFO', 'fatal', ''].map((value) =>
      get(`logLevel=${value}`, `includeLogs=true&logLevel=${value}`, 'VALIDATION_ERROR', { mentions: 'logLevel' }),
    ),
    // runNumber=0 is the first run and a later run than the current one is an empty history: neither is malformed.
    ...['-1', 'x', '1.5', '', '1&runNumber=1'].map((value) =>
      get(`runNumber=${value}`, `runNumber=${value}`, 'VALIDATION_ERROR', { mentions: 'runNumber' }),
    ),
    get('logCategory empty', 'includeLogs=true&logCategory=', 'VALIDATION_ERROR', { mentions: 'logCategory' }),
    get('logCategory of 1025 characters', `includeLogs=true&logCategory=${'c'.repeat(1025)}`, 'VALIDATION_ERROR', { mentions: 'logCategory' }),
    get('empty stepsCursor', 'stepsCursor=', ['VALIDATION_ERROR', 'INVALID_CURSOR']),
    get('garbage stepsCursor', 'stepsCursor=garbage', 'INVALID_CURSOR'),
    get('garbage eventsCursor', 'eventsCursor=not.acursor', 'INVALID_CURSOR'),
    get('garbage logsCursor', 'includeLogs=true&logsCursor=zzz', 'INVALID_CURSOR'),
    get('stepsCursor issued for the instance list', (ctx) => `stepsCursor=${ctx.cursor}`, 'INVALID_CURSOR'),
    get('eventsCursor issued for the instance list', (ctx) => `eventsCursor=${ctx.cursor}`, 'INVALID_CURSOR'),
    get('status=queued (a list parameter)', 'status=queued', 'VALIDATION_ERROR', { mentions: 'status' }),
    get('cursor=x (a list parameter)', 'cursor=x', 'VALIDATION_ERROR', { mentions: 'cursor' }),
  ];
}

/** Bad instance ids in the path, for every instance route. */
function pathCases(): Case[] {
  const ids: [string, string, string | string[]][] = [
    ['space', 'a%20b', 'INVALID_INSTANCE_ID'],
    // Not even decodable: either INVALID_INSTANCE_ID (bad id) or VALIDATION_ERROR (malformed input) is right.
    ['pct-FF (invalid UTF-8)', '%FF', ['INVALID_INSTANCE_ID', 'VALIDATION_ERROR']],
    ['101 characters', 'p'.repeat(101), 'INVALID_INSTANCE_ID'],
    ['leading -', '-lead', 'INVALID_INSTANCE_ID'],
    ['encoded slash', 'a%2Fb', 'INVALID_INSTANCE_ID'],
    ['non-ASCII', 'caf%C3%A9', 'INVALID_INSTANCE_ID'],
  ];
  const routes: [string, 'get' | 'post' | 'delete', string, unknown][] = [
    ['GET instance', 'get', '', undefined],
    ['DELETE instance', 'delete', '', undefined],
    ['GET history', 'get', '/history', undefined],
    ['POST pause', 'post', '/pause', undefined],
    ['POST resume', 'post', '/resume', undefined],
    ['POST restart', 'post', '/restart', undefined],
    ['POST terminate', 'post', '/terminate', undefined],
    ['POST events', 'post', '/events', { type: 'go' }],
  ];
  return routes.flatMap(([key, method, suffix, json]) =>
    ids.map(([label, id, code]): Case => ({ name: `${key} · instance id ${label}`, method, path: `${I}/${id}${suffix}`, json, code })),
  );
}

function unknownRouteCases(): Case[] {
  const routes: [Method, string][] = [
    ['get', ''],
    ['get', '/'],
    ['get', '/nope'],
    ['get', '/workflow'],
    ['post', '/workflows'],
    ['delete', '/workflows'],
    ['get', `/workflows/${WF}`],
    ['put', `${I}/${PRE}`],
    ['patch', `${I}/${PRE}`],
    ['post', `${I}/${PRE}`],
    ['get', `${I}/${PRE}/pause`],
    ['post', `${I}/${PRE}/explode`],
    ['get', `${I}/${PRE}/events`],
    ['post', `${I}/${PRE}/events/extra`],
    ['put', `${I}/batch`],
    ['get', '/_runner/tick'],
    ['post', '/_runner'],
    ['post', '/_runner/tock'],
  ];
  return [
    ...routes.map(([method, path]): Case => ({
      name: `unknown route ${method.toUpperCase()} ${BASE}${path}`,
      method,
      path,
      json: method === 'get' ? undefined : {},
      code: 'ROUTE_NOT_FOUND',
    })),
    { name: 'unknown route outside the base path GET /nothing-here', method: 'get', base: '', path: '/nothing-here', code: 'ROUTE_NOT_FOUND' },
    { name: 'unknown route outside the base path POST /api', method: 'post', base: '', path: '/api', json: {}, code: 'ROUTE_NOT_FOUND' },
  ];
}

/** Faults of the HTTP layer with no dedicated code: still a 4xx in the envelope with one of the API's codes. */
function transportCases(): Case[] {
  return [
    {
      name: 'POST instances · unsupported Content-Encoding',
      method: 'post',
      path: I,
      raw: '{"id":"encoded-1"}',
      headers: { 'Content-Encoding': 'bogus' },
      code: null,
    },
    {
      name: 'POST instances · gzip Content-Encoding with a body that is not gzip',
      method: 'post',
      path: I,
      raw: '{"id":"gzip-1"}',
      headers: { 'Content-Encoding': 'gzip' },
      code: null,
    },
    {
      name: 'POST instances · JSON declared in an unsupported charset',
      method: 'post',
      path: I,
      raw: '{"id":"charset-1"}',
      contentType: 'application/json; charset=utf-16',
      code: null,
    },
  ];
}

/** A live instance is not deleted: refused whatever else is wrong or right with the request. */
function deleteCases(): Case[] {
  const del = (name: string, query: string | undefined, code: string, extra: Partial<Case> = {}): Case => {
    const target = `t-delete-${slug(name)}`;
    return { name: `DELETE instance · ${name}`, method: 'delete', path: `${I}/${target}`, target, query, code, ...extra };
  };
  return [
    del('live, without force', undefined, 'INSTANCE_NOT_TERMINAL'),
    del('live, force=false', 'force=false', 'INSTANCE_NOT_TERMINAL'),
    ...['yes', '1', '', 'TRUE', 'true&force=true'].map((value) => del(`force=${value}`, `force=${value}`, 'VALIDATION_ERROR', { issues: true, mentions: 'force' })),
  ];
}

const MANAGEMENT = /^(POST (pause|resume|restart|terminate)|DELETE instance)$/;

/**
 * Cases that, were they wrongly accepted, would change the instance (pause, resume, restart,
 * terminate) come last, so such a bug cannot disguise the outcome of the cases before them.
 */
export const CASES: Case[] = [
  ...ROUTES.filter((route) => !MANAGEMENT.test(route.key)).flatMap(genericCases),
  ...createCases(),
  ...batchCases(),
  ...eventCases(),
  ...tickCases(),
  ...listQueryCases(),
  ...historyQueryCases(),
  ...deleteCases(),
  ...pathCases(),
  ...unknownRouteCases(),
  ...transportCases(),
  ...ROUTES.filter((route) => MANAGEMENT.test(route.key)).flatMap(genericCases),
];

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** Anything that betrays the implementation: stack frames, source or install paths. */
export const LEAKS: RegExp[] = [
  /\n\s+at\s/,
  /\bat\s+(async\s+)?[\w$.<>[\]]+\s+\(/,
  /\.(ts|js|mjs|cjs):\d+/,
  /node_modules/,
  /\/work\//,
  /\/(home|usr|root|opt|tmp|var|srv|app)\//,
  /\bsrc\/[\w/-]+/,
  /file:\/\//,
  /[A-Z]:\\/,
  /"stack"/,
];

export function sendCase(http: Parameters<typeof request>[0], c: Case, ctx: Ctx): request.Test {
  const query = typeof c.query === 'function' ? c.query(ctx) : c.query;
  const url = `${c.base ?? BASE}${c.path}${query !== undefined ? `?${query}` : ''}`;
  let req = request(http)[c.method](url);
  for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
  const body = c.raw ?? (c.json === undefined ? undefined : JSON.stringify(c.json));
  if (body !== undefined) req = req.set('Content-Type', c.contentType ?? 'application/json').send(body);
  return req;
}

/** Every instance created on purpose: the two the table reads, and the targets of single cases. */
export const TARGETS = [...new Set(CASES.flatMap((c) => (c.target ? [c.target] : [])))];
export const EXPECTED_IDS = [PRE, OTHER, ...TARGETS].sort();

/** Everything the API shows about the instances created on purpose: each one, its history, the list. */
export async function snapshot(http: Parameters<typeof request>[0]) {
  const read = async (path: string) => {
    const res = await request(http).get(`${BASE}${path}`);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body;
  };
  const instances: Record<string, unknown> = {};
  for (const id of EXPECTED_IDS) {
    instances[id] = {
      instance: await read(`${I}/${id}`),
      history: await read(`${I}/${id}/history?includeLogs=true&pageSize=100`),
    };
  }
  const list = (await read(`${I}?pageSize=100`)) as { instances: { id: string }[]; hasNextPage: boolean };
  return { list, instances };
}
