/** The public portal (市民服务) for residents: a third entry of the console's Vite build, served at /portal/. */
import { render } from 'preact';
import { Portal } from './Portal.tsx';
import './portal.css';

render(<Portal />, document.getElementById('app')!);
