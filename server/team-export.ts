import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildGuidesFromDir } from '../scripts/content/build-guides.js';
import { buildWorksheet } from '../scripts/content/build-worksheet.js';
import type { Worksheet } from '../src/content/worksheet.js';
import { lastEdited, type Draft } from '../src/data/draft.js';
import {
  draftsToJson,
  draftToJson,
  draftToMarkdown,
  exportFileName,
  type Bylines,
} from '../src/export/draft-export.js';
import { draftsToCsv } from '../src/export/drafts-csv.js';
import type { ServerDraft } from '../src/sync/protocol.js';
import type { SyncStore } from './sync/sync-store.js';
import { ExportFolderError, ExportStoppedError } from './export-errors.js';

/** Drafts read from the database a page at a time. */
const PAGE = 500;

/** The team's record names whose change every answer is: no device of the team is "this one". */
function everyAnswer(draft: Draft): Bylines {
  return (key) => {
    const field = draft.fields[key];
    return field && { by: field.changedBy, at: field.changedAt };
  };
}

/** The worksheet as the build makes it, from the guidance and `worksheet.yaml` in `contentDir`. */
export async function worksheetFromContent(contentDir: string): Promise<Worksheet> {
  const { guides } = await buildGuidesFromDir(contentDir);
  return buildWorksheet('worksheet.yaml', await readFile(path.join(contentDir, 'worksheet.yaml'), 'utf8'), guides);
}

/**
 * A draft as the team's server holds it, as the app's export gives it (each change named for the
 * device that made it): a file the app imports.
 */
export function draftOfTeam(d: ServerDraft): Draft {
  const fields = Object.fromEntries(
    Object.entries(d.fields).map(([key, f]) => [
      key,
      // A teammate's other answer, not yet chosen between, is part of the record too.
      { value: f.value, changedAt: f.changedAt, changedBy: f.changedBy, conflict: f.conflict ?? null },
    ]),
  );
  const draft: Draft = {
    id: d.id,
    worksheetId: d.worksheetId,
    worksheetVersion: d.worksheetVersion,
    createdAt: d.createdAt,
    updatedAt: d.createdAt,
    fields,
    deletedAt: null,
  };
  return { ...draft, updatedAt: lastEdited(draft) };
}

/**
 * Writes every draft a team holds (not the deleted ones) into `folder`, each as Markdown to read
 * and as JSON the app imports, named for its title, and all of them in `all-drafts.json` and as a
 * spreadsheet in `all-drafts.csv`: the team's record, for an agency's records
 * system, an information request, or before the team is deleted. `folder` must be new or empty.
 */
export async function exportTeam(
  store: SyncStore,
  teamId: string,
  folder: string,
  worksheet: Worksheet,
): Promise<{ drafts: number }> {
  // Readable by the account that made it only: the files hold what people in a community said.
  await mkdir(folder, { recursive: true, mode: 0o700 });
  if ((await readdir(folder)).length > 0)
    throw new ExportFolderError(`${folder} is not empty: name a new folder, so no file is overwritten.`);
  const names = new Set<string>(['all-drafts']);
  const all: Draft[] = [];
  /** The files this export has written, taken out again if it stops part way. */
  const written: string[] = [];
  // `wx`: should a file appear meanwhile, the export stops rather than overwrite it.
  const write = async (file: string, text: string): Promise<void> => {
    await writeFile(path.join(folder, file), text, { flag: 'wx', mode: 0o600 });
    written.push(file);
  };
  try {
    for (let since = 0; ;) {
      const page = await store.pull(teamId, since, PAGE);
      for (const held of page.drafts) {
        if (held.deletedAt !== null) continue;
        const draft = draftOfTeam(held);
        let name = exportFileName(draft, 'md').replace(/\.md$/, '');
        // Two drafts of one title (a consultation run twice) each keep their own files.
        if (names.has(name)) name = `${name}-${draft.id.slice(-12)}`;
        names.add(name);
        await write(`${name}.md`, draftToMarkdown(draft, worksheet, everyAnswer(draft)));
        await write(`${name}.json`, draftToJson(draft));
        all.push(draft);
      }
      if (!page.more) break;
      since = page.cursor;
    }
    // Every draft in one file as well, which the app imports at once ("Import drafts").
    await write('all-drafts.json', draftsToJson(all));
    // And as a spreadsheet, a row a draft, to read the team's consultations side by side.
    await write('all-drafts.csv', draftsToCsv(all, worksheet));
  } catch (error) {
    // Half an export looks like a whole one to whoever opens the folder later: none of it stays.
    await Promise.all(written.map((file) => rm(path.join(folder, file), { force: true })));
    throw new ExportStoppedError(folder, error);
  }
  return { drafts: all.length };
}
