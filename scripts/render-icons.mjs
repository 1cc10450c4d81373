#!/usr/bin/env node
// Renders build/icons/virtdesk.svg to build/icons/<size>x<size>.png with the system Chromium (headless,
// via playwright-core). Run after editing the SVG: `node scripts/render-icons.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SIZES = [16, 32, 48, 64, 128, 256, 512];
const iconsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons');
const svg = fs.readFileSync(path.join(iconsDir, 'virtdesk.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const file = path.join(iconsDir, `${size}x${size}.png`);
    await page.screenshot({
      path: file,
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    await page.close();
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
} finally {
  await browser.close();
}
