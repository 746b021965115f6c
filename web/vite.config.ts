import path from 'node:path';
import { defineConfig } from 'vite';

const root = path.dirname(new URL(import.meta.url).pathname);

// The console is a static build served by the CivicGrid server; in development, `npm run dev:web`
// proxies the API to a server started with `npm start`.
export default defineConfig({
  root,
  // The map chunk (MapLibre, ~1.1 MB) loads only on the map page.
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
