// Lint rules that fence the architecture of STYLE.md: imports go one way (apps -> libs;
// persistence -> domain; scoring and jobs -> domain only), and scoring stays pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const appsOnly = {
  group: ['apps/*', '**/apps/**', '@app/../apps/*'],
  message: 'libs never import from apps: move the shared piece into a lib.',
};
const noDeepRelative = {
  group: ['../../*'],
  message: 'Use a workspace alias (@app/...) rather than ../../ across features.',
};

function onlyFrom(allowedAliases, extraPatterns = []) {
  const all = ['domain', 'config', 'persistence', 'jobs', 'scoring', 'testing'];
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          appsOnly,
          noDeepRelative,
          ...extraPatterns,
          ...all
            .filter((lib) => !allowedAliases.includes(lib))
            .map((lib) => ({ group: [`@app/${lib}`, `@app/${lib}/*`], message: `this lib may not import @app/${lib}` })),
        ],
      },
    ],
  };
}

const frameworks = ['@nestjs/*', 'typeorm', 'typeorm/*', 'bullmq', 'ioredis', 'pg', 'fastify', 'graphql'].map((p) => ({
  group: [p],
  message: 'libs/scoring and libs/domain are pure: no framework, database or queue imports.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/out/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='describe'][callee.property.name='only']", message: 'no committed .only' },
        { selector: "CallExpression[callee.object.name='it'][callee.property.name='only']", message: 'no committed .only' },
        { selector: "CallExpression[callee.object.name='it'][callee.property.name='skip']", message: 'no skipped tests' },
        { selector: "CallExpression[callee.object.name='describe'][callee.property.name='skip']", message: 'no skipped tests' },
      ],
    },
  },
  { files: ['libs/domain/**/*.ts'], rules: onlyFrom([], frameworks) },
  {
    files: ['libs/scoring/**/*.ts'],
    rules: {
      ...onlyFrom(['domain'], frameworks),
      'no-restricted-globals': ['error', { name: 'process', message: 'scoring is pure: pass configuration in' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'scoring takes time as an argument' }],
    },
  },
  { files: ['libs/jobs/**/*.ts'], rules: onlyFrom(['domain'], frameworks.filter((p) => p.group[0] !== 'bullmq')) },
  { files: ['libs/config/**/*.ts'], rules: onlyFrom(['domain']) },
  { files: ['libs/persistence/**/*.ts'], rules: onlyFrom(['domain', 'config', 'jobs']) },
  { files: ['libs/testing/**/*.ts'], rules: onlyFrom(['domain', 'config', 'persistence', 'jobs', 'scoring']) },
  {
    files: ['apps/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noDeepRelative, { group: ['@app/testing', '@app/testing/*'], message: 'apps never import the test harness' }] }] },
  },
  {
    // jest loads its global setup outside the module mapper, so it reaches the libs by path
    files: ['libs/testing/src/jest/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
