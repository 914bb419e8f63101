// Vite build for the Tideline UI: relative asset paths (the Tauri shell loads dist/ from disk),
// no external resources (strict CSP), and the vitest settings for the pure-module unit tests.
/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is bundled JS either way; WebKitGTK/WebView2 support modulepreload natively.
    modulePreload: { polyfill: false },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
