// The deck opened by LibreOffice (`make test` installs it): `npm run office`. Kept apart from the unit tests
// because it needs `soffice` and `pdftoppm`, which a plain `npm test` machine may not have.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.office.ts'],
    testTimeout: 180_000,
  },
});
