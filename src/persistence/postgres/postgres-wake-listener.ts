import { Client, type ClientConfig } from 'pg';
import { RUNNABLE_CHANNEL } from './postgres-statements';

const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * Hears other processes' "a run became runnable" (PostgreSQL LISTEN on a dedicated connection)
 * and calls `onWake`. The connection reconnects by itself with backoff; after every (re)connect
 * it wakes once, since notifications sent while it was away are lost.
 */
export class PostgresWakeListener {
  private client?: Client;
  private stopped = false;
  private retryMs = MIN_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly settings: ClientConfig,
    private readonly onWake: () => void,
    private readonly log: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ ...this.settings, application_name: 'durable-workflows-listener' });
    client.on('notification', () => this.onWake());
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUNNABLE_CHANNEL}`);
    } catch (error) {
      this.reconnect(client, error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = MIN_RETRY_MS;
    this.onWake();
  }

  private reconnect(client: Client, error?: Error): void {
    if (this.stopped || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.retryTimer) return;
    this.log(`Wake-up connection lost${error ? ` (${error.message})` : ''}; reconnecting in ${this.retryMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
