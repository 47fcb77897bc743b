import { appPath } from '../routing/app-base.js';

/**
 * The shape of built guidance, shared by the build (which writes it) and the app (which renders
 * it). The build is the only producer, so the app trusts these types after one shape check.
 */

/** Where a guide came from and under what licence it is reused. */
export interface GuideAttribution {
  readonly publisher: string;
  readonly work: string;
  readonly licence: string;
  readonly licenceUrl: string;
  readonly changes?: string;
}

/** One entry of a guide's table of contents; `level` is the heading level (2 or 3). */
export interface TocEntry {
  readonly id: string;
  readonly title: string;
  readonly level: number;
}

/** A heading of the guide and the sanitised HTML that follows it up to the next heading. */
export interface GuideSection extends TocEntry {
  /** Other ids that also lead here, such as the heading's own slug when the guide names it otherwise. */
  readonly aliases: readonly string[];
  readonly html: string;
}

/** A whole guide as the app renders it. */
export interface Guide {
  readonly slug: string;
  readonly title: string;
  /** The guide's one-line description, shown under the title. */
  readonly summary: string;
  /** Sanitised HTML of the introduction before the first section. */
  readonly introHtml: string;
  readonly sections: readonly GuideSection[];
  /** ISO date (YYYY-MM-DD) the publisher last updated the guide, when it says so. */
  readonly updated: string | null;
  readonly attribution: GuideAttribution;
  /** The content file the guide was built from, relative to `content/`. */
  readonly source: string;
  /**
   * The guide's language and direction, when it is not the kit's own English: the page marks the
   * guide's text with them (WCAG 3.1.2), so it is read in that language's voice, and laid out
   * right to left where its script is.
   */
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
}

/** What the guide list needs without loading every guide. */
export interface GuideSummary {
  readonly slug: string;
  readonly title: string;
  readonly summary: string;
  readonly updated: string | null;
  readonly toc: readonly TocEntry[];
  /** URL of the guide's data file, content-hashed so it can be cached for ever. */
  readonly url: string;
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
}

export interface GuideIndex {
  readonly guides: readonly GuideSummary[];
}

/** URL of the guide index the build writes; not hashed, so it is always revalidated. */
export const GUIDE_INDEX_URL = '/content/guides.json';

/**
 * In-app path of a guide, and of one of its sections, under the kit's path (the build, at the
 * root: see inAppBase).
 */
export function guidePath(slug: string, sectionId?: string): string {
  return appPath(`/guide/${slug}${sectionId ? `#${sectionId}` : ''}`);
}
