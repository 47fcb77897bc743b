import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readServerConfig } from '../../server/server-config.js';
import { ROOT, runBuild } from '../support/build-app.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('npm start', () => {
  let distDir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const out = await tempDirWith();
    cleanup = out.cleanup;
    const result = await runBuild(out.dir);
    assert.equal(result.code, 0, result.output);
    distDir = out.dir;
  });
  after(() => cleanup?.());

  it('prints its URL, serves the app there, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', EFK_OUT_DIR: distDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    after(() => void child.kill('SIGKILL'));
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /Engagement Field Kit is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`server exited early:\n${output}`)));
    });
    assert.doesNotMatch(output, /Building the app/, 'a fresh dist/ is not rebuilt');
    const res = await fetch(new URL('/guide/social-media', url));
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<app-shell>/);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    assert.match(output, /SIGTERM: finishing open requests, then stopping/);
  });
});

describe('server settings', () => {
  it('defaults to 127.0.0.1:8080', () => {
    assert.deepEqual(readServerConfig({}), { host: '127.0.0.1', port: 8080, logLevel: 'info' });
  });

  it('names a bad variable', () => {
    assert.throws(
      () => readServerConfig({ PORT: 'eighty' }),
      /PORT must be a whole number from 0 to 65535, got "eighty"/,
    );
    assert.throws(() => readServerConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => readServerConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of/);
  });
});
