/** `WorkflowsModuleOptions.tracing` when it is not a plain on/off. */
export interface TracingOptions {
  /**
   * Also start an OpenTelemetry SDK in this process that exports spans to an OTLP/HTTP
   * collector: for the standalone server (OTEL_EXPORTER_OTLP_ENDPOINT). A host application with
   * its own tracer provider leaves it out: the spans go to that provider.
   */
  otlp?: OtlpExportOptions;
}

export interface OtlpExportOptions {
  /** The collector's base URL (`http://collector:4318`); spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** The `service.name` resource attribute (default `durable-workflows`). */
  serviceName?: string;
}

export const DEFAULT_SERVICE_NAME = 'durable-workflows';
