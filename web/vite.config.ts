import path from 'node:path';
import { defineConfig } from 'vite';
import { patrolPwa } from './src/patrol/pwa-build.ts';

const root = path.dirname(new URL(import.meta.url).pathname);

// Three front ends, one build: the staff console (index.html, served at /), the grid workers' patrol app
// (patrol.html, served at /patrol/, an offline-capable PWA with its own service worker) and the residents'
// public portal (portal.html, served at /portal/). Both are static
// builds served by the CivicGrid server; in development, `npm run dev:web` proxies the API to a server
// started with `npm start`.
export default defineConfig({
  root,
  // The map chunk (MapLibre, ~1.1 MB) loads only on the console's map page; the patrol app precaches it.
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: {
        index: path.join(root, 'index.html'),
        patrol: path.join(root, 'patrol.html'),
        portal: path.join(root, 'portal.html'),
      },
    },
  },
  plugins: [patrolPwa('patrol.html')],
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
