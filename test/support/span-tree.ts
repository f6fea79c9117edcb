import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const byStart = (a: ReadableSpan, b: ReadableSpan) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];

/**
 * Finished spans as a tree drawn in text, children in the order they started, each span drawn by
 * `line`. Spans whose parent is not among them hang under a line naming that parent (a remote
 * one, such as a stored traceparent) or under `(root)`.
 */
export function spanTree(spans: ReadableSpan[], line: (span: ReadableSpan) => string): string[] {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const out: string[] = [];
  const draw = (children: ReadableSpan[], indent: string) =>
    [...children].sort(byStart).forEach((span, index, all) => {
      const last = index === all.length - 1;
      out.push(`${indent}${last ? '└─ ' : '├─ '}${line(span)}`);
      draw(spans.filter((child) => parentOf(child) === span.spanContext().spanId), `${indent}${last ? '   ' : '│  '}`);
    });
  const outerParents = [...new Set(spans.filter((span) => !ids.has(parentOf(span) ?? '')).map((span) => parentOf(span) ?? null))];
  for (const parent of outerParents) {
    const first = spans.find((span) => (parentOf(span) ?? null) === parent)!;
    out.push(parent === null ? '(root)' : `(parent ${first.spanContext().traceId}/${parent}${first.parentSpanContext?.isRemote ? ', remote' : ''})`);
    draw(spans.filter((span) => (parentOf(span) ?? null) === parent), '');
  }
  return out;
}

/** A span's name, status, attributes and events on one line: what a trace viewer shows of it. */
export function describeSpan(span: ReadableSpan): string {
  const attributes = Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const status = span.status.code === 2 ? [`status=ERROR(${span.status.message})`] : [];
  const events = span.events.map((event) => `event ${event.name}${event.attributes ? ` ${JSON.stringify(event.attributes)}` : ''}`);
  return [span.name, ...status, ...attributes, ...events].join('  ');
}
