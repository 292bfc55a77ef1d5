// One jest run covers the three tiers of STYLE.md: unit (*.spec.ts), integration
// (*.int-spec.ts) and end-to-end (test/**/*.e2e-spec.ts). NestJS 12 ships ES modules, so
// @swc/jest turns them (and our TypeScript) into CommonJS for jest on Node 20.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const aliases = {
  '^@app/(domain|config|persistence|jobs|scoring|testing)$': '<rootDir>/libs/$1/src',
  '^@app/(domain|config|persistence|jobs|scoring|testing)/(.*)$': '<rootDir>/libs/$1/src/$2',
  '^@api/(.*)$': '<rootDir>/apps/api/src/$1',
  '^@worker/(.*)$': '<rootDir>/apps/worker/src/$1',
  '^@web/(.*)$': '<rootDir>/apps/web/src/$1',
  // the console's browser modules import each other by their .js names (apps/web/client)
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '(\\.spec|\\.int-spec|\\.e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json', 'mjs'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@apollo|@as-integrations|graphql-ws)/)'],
  moduleNameMapper: aliases,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testTimeout: 60000,
};
