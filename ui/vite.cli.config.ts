import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// The chart renderer of `npsdesk export chart`: one self-contained Node module (ECharts and the chart builders
// bundled in), ui/dist-cli/chart.mjs.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  ssr: { noExternal: true },
  build: {
    ssr: resolve(import.meta.dirname, 'src/cli/chart.ts'),
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'chart.mjs', format: 'es' } },
  },
});
