import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, parseServerEnvironment as loadServerConfig, type ServerConfig } from '../../src/config/server-config';
import { dataSourceOptions, DEFAULT_SQLITE_PATH } from '../../src/persistence/data-source-options';

/** The standalone server's environment (README, Configuration). */

const DEFAULTS: ServerConfig = {
  port: 3000,
  host: '0.0.0.0',
  basePath: '/api/workflows',
  databaseUrl: undefined,
  workflowsPaths: [],
  examples: true,
  runner: { enabled: true, pollIntervalMs: 1000, concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 10_000 },
  enableRunnerTick: false,
  authToken: undefined,
  docsPublic: false,
  http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
  logLevel: 'info',
  logFormat: 'json',
  logPayloads: false,
  cursorSecret: undefined,
  health: { checkTimeoutMs: 2000 },
  metrics: { token: undefined, refreshIntervalMs: 15_000 },
  retention: { period: undefined, intervalMs: 60_000, batchSize: 500 },
};

const VARIABLES = [
  'PORT',
  'HOST',
  'BASE_PATH',
  'DATABASE_URL',
  'WORKFLOWS_PATH',
  'EXAMPLES',
  'RUNNER_ENABLED',
  'RUNNER_POLL_INTERVAL_MS',
  'RUNNER_CONCURRENCY',
  'RUNNER_LEASE_MS',
  'RUNNER_SHUTDOWN_GRACE_MS',
  'ENABLE_RUNNER_TICK',
  'AUTH_TOKEN',
  'DOCS_PUBLIC',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'LOG_PAYLOADS',
  'CURSOR_SECRET',
  'HEALTH_CHECK_TIMEOUT_MS',
  'METRICS_TOKEN',
  'METRICS_REFRESH_INTERVAL_MS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'RETENTION_PERIOD',
  'RETENTION_INTERVAL_MS',
  'RETENTION_BATCH_SIZE',
];

/** The message `loadServerConfig(env)` throws with; fails the test when it does not throw an Error. */
function errorOf(env: Record<string, string | undefined>): string {
  let thrown: unknown;
  try {
    loadServerConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  return (thrown as Error).message;
}

describe('loadServerConfig: defaults', () => {
  it('an empty environment gives every default', () => {
    expect(loadServerConfig({})).toEqual(DEFAULTS);
  });

  it('unrelated variables are ignored', () => {
    expect(loadServerConfig({ HOME: '/root', PATH: '/usr/bin', NODE_ENV: 'production', port: '1234', Port: 'x' })).toEqual(DEFAULTS);
  });

  it('with DATABASE_URL unset the database is the SQLite file ./data/workflows.sqlite', () => {
    const config = loadServerConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(DEFAULT_SQLITE_PATH).toBe('./data/workflows.sqlite');
    const options = dataSourceOptions({ url: config.databaseUrl });
    expect(options.type).toBe('better-sqlite3');
    expect((options as { database: string }).database).toBe('./data/workflows.sqlite');
  });

  it('every variable set to an empty string counts as unset', () => {
    expect(loadServerConfig(Object.fromEntries(VARIABLES.map((name) => [name, ''])))).toEqual(DEFAULTS);
  });

  test.each(VARIABLES)('%s="" counts as unset', (name) => {
    expect(loadServerConfig({ [name]: '' })).toEqual(DEFAULTS);
  });

  it('a variable present but undefined counts as unset', () => {
    expect(loadServerConfig(Object.fromEntries(VARIABLES.map((name) => [name, undefined])))).toEqual(DEFAULTS);
  });
});

describe('loadServerConfig: every variable parsed', () => {
  test.each([
    ['PORT', '8080', { port: 8080 }],
    ['PORT', '0', { port: 0 }],
    ['PORT', '65535', { port: 65535 }],
    ['BASE_PATH', '/custom', { basePath: '/custom' }],
    ['BASE_PATH', '/v1/wf-api', { basePath: '/v1/wf-api' }],
    ['DATABASE_URL', 'postgres://user:secret@db.example:5432/workflows', { databaseUrl: 'postgres://user:secret@db.example:5432/workflows' }],
    ['DATABASE_URL', 'postgresql://localhost/workflows', { databaseUrl: 'postgresql://localhost/workflows' }],
    ['DATABASE_URL', 'sqlite:./other/place.sqlite', { databaseUrl: 'sqlite:./other/place.sqlite' }],
    ['DATABASE_URL', 'sqlite:/var/lib/wf.sqlite', { databaseUrl: 'sqlite:/var/lib/wf.sqlite' }],
    ['WORKFLOWS_PATH', './dist/workflows', { workflowsPaths: ['./dist/workflows'] }],
    ['WORKFLOWS_PATH', 'a.js,b/,/abs/c.mjs', { workflowsPaths: ['a.js', 'b/', '/abs/c.mjs'] }],
    ['WORKFLOWS_PATH', ' a.js , b ,, c ,', { workflowsPaths: ['a.js', 'b', 'c'] }],
    ['EXAMPLES', 'false', { examples: false }],
    ['EXAMPLES', 'true', { examples: true }],
    ['RUNNER_ENABLED', 'false', { runner: { ...DEFAULTS.runner, enabled: false } }],
    ['RUNNER_ENABLED', 'true', { runner: { ...DEFAULTS.runner, enabled: true } }],
    ['RUNNER_POLL_INTERVAL_MS', '250', { runner: { ...DEFAULTS.runner, pollIntervalMs: 250 } }],
    ['RUNNER_CONCURRENCY', '4', { runner: { ...DEFAULTS.runner, concurrency: 4 } }],
    ['RUNNER_CONCURRENCY', '1', { runner: { ...DEFAULTS.runner, concurrency: 1 } }],
    ['RUNNER_LEASE_MS', '60000', { runner: { ...DEFAULTS.runner, leaseMs: 60_000 } }],
    ['RUNNER_SHUTDOWN_GRACE_MS', '2500', { runner: { ...DEFAULTS.runner, shutdownGraceMs: 2500 } }],
    ['ENABLE_RUNNER_TICK', 'true', { enableRunnerTick: true }],
    ['ENABLE_RUNNER_TICK', 'false', { enableRunnerTick: false }],
    ['AUTH_TOKEN', 's3cret-token', { authToken: 's3cret-token' }],
    ['LOG_LEVEL', 'debug', { logLevel: 'debug' }],
    ['LOG_LEVEL', 'warn', { logLevel: 'warn' }],
    ['LOG_LEVEL', 'error', { logLevel: 'error' }],
    ['LOG_LEVEL', 'info', { logLevel: 'info' }],
    ['CURSOR_SECRET', 'a-cursor-secret-of-some-length', { cursorSecret: 'a-cursor-secret-of-some-length' }],
    ['HOST', '127.0.0.1', { host: '127.0.0.1' }],
    ['HOST', '::1', { host: '::1' }],
    ['HOST', 'workflows.internal', { host: 'workflows.internal' }],
    ['LOG_FORMAT', 'pretty', { logFormat: 'pretty' }],
    ['LOG_FORMAT', 'json', { logFormat: 'json' }],
    ['LOG_PAYLOADS', 'true', { logPayloads: true }],
  ] as [string, string, Partial<ServerConfig>][])('%s=%s', (name, value, expected) => {
    expect(loadServerConfig({ [name]: value })).toEqual({ ...DEFAULTS, ...expected });
  });

  it('all variables at once', () => {
    const config = loadServerConfig({
      PORT: '4000',
      BASE_PATH: '/wf',
      DATABASE_URL: 'postgres://u@h/db',
      WORKFLOWS_PATH: 'one,two',
      EXAMPLES: 'false',
      RUNNER_ENABLED: 'false',
      RUNNER_POLL_INTERVAL_MS: '500',
      RUNNER_CONCURRENCY: '3',
      RUNNER_LEASE_MS: '5000',
      RUNNER_SHUTDOWN_GRACE_MS: '0',
      ENABLE_RUNNER_TICK: 'true',
      AUTH_TOKEN: 'tok',
      DOCS_PUBLIC: 'true',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      LOG_LEVEL: 'warn',
      CURSOR_SECRET: '0123456789abcdef0123',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'pretty',
      LOG_PAYLOADS: 'true',
      HEALTH_CHECK_TIMEOUT_MS: '500',
      METRICS_TOKEN: 'scraper',
      METRICS_REFRESH_INTERVAL_MS: '60000',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'billing-workflows',
      RETENTION_PERIOD: '30 days',
      RETENTION_INTERVAL_MS: '120000',
      RETENTION_BATCH_SIZE: '100',
    });
    expect(config).toEqual({
      port: 4000,
      host: '127.0.0.1',
      basePath: '/wf',
      databaseUrl: 'postgres://u@h/db',
      workflowsPaths: ['one', 'two'],
      examples: false,
      runner: { enabled: false, pollIntervalMs: 500, concurrency: 3, leaseMs: 5000, shutdownGraceMs: 0 },
      enableRunnerTick: true,
      authToken: 'tok',
      docsPublic: true,
      http: { headersTimeoutMs: 2000, requestTimeoutMs: 4000 },
      logLevel: 'warn',
      logFormat: 'pretty',
      logPayloads: true,
      cursorSecret: '0123456789abcdef0123',
      health: { checkTimeoutMs: 500 },
      metrics: { token: 'scraper', refreshIntervalMs: 60_000 },
      otlp: { endpoint: 'http://127.0.0.1:4318', serviceName: 'billing-workflows' },
      retention: { period: '30 days', intervalMs: 120_000, batchSize: 100 },
    });
  });

  it("a wrong DATABASE_URL is named without its password", () => {
    const message = errorOf({ DATABASE_URL: 'postgress://app:S3cr3t@db/x' });
    expect(message).toMatch(/^DATABASE_URL must be /);
    expect(message).toContain('"postgress://app:***@db/x"');
    expect(message).not.toContain('S3cr3t');
  });

  it('RETENTION_PERIOD must be a duration or forever', () => {
    expect(loadServerConfig({ RETENTION_PERIOD: 'forever' }).retention.period).toBe('forever');
    expect(errorOf({ RETENTION_PERIOD: 'a while' })).toBe('RETENTION_PERIOD must be a duration like "30 days" (at most 100 years) or "forever" (got "a while")');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL', () => {
    expect(errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toBe(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL like http://collector:4318 (got "collector:4318")',
    );
  });

  it('DATABASE_URL postgres://… selects PostgreSQL with that URL', () => {
    const url = 'postgres://user@127.0.0.1:5432/wf';
    const options = dataSourceOptions({ url: loadServerConfig({ DATABASE_URL: url }).databaseUrl });
    expect(options.type).toBe('postgres');
    expect((options as { url: string }).url).toBe(url);
  });

  it('DATABASE_URL sqlite:<path> selects that SQLite file', () => {
    const file = join(tmpdir(), 'server-config-spec.sqlite');
    const options = dataSourceOptions({ url: loadServerConfig({ DATABASE_URL: `sqlite:${file}` }).databaseUrl });
    expect(options.type).toBe('better-sqlite3');
    expect((options as { database: string }).database).toBe(file);
  });
});

describe('loadServerConfig: invalid values stop start-up with a message naming the variable', () => {
  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '3000abc'],
    ['BASE_PATH', 'no-slash'],
    ['BASE_PATH', 'api/workflows'],
    ['BASE_PATH', '/has space'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'workflows.sqlite'],
    ['DATABASE_URL', 'postgres'],
    ['EXAMPLES', 'no'],
    ['RUNNER_ENABLED', 'yes'],
    ['RUNNER_ENABLED', '1'],
    ['RUNNER_POLL_INTERVAL_MS', 'often'],
    ['RUNNER_POLL_INTERVAL_MS', '-5'],
    ['RUNNER_CONCURRENCY', '0'],
    ['RUNNER_CONCURRENCY', '-2'],
    ['RUNNER_CONCURRENCY', 'ten'],
    ['RUNNER_CONCURRENCY', '2.5'],
    ['RUNNER_LEASE_MS', 'abc'],
    ['RUNNER_LEASE_MS', '0'],
    ['RUNNER_SHUTDOWN_GRACE_MS', '-1'],
    ['ENABLE_RUNNER_TICK', 'on'],
    ['LOG_LEVEL', 'loud'],
    ['HOST', 'not a host'],
    ['HOST', 'http://example.com'],
    ['LOG_FORMAT', 'yaml'],
    ['LOG_PAYLOADS', 'maybe'],
  ])('%s=%s', (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).toContain(name);
    expect(message).toContain(value);
    // Only the bad variable is blamed.
    for (const other of VARIABLES.filter((v) => v !== name && !v.startsWith(`${name}_`) && !name.includes(v))) {
      expect({ other, named: message.includes(other) }).toEqual({ other, named: false });
    }
  });

  it('several bad values are all listed in one line', () => {
    const bad = {
      PORT: 'abc',
      RUNNER_ENABLED: 'yes',
      RUNNER_CONCURRENCY: '0',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      BASE_PATH: 'no-slash',
    };
    const message = errorOf({ ...bad, AUTH_TOKEN: 'fine', EXAMPLES: 'false' });
    for (const [name, value] of Object.entries(bad)) {
      expect(message).toContain(name);
      expect(message).toContain(value);
    }
    expect(message).not.toContain('AUTH_TOKEN');
    expect(message).not.toContain('EXAMPLES');
    expect(message).not.toContain('\n');
    expect(message.split('; ')).toHaveLength(Object.keys(bad).length);
  });

  it('LOG_FORMAT defaults to pretty when stdout is a terminal', () => {
    expect(loadServerConfig({}, { stdoutIsTerminal: true }).logFormat).toBe('pretty');
    expect(loadServerConfig({ LOG_FORMAT: 'json' }, { stdoutIsTerminal: true }).logFormat).toBe('json');
  });

  it('the message does not leak AUTH_TOKEN when only another variable is wrong', () => {
    const message = errorOf({ PORT: 'abc', AUTH_TOKEN: 'super-secret-token' });
    expect(message).not.toContain('super-secret-token');
  });
});

describe('parseServerEnvironment: one message per kind of variable', () => {
  test.each([
    ['a whole number', { PORT: 'abc' }, 'PORT must be a whole number from 0 to 65535 (got "abc")'],
    ['a boolean', { RUNNER_ENABLED: 'yes' }, 'RUNNER_ENABLED must be true or false (got "yes")'],
    ['an enum', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, verbose (got "loud")'],
    ['a URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be postgres://user@host:port/database, postgresql://… or sqlite:<path> (got "mysql://x")'],
    ['a duration in ms', { RUNNER_LEASE_MS: '5s' }, 'RUNNER_LEASE_MS must be a duration in whole milliseconds from 1000 to 3600000 (got "5s")'],
    ['a secret too short, its value never repeated', { CURSOR_SECRET: 'short' }, 'CURSOR_SECRET must be at least 16 characters long (got 5 characters)'],
    ['an address', { HOST: 'no such host!' }, 'HOST must be an IP address or a host name (got "no such host!")'],
    [
      'two timeouts that contradict each other',
      { HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '4000' },
      'HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS (got 5000 and 4000)',
    ],
  ])('%s', (_kind, env, message) => {
    expect(errorOf(env)).toBe(message);
  });
});
