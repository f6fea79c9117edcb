import { ApiHeader } from '@nestjs/swagger';

/** The optional W3C trace context header of the create routes (docs/operations-tracing.md). */
export const ApiTraceParentHeader = () =>
  ApiHeader({
    name: 'traceparent',
    required: false,
    description:
      'W3C Trace Context: the created instances\u2019 runs and steps are traced as children of this span, in every process and ' +
      'after restarts. Stored with each instance; an invalid value is ignored.',
    example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
