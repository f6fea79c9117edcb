/**
 * `tracing: { otlp }`, the standalone server's tracing: an SDK of the process's own that batches
 * spans to an OTLP/HTTP collector, here a loopback server that records what it receives. The
 * host is a child process on the compiled module (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase } from '../support/databases';

interface ExportRequest {
  path: string;
  contentType: string | undefined;
  body: {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
      scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; parentSpanId?: string }> }>;
    }>;
  };
}

/** A collector on a loopback port: every export request it gets, parsed. */
async function startCollector() {
  const received: ExportRequest[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HOST = join(__dirname, '..', 'fixtures', 'tracing', 'otlp-host.js');

/** Runs the host process to its end; its output, for failure messages. */
function runHost(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HOST], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('tracing to an OTLP collector', () => {
  it('exports the run’s spans, under the given traceparent and with the service name, before the process exits', async () => {
    const collector = await startCollector();
    const database = await createTestDatabase('sqlite');
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const host = await runHost({
        DATABASE_URL: database.url,
        OTLP_ENDPOINT: collector.endpoint,
        SERVICE_NAME: 'workflows-under-test',
        TRACE_PARENT: `00-${traceId}-b7ad6b7169203331-01`,
      });
      expect(host).toEqual({ code: 0, output: 'closed\n' });

      expect(collector.received.map((req) => [req.path, req.contentType])).toEqual([['/v1/traces', 'application/json']]);
      const [exported] = collector.received[0].body.resourceSpans;
      expect(exported.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'workflows-under-test' } });
      const spans = exported.scopeSpans.flatMap((scope) => scope.spans);
      expect(spans.map((span) => [span.name, span.traceId]).sort()).toEqual([
        ['run greeting', traceId],
        ['step greet', traceId],
      ]);
      expect(spans.find((span) => span.name === 'run greeting')?.parentSpanId).toBe('b7ad6b7169203331');
    } finally {
      await collector.close();
      await database.drop();
    }
  });
});
