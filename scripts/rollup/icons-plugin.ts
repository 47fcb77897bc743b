import { readFile } from 'node:fs/promises';
import type { Plugin } from 'rollup';
import sharp from 'sharp';

/**
 * The PNG icons the manifest, iOS and the page's favicon need, all drawn from one SVG. None is an
 * SVG itself: Chromium draws an SVG icon (the favicon, and the manifest's icon for its
 * installability check, at 144 px) as a document of its own on the page's main thread, which an
 * offline cold start's trace caught just as the worksheet was being drawn.
 */
export const ICONS = [
  { fileName: 'icons/favicon-48.png', size: 48, maskable: false },
  { fileName: 'icons/icon-192.png', size: 192, maskable: false },
  { fileName: 'icons/icon-512.png', size: 512, maskable: false },
  { fileName: 'icons/maskable-192.png', size: 192, maskable: true },
  { fileName: 'icons/maskable-512.png', size: 512, maskable: true },
  { fileName: 'icons/apple-touch-icon.png', size: 180, maskable: true },
] as const;

/**
 * Renders the icon sizes from `source`. Maskable icons (and Apple's, which iOS rounds itself)
 * shrink the artwork into the central safe zone on a full-bleed background, so no launcher
 * mask cuts into it.
 */
export function iconsPlugin({ source, background }: { source: string; background: string }): Plugin {
  return {
    name: 'efk-icons',
    async generateBundle() {
      this.addWatchFile(source);
      const svg = await readFile(source);
      for (const { fileName, size, maskable } of ICONS) {
        const art = maskable ? Math.round(size * 0.72) : size;
        const artwork = await sharp(svg, { density: 300 }).resize(art, art).png().toBuffer();
        const png = await sharp({ create: { width: size, height: size, channels: 4, background } })
          .composite([{ input: artwork, gravity: 'centre' }])
          .png({ compressionLevel: 9 })
          .toBuffer();
        this.emitFile({ type: 'asset', fileName, source: png });
      }
    },
  };
}
