// Builds the web app into web/dist. In development (`npx vite web`) it proxies the API and the
// WebSocket to a local server (HUBBUB_DEV_SERVER, default http://localhost:3000).
import { defineConfig } from 'vite';

const devServer = process.env.HUBBUB_DEV_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  // The app imports the SDK and the zod-free protocol modules (names, codes, limits) from
  // ../src; everything else of src/ stays out (eslint.config.js keeps it so).
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': devServer,
      '/ws': { target: devServer.replace(/^http/, 'ws'), ws: true },
    },
  },
});
