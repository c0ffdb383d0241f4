/** Debian's Chromium (apt-get install chromium); no test or script downloads a browser. */
export const CHROMIUM_PATH = process.env.BROOK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
