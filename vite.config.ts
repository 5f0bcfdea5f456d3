import { defineConfig } from 'vite';

// The dashboard: built to dist/renderer, served by the coordinator at / and loaded by the desktop app.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
