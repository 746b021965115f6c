/** The patrol app (网格巡查) for grid workers: a second entry of the console's Vite build, served at /patrol/. */
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { PatrolApp } from './PatrolApp.tsx';
import './patrol.css';

render(<PatrolApp />, document.getElementById('app')!);

// The service worker caches the app shell so the app opens offline. Its scope is /patrol/ only: the staff
// console at / is never under it. It takes over at once (clientsClaim) and updates itself on the next visit.
// (Vite's dev server builds no service worker.)
const built = (import.meta as ImportMeta & { env?: { PROD?: boolean } }).env?.PROD === true;
if ('serviceWorker' in navigator && built) {
  void new Workbox('/patrol-sw.js', { scope: '/patrol/' }).register();
}
