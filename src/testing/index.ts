/**
 * `durable-workflows/testing`: test workflows without a server, a scheduler or real waiting
 * (docs/testing.md).
 */
export { createTestEngine, TestEngine, type TestEngineOptions } from './test-engine';
export type { StepMock } from './step-mocks';
