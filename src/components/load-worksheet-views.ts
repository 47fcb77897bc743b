import { routeAt, WORKSHEET_ROUTES } from '../routing/route.js';

/**
 * The worksheet, drafts and their parts load when first needed (and are precached for offline),
 * so the guide opens with less script. Their shared styles are asked for beside them (the views
 * import them too), so both arrive in one round of fetches.
 */
export function loadWorksheetViews(): Promise<unknown> {
  return Promise.all([import('./worksheet-views.js'), import('../styles/form-styles.js')]);
}

// main.ts imports this module first, so on a worksheet or drafts address the views start loading
// before the rest of the app is evaluated rather than after the shell's first render. The shell
// asks again when it needs them (the same modules) and reports a failure there.
if (WORKSHEET_ROUTES.includes(routeAt(location.pathname).name)) void loadWorksheetViews().catch(() => undefined);
