import type { CreatedInstance, CreateInstanceInput } from '../engine/lifecycle/create-instances';
import type { DeletedInstance, DeleteInstanceOptions } from '../engine/lifecycle/delete-instance';
import type { SendEventInput, SentEvent } from '../engine/lifecycle/send-event';
import type { History, HistoryOptions } from '../engine/queries/history-query';
import type { InstancePage, ListInstancesOptions } from '../engine/queries/instance-queries';
import type { TickOptions } from '../engine/runner/runner';
import type { InstanceView } from '../engine/views';
import type { WorkflowSummary } from '../engine/workflows-api';
import { WorkflowsApiError, WorkflowsNetworkError } from './http-errors';

export interface HttpClientOptions {
  /** Where the API is mounted, e.g. `http://localhost:3000/api/workflows`. */
  baseUrl: string;
  /** Sent with every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** Retries of requests that are safe to repeat, on a network error, 429 or 5xx (default 2). */
  retries?: number;
  /** Before each retry, unless the server's Retry-After asks for longer (default 500 ms). */
  retryDelayMs?: number;
}

export type ActionResult = CreatedInstance & { ok: true };
export type DeleteAnswer = DeletedInstance & { ok: true };
export type TickAnswer = { processed: number; nextWakeAt?: string };

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string[];
  query?: Query;
  body?: unknown;
  /** Whether sending it twice does no harm (GETs; sends that carry an event id). */
  repeatable: boolean;
}

/**
 * The HTTP API as a typed client, on `fetch`: what the CLI speaks, and what a service in another
 * language's place would. Errors come back as WorkflowsApiError (with the server's code) or
 * WorkflowsNetworkError.
 */
export class WorkflowsHttpClient {
  private readonly baseUrl: string;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  listWorkflows(): Promise<{ workflows: WorkflowSummary[] }> {
    return this.send({ method: 'GET', path: ['workflows'], repeatable: true });
  }

  list(workflowName: string, options: ListInstancesOptions = {}): Promise<InstancePage> {
    return this.send({ method: 'GET', path: ['workflows', workflowName, 'instances'], query: { ...options }, repeatable: true });
  }

  get(workflowName: string, instanceId: string): Promise<InstanceView> {
    return this.send({ method: 'GET', path: ['workflows', workflowName, 'instances', instanceId], repeatable: true });
  }

  /** Not repeated: a create whose answer was lost would be refused the second time as a duplicate. */
  create(workflowName: string, input: CreateInstanceInput = {}): Promise<CreatedInstance> {
    return this.send({ method: 'POST', path: ['workflows', workflowName, 'instances'], body: input, repeatable: false });
  }

  /**
   * Not repeated: a repeat is safe (existing ids are skipped) but would answer as created only
   * what the lost first answer did not, so the count would mislead.
   */
  createBatch(workflowName: string, instances: CreateInstanceInput[]): Promise<{ instances: CreatedInstance[] }> {
    return this.send({ method: 'POST', path: ['workflows', workflowName, 'instances', 'batch'], body: { instances }, repeatable: false });
  }

  history(workflowName: string, instanceId: string, options: HistoryOptions = {}): Promise<History> {
    return this.send({ method: 'GET', path: ['workflows', workflowName, 'instances', instanceId, 'history'], query: { ...options }, repeatable: true });
  }

  manage(action: 'pause' | 'resume' | 'restart' | 'terminate', workflowName: string, instanceId: string): Promise<ActionResult> {
    return this.send({ method: 'POST', path: ['workflows', workflowName, 'instances', instanceId, action], repeatable: false });
  }

  /**
   * Deletes a finished instance (a live one only with `force`). Not repeated: a delete whose
   * answer was lost would be answered 404 the second time.
   */
  delete(workflowName: string, instanceId: string, options: DeleteInstanceOptions = {}): Promise<DeleteAnswer> {
    return this.send({ method: 'DELETE', path: ['workflows', workflowName, 'instances', instanceId], query: { force: options.force }, repeatable: false });
  }

  sendEvent(workflowName: string, instanceId: string, event: SendEventInput): Promise<SentEvent> {
    return this.send({ method: 'POST', path: ['workflows', workflowName, 'instances', instanceId, 'events'], body: event, repeatable: event.id !== undefined });
  }

  tick(options: TickOptions = {}): Promise<TickAnswer> {
    return this.send({ method: 'POST', path: ['_runner', 'tick'], body: options, repeatable: false });
  }

  private async send<T>(call: Call): Promise<T> {
    const url = this.urlOf(call);
    const attempts = 1 + (call.repeatable ? (this.options.retries ?? 2) : 0);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.once(call, url);
      if (outcome.ok) return outcome.value as T;
      if (attempt >= attempts || !outcome.retryable) throw outcome.error;
      await new Promise((resolve) => setTimeout(resolve, Math.max(this.options.retryDelayMs ?? 500, outcome.retryAfterMs)));
    }
  }

  /** The caller's headers replace the defaults whatever their case (`Accept` replaces `accept`). */
  private headersFor(call: Call): Headers {
    const headers = new Headers({ accept: 'application/json', ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) });
    for (const [name, value] of Object.entries(this.options.headers ?? {})) headers.set(name, value);
    return headers;
  }

  private async once(call: Call, url: string): Promise<{ ok: true; value: unknown } | { ok: false; error: Error; retryable: boolean; retryAfterMs: number }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers: this.headersFor(call),
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      return { ok: false, error: new WorkflowsNetworkError(url, reasonOf(error)), retryable: true, retryAfterMs: 0 };
    }
    const text = await response.text();
    const body = parseBody(text);
    if (response.ok) return { ok: true, value: body };
    const envelope = (body ?? {}) as { message?: unknown; code?: unknown; details?: unknown };
    const error = new WorkflowsApiError(
      response.status,
      typeof envelope.code === 'string' ? envelope.code : `HTTP_${response.status}`,
      typeof envelope.message === 'string' ? envelope.message : text || response.statusText,
      typeof envelope.details === 'object' && envelope.details !== null ? (envelope.details as Record<string, unknown>) : undefined,
    );
    const retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000 || 0;
    return { ok: false, error, retryable: response.status === 429 || response.status >= 500, retryAfterMs: Math.min(retryAfterMs, 30_000) };
  }

  /** Path segments are URL-encoded; undefined query values are left out. */
  private urlOf(call: Call): string {
    const path = call.path.map((segment) => encodeURIComponent(segment)).join('/');
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.set(name, String(value));
    const search = query.toString();
    return `${this.baseUrl}/${path}${search ? `?${search}` : ''}`;
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
