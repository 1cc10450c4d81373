import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built once and served both by Electron's app:// protocol and by web mode.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'esnext', sourcemap: true },
});
