// Builds the web app into web/dist. In development (`npx vite web`) it proxies the API and the
// WebSocket to a local server (HUBBUB_DEV_SERVER, default http://localhost:3000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const devServer = process.env.HUBBUB_DEV_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  // The app imports the SDK and protocol from ../src; everything else of src/ stays out.
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // The protocol's schemas are the server's business; see src/zod-stub.ts.
    alias: { zod: fileURLToPath(new URL('src/zod-stub.ts', import.meta.url)) },
  },
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
