import { startSyncServer } from '../test/support/app-server.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { importTool } from './bench-tools.js';
import type { Figure } from './figure.js';

/** What this benchmark reads of Lighthouse's result (its types live in bench/tools). */
interface Result {
  readonly categories: Record<
    string,
    { title: string; score: number | null; auditRefs: { id: string; weight: number }[] }
  >;
  readonly audits: Record<
    string,
    { title: string; score: number | null; scoreDisplayMode: string; displayValue?: string }
  >;
}
type Lighthouse = (url: string, flags: Record<string, unknown>) => Promise<{ lhr: Result } | undefined>;
interface ChromeLauncher {
  launch(options: { chromePath: string; chromeFlags: string[] }): Promise<{ port: number; kill(): Promise<void> }>;
}

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** The three pages staff use most, as a first visit on a phone (Lighthouse's mobile emulation). */
const PAGES: readonly { name: string; path: string }[] = [
  { name: 'guide', path: '/guide/social-media' },
  { name: 'worksheet', path: '/worksheet/new' },
  { name: 'drafts list', path: '/drafts' },
];

/** Lighthouse scores for the guide, the worksheet and the drafts list, with the audits that cost points. */
export async function lighthouseBench(distDir: string): Promise<Figure[]> {
  const { default: lighthouse } = await importTool<{ default: Lighthouse }>('lighthouse/core/index.js');
  const launcher = await importTool<ChromeLauncher>('chrome-launcher/dist/index.js');
  const server = await startSyncServer(distDir);
  const chrome = await launcher.launch({
    chromePath: chromiumPath(),
    chromeFlags: [...CHROMIUM_ARGS, '--headless=new'],
  });
  const figures: Figure[] = [];
  try {
    for (const page of PAGES) {
      const run = await lighthouse(`${server.origin}${page.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      if (!run) throw new Error(`Lighthouse returned nothing for ${page.path}`);
      for (const id of CATEGORIES) {
        const category = run.lhr.categories[id]!;
        // Weighted audits that did not score full marks: what this category lost points on.
        const lost = category.auditRefs
          .filter((ref) => ref.weight > 0)
          .map((ref) => ({ ref, audit: run.lhr.audits[ref.id]! }))
          .filter(({ audit }) => audit.score !== null && audit.score < 1)
          .map(
            ({ ref, audit }) =>
              `${ref.id} (${Math.round((audit.score ?? 0) * 100)}${audit.displayValue ? `, ${audit.displayValue}` : ''})`,
          );
        figures.push({
          name: `Lighthouse ${category.title.toLowerCase()}, ${page.name} (score)`,
          ours: Math.round((category.score ?? 0) * 100),
          limit: 100,
          limitName: 'full marks',
          budget: 1,
          kind: 'at-least',
          ...(lost.length ? { notes: [`cost points: ${lost.join('; ')}`] } : {}),
        });
      }
    }
  } finally {
    await chrome.kill();
    await server.close();
  }
  return figures;
}
