// Module boundaries (see docs/architecture.md): dependencies point one way, pure code loads no
// framework, nothing in src/ reaches into tests or benchmarks, and the browser pages in web/ stay apart
// from the service. `npm run lint:deps` checks them.
const DOMAINS = 'ingestion|heartbeat|health|dashboard|audit|alerting|auth-admin';
// Pure code: codecs, detectors, calculators, evaluators. No Nest, no mongoose, no GraphQL.
const PURE = [
  '^src/common/(clock|errors|labels|time|hash|pagination|objects)/',
  '^src/common/logging/redact\\.ts$',
  '^src/storage/(chunks|rollups)/',
  '^src/storage/wal/document-size\\.ts$',
  '^src/storage/timeseries/(part-codec|part-id|blob-framing|blob-compression|ledger-codec|wal-record|series-head|ingest-records|series-catalog|agent-label-index|tiers|part-catalog|raw-minutes|sample-columns)\\.ts$',
  '^src/ingestion/(batch-validator|field-rules|ingest-limits|row-sample-grouping)\\.ts$',
  '\\.errors\\.ts$',
  '^src/heartbeat/(detector|uptime)/',
  '^src/heartbeat/(agent-status|agent-state)\\.ts$',
  '^src/dashboard/aggregate\\.ts$',
  '^src/health/agent-health-assessor\\.ts$',
  '^src/dashboard/live/(live-window-aggregator|live-selection|window-exchange)\\.ts$',
  '^src/common/pubsub/bounded-queue\\.ts$',
  '^src/dashboard/query/',
  '^src/alerting/(evaluation|detectors)/',
  '^src/alerting/notifications/(routing|payloads)/',
  '^src/alerting/silences/silence-rules\\.ts$',
];

/** `from` may import only these of the domain modules (DESIGN: the module table). */
const allowed = {
  ingestion: ['storage', 'heartbeat', 'dashboard'],
  heartbeat: ['storage'],
  health: ['storage', 'heartbeat'],
  dashboard: ['storage'],
  audit: ['storage'],
  alerting: ['dashboard', 'heartbeat', 'audit', 'storage'],
  'auth-admin': ['audit', 'storage'],
};

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'storage-is-domain-free',
      comment: 'storage owns persistence and knows no domain module',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: `^src/(${DOMAINS})/` },
    },
    {
      name: 'common-imports-no-app',
      comment: 'common/ is cross-cutting and imports nothing of the app',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: `^src/(storage|${DOMAINS})/|^src/app\\.` },
    },
    ...Object.entries(allowed).map(([module, uses]) => ({
      name: `${module}-uses-only-${uses.join('-') || 'nothing'}`,
      severity: 'error',
      from: { path: `^src/${module}/` },
      to: { path: `^src/(${DOMAINS})/`, pathNot: [`^src/(${[module, ...uses].join('|')})/`] },
    })),
    {
      name: 'pure-code-loads-no-framework',
      severity: 'error',
      from: { path: PURE, pathNot: '\\.spec\\.ts$' },
      to: { path: '(^|/)node_modules/(@nestjs|mongoose|mongodb|graphql|@apollo|passport)' },
    },
    {
      name: 'pure-code-imports-pure-code',
      severity: 'error',
      comment: 'types (import type) may come from anywhere in src/, e.g. the GraphQL input classes a validator checks',
      from: { path: PURE, pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: PURE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-pages-use-only-the-api',
      comment: 'web/ is bundled for the browser: it talks to the service over GraphQL, never through its code',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|test|bench|scripts)/' },
    },
    {
      name: 'web-pages-load-no-node-builtins',
      severity: 'error',
      from: { path: '^web/', pathNot: '^web/vite\\.config\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'service-loads-no-web-pages',
      comment: 'the service serves dist/web as files; only tests may import web/ (to check its GraphQL documents)',
      severity: 'error',
      from: { path: '^(src|bench|scripts)/' },
      to: { path: '^web/' },
    },
    {
      name: 'src-imports-no-tests-or-benches',
      comment: 'only specs may use test/support',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench)/|\\.spec\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    exclude: { path: '^(dist|node_modules|\\.tools|data)/' },
  },
};
