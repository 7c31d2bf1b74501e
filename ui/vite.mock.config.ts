import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// A preview of the window with a mocked backend (`mock.html`), for looking at the UI in a plain browser.
// Never part of the production build: it writes to `dist-mock/`.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  build: {
    outDir: 'dist-mock',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: resolve(import.meta.dirname, 'mock.html'),
    },
  },
  preview: {
    port: 4179,
    strictPort: true,
  },
});
