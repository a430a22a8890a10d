import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console, built into dist/web and served by the function app at /api/console/ (same origin as
 * the API). No inline script or style is emitted, so the strict Content Security Policy holds.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/api/console/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Every asset is a file: `data:` fonts or scripts would need a looser policy.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
  },
});
