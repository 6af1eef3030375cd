import { defineConfig } from '@playwright/test';

// Every scenario runs twice: with the WebAssembly islands hydrated, and with JavaScript off,
// where every form must still work as a plain HTML form.
const port = Number(process.env.LAPOR_E2E_PORT ?? 3100);
const db = `/tmp/lapor-e2e-${port}.db`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 360, height: 640 },
    isMobile: true,
    hasTouch: true,
    locale: 'id-ID',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    // axe-core runs inside the page, so it needs JavaScript; the markup it checks is the same
    // server-rendered HTML the no-JS project gets. Live updates need JavaScript by definition;
    // without it every page shows the news on reload, which the other specs exercise. A
    // service worker (offline) needs JavaScript too.
    { name: 'no-js', use: { javaScriptEnabled: false }, testIgnore: /(a11y|live|offline)\.spec\.ts/ },
  ],
  webServer: {
    command: `rm -rf ${db} ${db}-wal ${db}-shm /tmp/lapor-e2e-${port}-outbox && ./target/release/lapor --demo --test-clock --limits-burst-factor 50 --notify-gather-seconds 0 --outbox-dir /tmp/lapor-e2e-${port}-outbox --database-url sqlite://${db} --addr 127.0.0.1:${port}`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
