/**
 * Build-time pieces of the patrol app's progressive web app (runs in Node, from web/vite.config.ts):
 * its web app manifest and icons (drawn here, no binary files in the repository), and the service worker
 * (Workbox through vite-plugin-pwa) that precaches the patrol app's shell and nothing of the console.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { Plugin, Rolldown } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Where the app lives; the service worker controls this scope only (the console at / stays outside it). */
export const PATROL_SCOPE = '/patrol/';
const SW_FILE = 'patrol-sw.js';
const MANIFEST_FILE = 'patrol/manifest.webmanifest';

const MANIFEST = {
  id: PATROL_SCOPE,
  name: '网格巡查 CivicGrid',
  short_name: '网格巡查',
  description: '网格员上报、核查与巡查 · Grid workers report, verify and patrol, offline too',
  lang: 'zh-CN',
  start_url: PATROL_SCOPE,
  scope: PATROL_SCOPE,
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#f6f7f9',
  theme_color: '#b3261e',
  icons: [
    { src: `${PATROL_SCOPE}icons/icon-192.png`, sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: `${PATROL_SCOPE}icons/icon-512.png`, sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: `${PATROL_SCOPE}icons/maskable-512.png`, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

/** A 3×3 block of unit grid cells, one of them visited, on the brand red. `bleed`: a maskable icon. */
function iconSvg(bleed: boolean): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" ${bleed ? '' : 'rx="104"'} fill="#b3261e"/>
  <rect x="300" y="140" width="72" height="72" fill="#ffffff" opacity="0.9"/>
  <g fill="none" stroke="#ffffff" stroke-width="22" stroke-linecap="round" stroke-linejoin="round">
    <rect x="140" y="140" width="232" height="232" rx="10"/>
    <path d="M217 140v232M295 140v232M140 217h232M140 295h232"/>
  </g>
  <circle cx="217" cy="295" r="34" fill="#ffffff"/>
</svg>`;
}

/**
 * The files the patrol page needs: its entry chunk (the one built from `entryHtml`), the chunks it imports
 * (statically or lazily), their CSS and assets, and the files named in their code (MapLibre's worker).
 */
function patrolFiles(bundle: Rolldown.OutputBundle, entryHtml: string): Set<string> {
  const files = new Set<string>([entryHtml]);
  const byBase = new Map(Object.keys(bundle).map((name) => [path.posix.basename(name), name]));
  const visit = (name: string) => {
    if (files.has(name)) return;
    files.add(name);
    const output = bundle[name];
    if (!output) return;
    if (output.type === 'chunk') {
      for (const next of [...output.imports, ...output.dynamicImports]) visit(next);
      for (const css of output.viteMetadata?.importedCss ?? []) visit(css);
      for (const asset of output.viteMetadata?.importedAssets ?? []) visit(asset);
    }
    const text = output.type === 'chunk' ? output.code : typeof output.source === 'string' ? output.source : '';
    for (const [base, other] of byBase) if (text.includes(base)) visit(other);
  };
  for (const output of Object.values(bundle)) {
    if (output.type === 'chunk' && output.isEntry && output.facadeModuleId?.endsWith(`/${entryHtml}`)) {
      visit(output.fileName);
    }
  }
  return files;
}

/** The manifest, the icons, and the service worker for the patrol app (`entryHtml`: its page, patrol.html). */
export function patrolPwa(entryHtml = 'patrol.html'): Plugin[] {
  let shell = new Set<string>();
  const emitManifestAndIcons: Plugin = {
    name: 'civicgrid:patrol-pwa',
    apply: 'build',
    async generateBundle(_options, bundle) {
      shell = patrolFiles(bundle, entryHtml);
      this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: JSON.stringify(MANIFEST, null, 2) });
      shell.add(MANIFEST_FILE);
      for (const [fileName, size, bleed] of [
        ['patrol/icons/icon-192.png', 192, false],
        ['patrol/icons/icon-512.png', 512, false],
        ['patrol/icons/maskable-512.png', 512, true],
      ] as const) {
        const png = await sharp(Buffer.from(iconSvg(bleed)))
          .resize(size, size)
          .png()
          .toBuffer();
        this.emitFile({ type: 'asset', fileName, source: png });
        shell.add(fileName);
      }
    },
  };
  const serviceWorker = VitePWA({
    strategies: 'generateSW',
    filename: SW_FILE,
    scope: PATROL_SCOPE,
    // patrol.html carries its own manifest link, and main.tsx registers the worker (workbox-window): the
    // console's index.html gets nothing.
    manifest: false,
    injectRegister: false,
    registerType: 'autoUpdate',
    workbox: {
      cacheId: 'civicgrid-patrol',
      globPatterns: ['**/*.{html,js,css,png,svg,webmanifest}'],
      // Only the patrol app's shell: the console's pages and charts are not the phone's business.
      manifestTransforms: [(entries) => ({ manifest: entries.filter((entry) => shell.has(entry.url)), warnings: [] })],
      maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
      navigateFallback: `/${entryHtml}`,
      navigateFallbackAllowlist: [/^\/patrol(\/|$)/],
      navigateFallbackDenylist: [/^\/api\//],
      // No runtime caching: API answers never go into the service worker's caches (GET or not). The app
      // keeps what it needs offline in IndexedDB, for the signed-in worker, and clears it at sign-out.
      runtimeCaching: [],
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
    },
  });
  return [emitManifestAndIcons, ...serviceWorker];
}
