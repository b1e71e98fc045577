import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * The three Electron bundles. Main and preload bundle their own code and dependencies, so the
 * packaged app needs no node_modules except what cannot be bundled (see docs/architecture.md,
 * "Desktop packaging"); main never imports server/, so none of the API's packages end up in it.
 */
const root = import.meta.dirname;

/** Native (N-API) modules load their platform binary at run time and stay outside the bundle. */
const unbundled = ['@napi-rs/keyring', /^@napi-rs\/keyring-/];

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/main/index.ts') },
        external: unbundled,
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload is plain script: CommonJS with everything but `electron` bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The polyfill would be an inline script, which the CSP refuses (same as vite.renderer.config.ts).
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
