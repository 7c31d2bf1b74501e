import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Production build of the window's front end. Tauri loads `ui/dist` (see tauri.conf.json at the repo root).
export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // ECharts is large; a single chunk is fine for a desktop app that loads from disk.
    chunkSizeWarningLimit: 2000,
  },
});
