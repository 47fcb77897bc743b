import './components/load-worksheet-views.js';
import './components/app-shell.js';
import { SW_URL } from '../sw/messages.js';
import { appPath } from './routing/app-base.js';
import { ensureControlled } from './net/ensure-controlled.js';
import { globalStyles } from './styles/global-styles.js';
import { sharedStyles } from './styles/shared-styles.js';
import { shellStyles } from './styles/shell-styles.js';

// Page-level styles are adopted rather than inlined, so the CSP needs no 'unsafe-inline'.
document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((s) => s.styleSheet!);

// The service worker makes every page of the kit open offline after the first visit. Its
// helper loads after the page's own script rather than as part of it: nothing on screen waits
// for it, and on a weak signal the first view comes that much sooner.
if ('serviceWorker' in navigator) {
  const shell = document.querySelector('app-shell');
  const registering = import('workbox-window').then(({ Workbox }) => {
    const workbox = new Workbox(appPath(SW_URL));
    if (shell) shell.workbox = workbox;
    return workbox.register();
  });
  if (shell) shell.registering = registering;
  void registering.then(() => ensureControlled(navigator.serviceWorker));
}
