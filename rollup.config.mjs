// The app build. Run it through `npm run build` (or `npm run dev`), which loads the TypeScript
// plugins below with tsx; plain `rollup -c` cannot import them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import esbuild from 'rollup-plugin-esbuild';
import { contentPlugin } from './scripts/rollup/content-plugin.ts';
import { hintsPlugin } from './scripts/rollup/hints-plugin.ts';
import { htmlPlugin } from './scripts/rollup/html-plugin.ts';
import { iconsPlugin } from './scripts/rollup/icons-plugin.ts';
import { precachePlugin } from './scripts/rollup/precache-plugin.ts';
import { publicPlugin } from './scripts/rollup/public-plugin.ts';
import { GUIDE_INDEX_URL } from './src/content/guide.ts';
import { WORKSHEET_URL } from './src/content/worksheet.ts';
import { WORKSHEET_ROUTES } from './src/routing/route.ts';

const PACKAGE_VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version;

// Tests build variants of the app (other content, another folder) through these two variables.
const outDir = process.env.EFK_OUT_DIR ?? 'dist';
const contentDir = process.env.EFK_CONTENT_DIR ?? 'content';
// Benchmarks add files to the app (a blank page precached beside it) through this one.
const extraPublicDir = process.env.EFK_EXTRA_PUBLIC_DIR;

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/main.ts',
    output: {
      dir: outDir,
      format: 'es',
      entryFileNames: 'assets/[name]-[hash].js',
      chunkFileNames: 'assets/[name]-[hash].js',
      sourcemap: true,
    },
    plugins: [
      nodeResolve({ browser: true }),
      esbuild({ tsconfig: 'tsconfig.json', target: 'es2022', minify: true, legalComments: 'none' }),
      contentPlugin({ contentDir: path.resolve(contentDir) }),
      // What each page loads after the entry script (src/components/app-shell.ts and
      // load-worksheet-views.ts); test/e2e/first-visit_test.ts fails when the two disagree.
      hintsPlugin({
        entry: 'src/main.ts',
        guideIndex: GUIDE_INDEX_URL,
        // Loaded by main.ts as it starts, after the page's own script rather than in it.
        everyPage: ['workbox-window.prod.es5.mjs'],
        needs: [
          {
            routes: WORKSHEET_ROUTES,
            modules: ['src/components/worksheet-views.ts', 'src/styles/form-styles.ts'],
            data: [WORKSHEET_URL],
          },
          { routes: ['settings', 'join'], modules: ['src/components/settings-page.ts', 'src/styles/form-styles.ts'] },
          { routes: ['home'], data: [GUIDE_INDEX_URL] },
          {
            routes: ['search'],
            modules: ['src/components/search-page.ts', 'src/styles/form-styles.ts'],
            everyGuide: true,
          },
        ],
      }),
      publicPlugin({ dir: 'public' }),
      ...(extraPublicDir ? [publicPlugin({ dir: extraPublicDir })] : []),
      iconsPlugin({ source: 'src/icons/icon.svg', background: '#0b3d91' }),
      // Last: it names the build by every file the plugins above wrote.
      htmlPlugin({ template: 'index.html', entry: '/src/main.ts', version: PACKAGE_VERSION }),
    ],
  },
  {
    // Built second, so the precache list sees the whole app.
    input: 'sw/sw.ts',
    // One classic script (a worker's imports cannot be split off): what the app loads when needed,
    // such as taking a team in again after a restore, is part of it.
    output: { file: path.join(outDir, 'sw.js'), format: 'iife', inlineDynamicImports: true, sourcemap: true },
    plugins: [
      nodeResolve({ browser: true }),
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      esbuild({ tsconfig: 'sw/tsconfig.json', target: 'es2022', minify: true, legalComments: 'none' }),
      precachePlugin({ outDir, swFile: 'sw.js' }),
    ],
  },
];
