import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../../workflows-module-options';
import { DEFAULT_SERVICE_NAME, type OtlpExportOptions } from './tracing-options';

/**
 * The standalone server's OpenTelemetry SDK: a Node tracer provider registered globally (with
 * the AsyncLocalStorage context manager and the W3C propagator), spans batched to an OTLP/HTTP
 * collector. Started when the module is built, before the runner claims anything; shut down
 * after the runner drained (Nest runs every `beforeApplicationShutdown` first), so the spans of
 * the last claims are flushed before the process exits.
 */
@Injectable()
export class OtlpTracingSdk implements OnApplicationShutdown {
  private readonly provider: NodeTracerProvider;
  /** Whether register() made this provider the global one (false when the host had set its own). */
  private readonly registered: boolean;

  constructor(@Inject(WORKFLOWS_OPTIONS) options: ResolvedWorkflowsOptions) {
    const otlp = (options.tracing as { otlp: OtlpExportOptions }).otlp;
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: otlp.serviceName ?? DEFAULT_SERVICE_NAME }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(otlp.endpoint) }))],
    });
    this.provider.register();
    const global = trace.getTracerProvider();
    this.registered = global instanceof ProxyTracerProvider && global.getDelegate() === this.provider;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.shutdown();
    // What register() installed goes too (another application in this process may register its
    // own), but only when it was ours: a provider the host registered first stays.
    if (this.registered) {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  }
}

/** As the OTLP specification builds it from OTEL_EXPORTER_OTLP_ENDPOINT: the signal's path appended. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
