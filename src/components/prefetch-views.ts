// Imported first by main.ts, so it runs before the rest of the app is evaluated: on a worksheet
// or drafts address, the views' chunk starts loading then, rather than after the shell's first
// render. The shell imports the same modules when it needs them; a failure here is reported there.
if (/^\/(worksheet|drafts)(\/|$)/.test(location.pathname)) {
  void Promise.all([import('./worksheet-views.js'), import('../styles/form-styles.js')]).catch(() => undefined);
}
