import './components/load-worksheet-views.js';
import { Workbox } from 'workbox-window';
import './components/app-shell.js';
import { SW_URL } from '../sw/messages.js';
import { ensureControlled } from './net/ensure-controlled.js';
import { globalStyles } from './styles/global-styles.js';
import { sharedStyles } from './styles/shared-styles.js';
import { shellStyles } from './styles/shell-styles.js';

// Page-level styles are adopted rather than inlined, so the CSP needs no 'unsafe-inline'.
document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((s) => s.styleSheet!);

// The service worker makes every page of the kit open offline after the first visit.
if ('serviceWorker' in navigator) {
  const workbox = new Workbox(SW_URL);
  const shell = document.querySelector('app-shell');
  if (shell) shell.workbox = workbox;
  const registering = workbox.register();
  if (shell) shell.registering = registering;
  void registering.then(() => ensureControlled(navigator.serviceWorker));
}
