import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium; `.ci/run` installs it (apt-get install chromium) when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);

if (!HAVE_CHROMIUM) {
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // No network here: background networking would only produce refused connections.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const OUTPUT_DIR = 'test-output/e2e';
