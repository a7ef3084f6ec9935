import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The browser pages the service serves: the dashboard (Preact + uPlot) at /dashboard and the
 * GraphiQL explorer (React, Monaco) on GET /graphql. Both are built into dist/web with every
 * asset under /dashboard/assets/, so the pages work offline and load nothing from elsewhere.
 */
export default defineConfig({
  root: __dirname,
  base: '/dashboard/',
  publicDir: false,
  build: {
    outDir: resolve(__dirname, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000, // GraphiQL's editor (Monaco) is large; the dashboard's own chunk is small
    rollupOptions: {
      input: { dashboard: resolve(__dirname, 'index.html'), graphiql: resolve(__dirname, 'graphiql/index.html') },
      // GraphiQL's React libraries mark modules "use client" (for server-rendering frameworks): meaningless in a bundle.
      onwarn: (warning, warn) => warning.code === 'MODULE_LEVEL_DIRECTIVE' || warn(warning),
    },
  },
  // The explorer's workers are ES modules (graphiql/setup-workers/vite).
  worker: { format: 'es' },
});
