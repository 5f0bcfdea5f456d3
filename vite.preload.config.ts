import { defineConfig } from 'vite';

// The preload runs sandboxed, where only CommonJS works: bundle it (with the channel registry) into one .cjs file.
export default defineConfig({
  build: {
    lib: { entry: 'electron/preload/index.ts', formats: ['cjs'], fileName: () => 'index.cjs' },
    outDir: 'dist/electron/preload',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    rollupOptions: { external: ['electron'] },
  },
});
