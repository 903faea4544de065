import { mount } from 'svelte';
import App from './App.svelte';
import { reportError } from './lib/report.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount into');

export default mount(App, { target });

// Keeps the app itself in the browser, so that a room reloaded while the
// server is out of reach still opens (browsers offer service workers on
// HTTPS and localhost only; elsewhere the page needs the server to load).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => reportError('could not register the service worker', error));
}
