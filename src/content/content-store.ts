import { GUIDE_INDEX_URL, type Guide, type GuideIndex, type GuideSummary } from './guide.js';
import { WORKSHEET_URL, type Worksheet } from './worksheet.js';
import { appBase } from '../routing/app-base.js';

/** Guidance or the worksheet could not be fetched, or was not what the build writes. */
export class ContentLoadError extends Error {
  override name = 'ContentLoadError';
}

function isGuideIndex(value: unknown): value is GuideIndex {
  const guides = (value as Partial<GuideIndex> | null)?.guides;
  return Array.isArray(guides) && guides.every((g: Partial<GuideSummary>) => typeof g.slug === 'string' && typeof g.url === 'string');
}

function isGuide(value: unknown): value is Guide {
  const g = value as Partial<Guide> | null;
  return typeof g?.slug === 'string' && typeof g.title === 'string' && Array.isArray(g.sections);
}

function isWorksheet(value: unknown): value is Worksheet {
  const w = value as Partial<Worksheet> | null;
  return typeof w?.id === 'string' && typeof w.version === 'number' && Array.isArray(w.questions);
}

/**
 * Loads the built guidance and worksheet. Each file is fetched once per page; after the first visit the
 * service worker answers from its precache, so this works offline.
 */
export class ContentStore {
  private _index: Promise<GuideIndex> | undefined;
  private readonly _guides = new Map<string, Promise<Guide>>();
  private _worksheet: Promise<Worksheet> | undefined;

  /**
   * @param base prefix for the build's absolute URLs: the kit's path (see appBase), or, for tests
   *   that serve `dist/` below the root, theirs
   * @param onNetworkError told when a fetch fails for want of a network
   */
  constructor(
    private readonly base = appBase().slice(0, -1),
    private readonly onNetworkError: () => void = () => undefined,
  ) {}

  index(): Promise<GuideIndex> {
    this._index ??= this._fetchJson(GUIDE_INDEX_URL, isGuideIndex).catch((error: unknown) => {
      this._index = undefined; // let a retry after a failure fetch again
      throw error;
    });
    return this._index;
  }

  /** The guide with this slug, or `null` when the kit has no such guide. */
  async guide(slug: string): Promise<Guide | null> {
    const summary = (await this.index()).guides.find((g) => g.slug === slug);
    if (!summary) return null;
    let guide = this._guides.get(summary.url);
    if (!guide) {
      guide = this._fetchJson(summary.url, isGuide);
      this._guides.set(summary.url, guide);
      guide.catch(() => this._guides.delete(summary.url));
    }
    return guide;
  }

  worksheet(): Promise<Worksheet> {
    this._worksheet ??= this._fetchJson(WORKSHEET_URL, isWorksheet).catch((error: unknown) => {
      this._worksheet = undefined;
      throw error;
    });
    return this._worksheet;
  }

  private async _fetchJson<T>(url: string, check: (value: unknown) => value is T): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.base + url);
    } catch (error) {
      this.onNetworkError();
      throw new ContentLoadError(`The kit’s content could not be loaded (${String(error)}).`);
    }
    if (!response.ok) throw new ContentLoadError(`The kit’s content could not be loaded (HTTP ${response.status}).`);
    const value: unknown = await response.json().catch(() => null);
    if (!check(value)) throw new ContentLoadError('The kit’s content files are damaged: reload the app to fetch them again.');
    return value;
  }
}
