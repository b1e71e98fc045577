import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer alone (`npm run build:renderer`): what the web host serves and what the end-to-end
 * tests drive. Relative asset URLs so the same output also loads from a file in Electron.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron 45 ships Chromium 142; the system Chromium is newer.
    target: 'chrome130',
    // The polyfill would be an inline script, which the CSP refuses; both targets support modulepreload.
    modulePreload: { polyfill: false },
  },
});
