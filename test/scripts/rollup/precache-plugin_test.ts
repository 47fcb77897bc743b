import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { rollup } from 'rollup';
import { nameWithWorker, precachePlugin } from '../../../scripts/rollup/precache-plugin.js';
import { tempDirWith } from '../../support/temp-dir.js';

const SHELL = '<!doctype html><meta charset="utf-8" />\n<meta name="efk-version" content="0.1.0+0123456789">\n';

/** Builds a worker of `code` into a folder holding an app shell named as the html plugin names it. */
async function buildWorker(code: string): Promise<{ name: string; shell: string; precached: string }> {
  const dir = await tempDirWith({ 'index.html': SHELL, 'sw-source.js': code });
  after(() => dir.cleanup());
  const bundle = await rollup({
    input: path.join(dir.dir, 'sw-source.js'),
    plugins: [precachePlugin({ outDir: dir.dir, swFile: 'sw.js' })],
    onLog: () => undefined,
  });
  await bundle.write({ file: path.join(dir.dir, 'sw.js'), format: 'iife' });
  await bundle.close();
  const shell = await readFile(path.join(dir.dir, 'index.html'), 'utf8');
  const name = /<meta name="efk-version" content="([^"]+)">/.exec(shell)![1]!;
  const manifest = /\[\{.*\}\]/s.exec(await readFile(path.join(dir.dir, 'sw.js'), 'utf8'))![0];
  const entry = (JSON.parse(manifest.replaceAll(/(\w+):/g, '"$1":')) as { url: string; revision: string }[]).find(
    (e) => e.url === 'index.html',
  )!;
  return { name, shell, precached: entry.revision };
}

describe('precachePlugin', () => {
  // A release that changed only the service worker kept the last one's name: a help desk comparing
  // a phone's Settings with /health could not tell whether the phone had taken it.
  it('names the build by its service worker too: the same worker, the same name; another, another', async () => {
    const worker = (line: string): string => `self.precached = self.__WB_MANIFEST;\n${line}\n`;
    const [one, same, other] = [
      await buildWorker(worker('self.addEventListener("fetch", () => undefined);')),
      await buildWorker(worker('self.addEventListener("fetch", () => undefined);')),
      await buildWorker(worker('self.addEventListener("push", () => undefined);')),
    ];
    assert.match(one.name, /^0\.1\.0\+[0-9a-f]{10}$/, 'the package’s version, then the build’s');
    assert.notEqual(one.name, '0.1.0+0123456789', 'the worker counts');
    assert.equal(same.name, one.name);
    assert.notEqual(other.name, one.name);
    // The precache list holds the shell as renamed, or phones would keep the one before.
    const md5 = createHash('md5').update(one.shell).digest('hex');
    assert.equal(one.precached, md5, 'the worker precaches the shell that names it');
  });

  // `npm run dev` rebuilds the worker alone when only it changes, finding the name it wrote itself.
  it('renames a shell it named already from the app’s hash, not from its own name', async () => {
    const dir = await tempDirWith({ 'index.html': SHELL, 'fresh.html': SHELL });
    after(() => dir.cleanup());
    const shell = path.join(dir.dir, 'index.html');
    const named = {};
    const first = await nameWithWorker(shell, 'one worker', named);
    assert.equal(await nameWithWorker(shell, 'one worker', named), first, 'its own write changes nothing');
    const second = await nameWithWorker(shell, 'another worker', named);
    assert.equal(second, await nameWithWorker(path.join(dir.dir, 'fresh.html'), 'another worker'));
    assert.match(await readFile(shell, 'utf8'), new RegExp(`content="${second.replace('+', '\\+')}"`));
  });
});
