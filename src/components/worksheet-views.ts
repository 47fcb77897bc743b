// The worksheet, drafts and worksheet-start views as one lazily loaded chunk: loaded separately
// they shared small chunks that the browser found only after parsing each view, a second round
// of fetches (about 50 ms of an offline cold start).
import './drafts-page.js';
import './worksheet-page.js';
import './worksheet-start-page.js';
