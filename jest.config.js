/** Jest runs TypeScript through SWC: ts-jest cannot load NestJS 12's ESM packages on this toolchain. */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 20000,
  // Most tests wait on I/O (databases, child processes), so more workers than this machine's 2
  // cores pay off; beyond 3 the heavy multi-process suites starve each other of CPU and poll
  // longer (measured for the whole suite: 1 worker, jest's default here, ~160 s; 2: ~110 s;
  // 3: 100-110 s; 4 to 6: 97-107 s, more CPU, and timing-sensitive tests failed).
  maxWorkers: 3,
};
