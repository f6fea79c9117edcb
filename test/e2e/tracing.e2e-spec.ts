/**
 * Traces (docs/operations-tracing.md): the spans a run leaves with a tracer provider registered,
 * here an in-memory one, for instances created over HTTP with a `traceparent` header.
 */
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import request from 'supertest';
import { WORKFLOW_STORE } from '../../src/core/tokens';
import { defineWorkflow, NonRetryableError } from '../../src/engine';
import type { WorkflowStore } from '../../src/engine/ports/store';
import { WORKFLOW_ATTRIBUTES as A } from '../../src/observability/tracing/span-attributes';
import { eventually } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { describeSpan, spanTree } from '../support/span-tree';
import { createTestApp } from '../support/test-app';

const BASE = '/api/workflows';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACE_PARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const userTracer = trace.getTracer('workflow-code');

/** Three claims: the first attempt fails and is retried, then a sleep, then the last step. */
const checkout = defineWorkflow({ name: 'checkout' }, async (_event, step) => {
  const charge = await step.do('charge card', { retries: { limit: 2, delay: 10, backoff: 'constant' } }, async ({ attempt }) => {
    if (attempt === 1) throw new TypeError('card declined');
    // Workflow code's own span: it nests under the attempt.
    return userTracer.startActiveSpan('payment-api POST /charges', (span) => (span.end(), 'ch_1'));
  });
  await step.sleep('settle', 20);
  return step.do('ship', async () => ({ charge, shipped: true }));
});

/** Waits for an event, then fails for good. */
const doomed = defineWorkflow({ name: 'doomed' }, async (_event, step) => {
  await step.waitForEvent('wait for go', { type: 'go' });
  await step.do('refund', async () => {
    throw new NonRetryableError('refund window closed');
  });
});

/** Starts a span of its own outside any step. */
const bodySpan = defineWorkflow({ name: 'body-span' }, async (event, step) => {
  userTracer.startSpan('workflow body', { attributes: { [A.instanceId]: event.instanceId } }).end();
  return step.do('only step', async () => 1);
});

const quick = defineWorkflow({ name: 'quick' }, async (_event, step) => step.do('only step', async () => 1));

const ofInstance = (instanceId: string) => exporter.getFinishedSpans().filter((span) => span.attributes[A.instanceId] === instanceId);
const runSpans = (spans: ReadableSpan[]) => spans.filter((span) => span.name.startsWith('run '));
const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe.each(TEST_DATABASES)('tracing on %s', (kind) => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  const store = () => app.app.get<WorkflowStore>(WORKFLOW_STORE);
  const storedTraceParent = async (workflowName: string, instanceId: string) => (await store().findInstance({ workflowName, instanceId }))?.traceParent;
  const completed = (workflowName: string, id: string) =>
    eventually(() => app.client.get(workflowName, id), (view) => view.details.status === 'complete', { what: `${id} complete` });
  /** Every claim's span ended (they end just after the claim's last write). */
  const claimsEnded = (id: string, claims: number) => eventually(async () => runSpans(ofInstance(id)), (runs) => runs.length === claims);

  beforeAll(async () => {
    app = await createTestApp(kind, { workflows: [checkout, doomed, bodySpan, quick] });
  });
  afterAll(() => app.close());

  it('traces every claim of a run as a child of the creating request, and every step attempt under its claim', async () => {
    const created = await request(app.http).post(`${BASE}/workflows/checkout/instances`).set('traceparent', TRACE_PARENT).send({ id: `order-${kind}` });
    expect(created.status).toBe(201);
    await completed('checkout', `order-${kind}`);
    await claimsEnded(`order-${kind}`, 3);
    const engineSpans = ofInstance(`order-${kind}`);
    const engineSpanIds = new Set(engineSpans.map((span) => span.spanContext().spanId));
    const spans = [...engineSpans, ...exporter.getFinishedSpans().filter((span) => engineSpanIds.has(parentId(span) ?? '') && !engineSpans.includes(span))];

    // One trace: the caller's. Each claim's parent is the caller's span, remote.
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
    const runs = runSpans(spans);
    expect(runs.map((span) => [parentId(span), span.parentSpanContext?.isRemote])).toEqual(Array(3).fill([CALLER_SPAN_ID, true]));
    const compact = (span: ReadableSpan) =>
      [span.name, span.status.code === SpanStatusCode.ERROR ? `ERROR ${span.status.message}` : '', ...span.events.map((event) => `+${event.name}`)].filter(Boolean).join(' ');
    expect(spanTree(spans, compact)).toEqual([
      `(parent ${TRACE_ID}/${CALLER_SPAN_ID}, remote)`,
      '├─ run checkout',
      '│  └─ step charge card ERROR TypeError: card declined +exception +workflows.retry_scheduled',
      '├─ run checkout',
      '│  └─ step charge card',
      '│     └─ payment-api POST /charges',
      '└─ run checkout',
      '   └─ step ship',
    ]);
    if (process.env.PRINT_SPAN_TREE) console.log(spanTree(spans, describeSpan).join('\n'));

    expect(runs.map((span) => span.attributes)).toEqual(
      ['suspended', 'suspended', 'complete'].map((outcome, claim) => ({
        [A.workflowName]: 'checkout',
        [A.instanceId]: `order-${kind}`,
        [A.runNumber]: 0,
        [A.firstClaim]: claim === 0,
        [A.claimOutcome]: outcome,
      })),
    );
    const [failed, retried] = spans.filter((span) => span.name === 'step charge card');
    expect(failed.attributes).toEqual({
      [A.workflowName]: 'checkout',
      [A.instanceId]: `order-${kind}`,
      [A.runNumber]: 0,
      [A.stepName]: 'charge card',
      [A.stepType]: 'do',
      [A.attempt]: 1,
      'error.type': 'TypeError',
    });
    expect(failed.events.map((event) => [event.name, event.attributes])).toEqual([
      ['exception', { 'exception.type': 'TypeError', 'exception.message': 'card declined' }],
      ['workflows.retry_scheduled', { [A.retryAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }],
    ]);
    expect(retried.attributes[A.attempt]).toBe(2);
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);

    // Stored in its version-00 form, and not shown in the instance's view.
    expect(await storedTraceParent('checkout', `order-${kind}`)).toBe(TRACE_PARENT);
    const view = await request(app.http).get(`${BASE}/workflows/checkout/instances/order-${kind}`);
    expect(JSON.stringify(view.body)).not.toContain(TRACE_ID);
  });

  it('a run that fails ends its claim’s span in error; a delivered event is an event of the claim', async () => {
    const id = `doomed-${kind}`;
    await request(app.http).post(`${BASE}/workflows/doomed/instances`).set('traceparent', TRACE_PARENT).send({ id }).expect(201);
    await eventually(() => app.client.get('doomed', id), (view) => view.details.status === 'waiting');
    await app.client.sendEvent('doomed', id, { type: 'go' });
    await eventually(() => app.client.get('doomed', id), (view) => view.details.status === 'errored');
    const [waited, failed] = await claimsEnded(id, 2);
    expect([waited.attributes[A.claimOutcome], waited.status.code]).toEqual(['suspended', SpanStatusCode.UNSET]);
    expect([failed.attributes[A.claimOutcome], failed.status]).toEqual(['errored', { code: SpanStatusCode.ERROR, message: 'NonRetryableError: refund window closed' }]);
    expect(failed.attributes['error.type']).toBe('NonRetryableError');
    expect(failed.events.map((event) => [event.name, event.attributes])).toEqual([
      ['workflows.event_delivered', { [A.eventType]: 'go', [A.eventWaitedMs]: expect.any(Number) }],
      ['exception', { 'exception.type': 'NonRetryableError', 'exception.message': 'refund window closed' }],
    ]);
    const [refund] = ofInstance(id).filter((span) => span.name === 'step refund');
    expect([parentId(refund), refund.status.code]).toEqual([failed.spanContext().spanId, SpanStatusCode.ERROR]);
  });

  it('a restarted run, claimed anew, is still in the creating request’s trace', async () => {
    const id = `restarted-${kind}`;
    await request(app.http).post(`${BASE}/workflows/quick/instances`).set('traceparent', TRACE_PARENT).send({ id }).expect(201);
    await completed('quick', id);
    await request(app.http).post(`${BASE}/workflows/quick/instances/${id}/restart`).send({}).expect(200);
    await eventually(() => app.client.get('quick', id), (view) => view.details.status === 'complete' && view.meta.runNumber === 1);
    const runs = await claimsEnded(id, 2);
    expect(runs.map((span) => [span.attributes[A.runNumber], span.spanContext().traceId, parentId(span)])).toEqual([
      [0, TRACE_ID, CALLER_SPAN_ID],
      [1, TRACE_ID, CALLER_SPAN_ID],
    ]);
  });

  it('each instance of a batch is traced under the request’s traceparent', async () => {
    const ids = [`batch-a-${kind}`, `batch-b-${kind}`];
    await request(app.http)
      .post(`${BASE}/workflows/quick/instances/batch`)
      .set('traceparent', TRACE_PARENT)
      .send({ instances: ids.map((id) => ({ id })) })
      .expect(201);
    for (const id of ids) {
      await completed('quick', id);
      expect(await storedTraceParent('quick', id)).toBe(TRACE_PARENT);
      expect((await claimsEnded(id, 1)).map(parentId)).toEqual([CALLER_SPAN_ID]);
    }
  });

  it.each([
    ['not a trace context', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CALLER_SPAN_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${CALLER_SPAN_ID}-01`],
    ['uppercase hex', `00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN_ID}-01`],
    ['a version-00 value with more fields', `${TRACE_PARENT}-extra`],
  ])('ignores a traceparent with %s: created, nothing stored, its run a trace of its own', async (_case, header) => {
    const id = `invalid-${kind}-${exporter.getFinishedSpans().length}`;
    await request(app.http).post(`${BASE}/workflows/quick/instances`).set('traceparent', header).send({ id }).expect(201);
    await completed('quick', id);
    expect(await storedTraceParent('quick', id)).toBeNull();
    const [run] = await claimsEnded(id, 1);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('a later version’s traceparent is read for its first four fields and stored as version 00', async () => {
    const id = `future-${kind}`;
    await request(app.http).post(`${BASE}/workflows/quick/instances`).set('traceparent', `cc-${TRACE_ID}-${CALLER_SPAN_ID}-01-what-comes-next`).send({ id }).expect(201);
    await completed('quick', id);
    expect(await storedTraceParent('quick', id)).toBe(TRACE_PARENT);
  });

  it('the programmatic client takes a traceParent, or the span active where it is called', async () => {
    await app.client.create('quick', { id: `explicit-${kind}` }, { traceParent: TRACE_PARENT });
    expect(await storedTraceParent('quick', `explicit-${kind}`)).toBe(TRACE_PARENT);

    const caller = await userTracer.startActiveSpan('host job', async (span) => {
      await app.client.create('quick', { id: `ambient-${kind}` });
      span.end();
      return span.spanContext();
    });
    expect(await storedTraceParent('quick', `ambient-${kind}`)).toBe(`00-${caller.traceId}-${caller.spanId}-01`);
    await completed('quick', `ambient-${kind}`);
    const [run] = await claimsEnded(`ambient-${kind}`, 1);
    expect([run.spanContext().traceId, parentId(run)]).toEqual([caller.traceId, caller.spanId]);
  });

  it('the runner, woken by a create inside a span, does not run its claims in that span’s context', async () => {
    const id = `woken-${kind}`;
    const caller = await userTracer.startActiveSpan('host request', async (span) => {
      await app.client.create('body-span', { id });
      span.end();
      return span.spanContext();
    });
    await completed('body-span', id);
    const [body] = await eventually(async () => ofInstance(id).filter((span) => span.name === 'workflow body'));
    expect(body.spanContext().traceId).not.toBe(caller.traceId);
  });
});

describe.each(TEST_DATABASES)('tracing: false on %s', (kind) => {
  it('creates no spans and stores no trace from the request', async () => {
    const app = await createTestApp(kind, { workflows: [quick], tracing: false });
    try {
      const id = `untraced-${kind}`;
      await userTracer.startActiveSpan('host request', async (span) => {
        await request(app.http).post(`${BASE}/workflows/quick/instances`).set('traceparent', TRACE_PARENT).send({ id }).expect(201);
        span.end();
      });
      await eventually(() => app.client.get('quick', id), (view) => view.details.status === 'complete');
      expect((await app.app.get<WorkflowStore>(WORKFLOW_STORE).findInstance({ workflowName: 'quick', instanceId: id }))?.traceParent).toBeNull();
      expect(ofInstance(id)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
