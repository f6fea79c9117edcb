import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const BIN = '/usr/bin';
const VERSION = '15';

/**
 * Whether this machine can host throw-away PostgreSQL clusters: Debian's postgresql-common
 * wrappers and the server binaries of version 15. Creating one also needs the rights of root (or
 * of the postgres user).
 */
export function canCreatePostgresClusters(): boolean {
  return existsSync(`${BIN}/pg_createcluster`) && existsSync(`/usr/lib/postgresql/${VERSION}/bin/postgres`);
}

/**
 * A PostgreSQL 15 cluster of its own (`pg_createcluster`), on a free port of 127.0.0.1 with trust
 * auth for user postgres, which a test may stop, restart and whose backends it may kill without
 * touching any other server. `drop()` stops and deletes it.
 */
export interface PostgresCluster {
  readonly name: string;
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(database: string): Promise<void>;
  start(): Promise<void>;
  /** A fast shutdown: open sessions are disconnected. Resolves once the server is down. */
  stop(): Promise<void>;
  /** Stop (fast) then start. Resolves once the server accepts connections again. */
  restart(): Promise<void>;
  /** Terminates every session on `database` (optionally only those of `applicationName`); returns how many. */
  terminateBackends(database: string, applicationName?: string): Promise<number>;
  /**
   * A statement on `database` over a connection kept for the next call; a connection that died
   * (a restart, a terminated backend) is replaced, and the statement sent again, up to 3 times.
   */
  query<T = Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops the cluster and deletes it (configuration, data and log). Safe to call twice. */
  drop(): Promise<void>;
}

/** Creates and starts a cluster with a name unique to this run. */
export async function createPostgresCluster(): Promise<PostgresCluster> {
  let lastError: unknown;
  // A port free a moment ago may be taken by the time the server binds it: try another.
  for (let attempt = 1; attempt <= 5; attempt++) {
    const name = `fault_${process.pid}_${randomBytes(4).toString('hex')}`;
    const port = await freePort();
    const cluster = new Cluster(name, port);
    try {
      await cluster.create();
      await cluster.start();
      return cluster;
    } catch (error) {
      lastError = error;
      await cluster.drop().catch(() => undefined);
    }
  }
  throw new Error(`Could not create a PostgreSQL cluster: ${(lastError as Error).message}`);
}

/** A TCP port nobody listens on right now, as the kernel hands out for listen(0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('listen(0) gave no port'))));
    });
  });
}

const CONNECTION_ERROR = /Connection terminated|not queryable|Connection ended|ECONNREFUSED|ECONNRESET|EPIPE|the database system is (starting up|shutting down)/i;

function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // 08: connection exception; 57P: admin shutdown, crash shutdown, cannot connect now.
  return (typeof code === 'string' && /^(08|57P)/.test(code)) || CONNECTION_ERROR.test(String(message ?? error));
}

class Cluster implements PostgresCluster {
  private readonly clients = new Map<string, { client: Client; connected: Promise<unknown> }>();
  private created = false;
  private dropped = false;

  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async create(): Promise<void> {
    this.created = true;
    await run(`${BIN}/pg_createcluster`, [
      VERSION,
      this.name,
      '-p',
      String(this.port),
      '--start-conf=manual',
      '--',
      '--auth=trust',
    ]);
    // Whatever defaults createcluster.conf carries: TCP on 127.0.0.1 only (a later line wins), and
    // user postgres gets in without a password.
    const config = `/etc/postgresql/${VERSION}/${this.name}`;
    appendFileSync(`${config}/postgresql.conf`, "\n# fault suite\nlisten_addresses = '127.0.0.1'\nmax_connections = 100\n");
    writeFileSync(
      `${config}/pg_hba.conf`,
      ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host all all ::1/128 trust', ''].join('\n'),
    );
  }

  async createDatabase(database: string): Promise<void> {
    await this.query('postgres', `CREATE DATABASE ${database}`);
  }

  async start(): Promise<void> {
    await this.ctl('start');
    await this.query('postgres', 'SELECT 1');
  }

  async stop(): Promise<void> {
    await this.ctl('stop');
  }

  async restart(): Promise<void> {
    await this.ctl('restart');
    await this.query('postgres', 'SELECT 1');
  }

  async terminateBackends(database: string, applicationName?: string): Promise<number> {
    const rows = await this.query<{ terminated: boolean }>(
      'postgres',
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()${applicationName === undefined ? '' : ' AND application_name = $2'}`,
      applicationName === undefined ? [database] : [database, applicationName],
    );
    return rows.filter((row) => row.terminated).length;
  }

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.client(database);
        return (await client.query(sql, params)).rows as T[];
      } catch (error) {
        this.forget(database);
        if (!isConnectionError(error) || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  async drop(): Promise<void> {
    if (!this.created || this.dropped) return;
    this.dropped = true;
    for (const database of [...this.clients.keys()]) this.forget(database);
    await run(`${BIN}/pg_dropcluster`, ['--stop', VERSION, this.name]);
  }

  private async ctl(action: 'start' | 'stop' | 'restart'): Promise<void> {
    await run(`${BIN}/pg_ctlcluster`, ['--skip-systemctl-redirect', VERSION, this.name, action]);
  }

  private async client(database: string): Promise<Client> {
    const existing = this.clients.get(database);
    if (existing) {
      await existing.connected;
      return existing.client;
    }
    const client = new Client({ connectionString: this.url(database), application_name: 'fault-suite-admin', connectionTimeoutMillis: 5_000 });
    // A terminated backend or a restart arrives as an 'error' event: forget the connection.
    client.on('error', () => this.forget(database, client));
    client.on('end', () => this.forget(database, client));
    const connected = client.connect();
    this.clients.set(database, { client, connected });
    await connected;
    return client;
  }

  private forget(database: string, client = this.clients.get(database)?.client): void {
    if (!client || this.clients.get(database)?.client !== client) return;
    this.clients.delete(database);
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
  }
}
