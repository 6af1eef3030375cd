import { test, expect, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { fileAnonymously, official, openFromInbox, person, sendReport } from './support';

// Without a signal (Chromium's offline emulation) or with the server out of reach (a lapor of
// the test's own, killed and started again): a report or a reply written then waits on the
// phone and goes out once, even after the page was closed (at the next visit, or by
// Background Sync with no page open); drafts survive a reload; a page seen before shows
// offline with the time it was last seen. JavaScript on: a service worker needs it.

/** Waits until the service worker controls the page and keeps it (and, with `files`, the
 * files it loads) for offline use. */
async function keptOffline(page: Page, files = false) {
  await expect.poll(() => page.evaluate(async (files) => {
    if (!navigator.serviceWorker.controller) return false;
    const key = new URL(location.href);
    for (const p of ['baru', 'terkirim', 'dijawab']) key.searchParams.delete(p);
    key.hash = '';
    const pages = await caches.open('lapor-pages-1');
    if (!(await pages.match(key.href)) || !(await pages.match(new URL('/tersimpan', location.href).href))) return false;
    if (!files) return true;
    const kept = (await (await caches.open('lapor-files-1')).keys()).map((r) => r.url);
    return kept.some((u) => u.endsWith('.wasm'));
  }, files), { timeout: 15_000 }).toBe(true);
}

async function writeReport(page: Page, title: string) {
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill(title);
  await page.getByLabel('Isi laporan *').fill(
    'Jembatan gantung penghubung dua desa putus sebagian, warga terpaksa menyeberang dengan rakit.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByLabel(/^Anonim/).check();
}

/** The coordinator's inbox lists the report titled `title` exactly once. */
async function filedOnce(browser: import('@playwright/test').Browser, title: string) {
  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await expect(induk.getByRole('link', { name: title, exact: true })).toHaveCount(1);
  await induk.context().close();
}

test('a report written offline is kept on the phone and filed once when the signal returns', async ({ page, context, browser }) => {
  const title = `Jembatan gantung putus (luring) ${Date.now()}`;
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await keptOffline(page, true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-seen')).toBeVisible();
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await writeReport(page, title);
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.getByTestId('kept-on-phone')).toContainText('Tersimpan di ponsel, akan dikirim saat ada sinyal');
  await expect(page.getByTestId('kept-waiting')).toContainText(title);

  await context.setOffline(false);
  const sent = page.getByTestId('kept-sent');
  await expect(sent).toContainText(`Laporan «${title}» sudah terkirim. Nomor pelacakan:`, { timeout: 20_000 });
  const tracking = (await sent.textContent())!.match(/Nomor pelacakan: (\S+)\./)![1];
  await sent.getByRole('link', { name: 'Lihat' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByTestId('tracking-id')).toHaveText(tracking);
  await filedOnce(browser, title);
});

// Under Chromium's offline emulation the worker's own requests wait for the network rather
// than fail, so this shows what the user sees (filed once, listed as sent) but not which way
// it went: the tests with a server taken off the network below tell the next visit and
// Background Sync apart.
test('a report kept offline goes out once after the page was closed and the signal returned', async ({ page, context, browser }) => {
  const title = `Jalan desa longsor (luring, ditutup) ${Date.now()}`;
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await keptOffline(page, true);
  await context.setOffline(true);
  await page.reload();
  await writeReport(page, title);
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.getByTestId('kept-waiting')).toContainText(title);
  await page.close();

  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto('/');
  const sent = again.getByTestId('kept-sent');
  await expect(sent).toContainText(`Laporan «${title}» sudah terkirim. Nomor pelacakan:`, { timeout: 20_000 });
  await filedOnce(browser, title);
  // Seen, it can be dismissed; the next page no longer lists it.
  await sent.getByRole('button', { name: 'Tutup' }).click();
  await expect(again.getByTestId('kept-sent')).toHaveCount(0);
});

/** A lapor of one test's own, which the test takes off the network (the process killed: the
 * phone's requests are refused at once, as without a signal) and brings back on the same
 * database. Chromium's offline emulation cannot stand in here: under it the worker's own
 * requests wait for the network instead of failing, and go out by themselves when it returns,
 * which would hide whether the worker's sync handler does its work. */
class OwnServer {
  readonly url: string;
  private readonly db: string;
  private process?: ChildProcess;
  constructor(private readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
    this.db = `/tmp/lapor-e2e-own-${port}.db`;
    for (const f of [this.db, `${this.db}-wal`, `${this.db}-shm`]) fs.rmSync(f, { force: true });
  }
  async start() {
    this.process = spawn('./target/release/lapor', ['--demo', '--limits-burst-factor', '50',
      '--outbox-dir', `/tmp/lapor-e2e-own-${this.port}-outbox`,
      '--database-url', `sqlite://${this.db}`, '--addr', `127.0.0.1:${this.port}`], { cwd: '..', stdio: 'ignore' });
    await expect.poll(() => fetch(`${this.url}/healthz`).then((r) => r.ok, () => false),
      { timeout: 20_000 }).toBe(true);
  }
  async stop() {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGKILL');
    await exited;
  }
}

/** Opens the form on `server` until the worker keeps it, and returns the page. */
async function formKeptBy(browser: import('@playwright/test').Browser, server: OwnServer) {
  const page = await person(browser, { baseURL: server.url });
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await keptOffline(page, true);
  return page;
}

/** The phone believes it is online; the server cannot be reached. The island sends the form,
 * the worker keeps it and the page says so. */
async function fileWhileOut(page: Page, server: OwnServer, title: string) {
  await server.stop();
  await writeReport(page, title);
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.getByTestId('kept-on-phone')).toContainText('Tersimpan di ponsel, akan dikirim saat ada sinyal');
  await expect(page.getByTestId('kept-waiting')).toContainText(title);
}

const ownPort = 3190 + Number(process.env.LAPOR_E2E_PORT ?? 3100) % 10;

test('a report kept while the server is out of reach goes out once at the next visit', async ({ browser }) => {
  test.setTimeout(60_000);
  const server = new OwnServer(ownPort);
  await server.start();
  const page = await formKeptBy(browser, server);
  const title = `Pohon tumbang menutup jalan (kunjungan berikut) ${Date.now()}`;
  try {
    await fileWhileOut(page, server, title);
    // The tab is closed; the server comes back. The browser's own sync already failed and
    // waits minutes before it tries again, so the next page that opens is what sends it.
    const context = page.context();
    await page.close();
    await server.start();
    const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id', { baseURL: server.url });
    await expect(induk.getByRole('link', { name: title, exact: true })).toHaveCount(0);
    const again = await context.newPage();
    await again.goto('/');
    await expect(again.getByTestId('kept-sent')).toContainText(`Laporan «${title}» sudah terkirim. Nomor pelacakan:`, { timeout: 20_000 });
    await induk.reload();
    await expect(induk.getByRole('link', { name: title, exact: true })).toHaveCount(1);
    await induk.context().close();
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a report kept while the server is out of reach is sent by Background Sync with no page of the site open', async ({ browser }) => {
  test.setTimeout(60_000);
  const server = new OwnServer(ownPort);
  await server.start();
  const options = { baseURL: server.url };
  const page = await formKeptBy(browser, server);
  const title = `Banjir setinggi lutut (sinkron) ${Date.now()}`;
  try {
    // The worker's registration, to wake it the way the browser does once the signal returns.
    const cdp = await page.context().newCDPSession(page);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r: { scopeURL: string; isDeleted: boolean }) =>
          r.scopeURL.startsWith(server.url) && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    // What the browser's Background Sync does, as DevTools' "Background services" shows it.
    const syncLog: string[] = [];
    cdp.on('BackgroundService.backgroundServiceEventReceived', ({ backgroundServiceEvent: e }) => {
      syncLog.push([e.eventName, ...e.eventMetadata.map((m: { key: string; value: string }) =>
        `${m.key}: ${m.value}`)].join(' | '));
    });
    await cdp.send('BackgroundService.startObserving', { service: 'backgroundSync' });
    await cdp.send('BackgroundService.setRecording', { shouldRecord: true, service: 'backgroundSync' });

    await fileWhileOut(page, server, title);

    // The browser registered a sync and, the phone being online, ran it at once; the worker
    // refused it while the report could not be sent, so the browser will try again later.
    const refused = (line: string) => line.startsWith('sync event failed')
      && line.includes('Failure Reason: waitUntil rejected') && /Next Attempt Delay \(ms\): \d+/.test(line);
    await expect.poll(() => syncLog.some(refused), { timeout: 20_000 }).toBe(true);
    expect(syncLog[0]).toBe('Registered sync');

    // No page of the site is open when the server is back: only the worker can send it.
    await page.goto('about:blank');
    await server.start();
    const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id', options);
    await expect(induk.getByRole('link', { name: title, exact: true })).toHaveCount(0);
    // That later try, without waiting the browser's back-off out.
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: server.url, registrationId, tag: 'lapor-kirim', lastChance: false,
    });
    await expect.poll(async () => {
      await induk.reload();
      return induk.getByRole('link', { name: title, exact: true }).count();
    }, { timeout: 20_000 }).toBe(1);
    await induk.context().close();
    // The phone's list tells it was sent, with its tracking number.
    await page.goto('/');
    await expect(page.getByTestId('kept-sent')).toContainText(`Laporan «${title}» sudah terkirim. Nomor pelacakan:`);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a draft survives a reload and is gone once the report is filed', async ({ page }) => {
  const title = `Draf: sampah menumpuk di pasar ${Date.now()}`;
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await writeReport(page, title);
  await page.waitForTimeout(400); // the draft is written a moment after the last keystroke
  await page.reload();
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await expect(page.getByLabel('Judul laporan *')).toHaveValue(title);
  await expect(page.getByLabel('Isi laporan *')).toHaveValue(/Jembatan gantung penghubung/);
  await expect(page.getByLabel('Kategori *')).toHaveValue(/\d+/);
  await expect(page.getByLabel(/^Anonim/)).toBeChecked();
  await sendReport(page);
  await page.goto('/lapor');
  await expect(page.getByLabel('Judul laporan *')).toHaveValue('');
});

test('a reply written offline waits on the phone and arrives once', async ({ page, context, browser }) => {
  const title = `Air PDAM keruh (luring) ${Date.now()}`;
  const link = await fileAnonymously(page, title);
  await page.goto(link);
  await keptOffline(page);
  await expect(page.locator('.live-status')).toHaveAttribute('data-live-ready', 'true');

  await context.setOffline(true);
  const reply = 'Airnya masih keruh pagi ini, foto menyusul.';
  await page.getByLabel('Tulis balasan').fill(reply);
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  const bubble = page.locator('.event.pending');
  await expect(bubble).toContainText(reply);
  await expect(bubble).toContainText('tersimpan di ponsel, akan dikirim saat ada sinyal');
  await expect(page.getByTestId('kept-waiting')).toContainText(reply);

  await context.setOffline(false);
  const thread = page.locator('ol[data-live="thread"]');
  await expect(thread.locator('.event.pending')).toHaveCount(0, { timeout: 20_000 });
  await expect(thread.getByText(reply)).toHaveCount(1);
  await page.reload();
  await expect(page.locator('ol[data-live="thread"]').getByText(reply)).toHaveCount(1);
  await expect(page.getByLabel('Tulis balasan')).toHaveValue('');

  // The coordinator sees it once, too.
  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(induk, title);
  await expect(induk.getByText(reply)).toHaveCount(1);
  await induk.context().close();
});

test('a report page seen before shows offline, with the time it was last seen', async ({ page, context }) => {
  const title = `Lampu jalan padam (luring) ${Date.now()}`;
  const link = await fileAnonymously(page, title);
  await page.goto(link);
  await keptOffline(page, true);
  await expect(page.getByTestId('offline-seen')).toBeHidden();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByTestId('offline-seen')).toBeVisible();
  await expect(page.getByTestId('offline-seen'))
    .toContainText(/Tanpa sinyal: ini keadaan terakhir yang terlihat pada .*\d{4}, \d{2}\.\d{2} WI/);
  // A page never opened on this phone says so instead of a browser error.
  await page.goto('/statistik/peringkat');
  await expect(page.getByRole('heading', { name: 'Tidak ada sinyal' })).toBeVisible();
  await context.setOffline(false);
});

test("the citizen's own list shows offline as last seen, and signing out empties what the phone kept", async ({ page, context }) => {
  await page.goto('/daftar');
  await page.getByLabel('Nama').fill('Warga Luring');
  await page.getByLabel('Email').fill(`luring-${Date.now()}@contoh.id`);
  await page.getByLabel('Kata sandi').fill('kata-sandi-luring-2026');
  await page.getByRole('button', { name: 'Daftar' }).click();
  await expect(page).toHaveURL(/\/laporan-saya$/);
  await keptOffline(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Laporan Saya' })).toBeVisible();
  await expect(page.getByTestId('offline-seen')).toBeVisible();
  await expect(page.getByTestId('offline-seen')).toContainText('Tanpa sinyal: ini keadaan terakhir yang terlihat pada');
  await context.setOffline(false);

  await page.reload();
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page).toHaveURL(/\/$/);
  const kept = await page.evaluate(async () =>
    (await (await caches.open('lapor-pages-1')).keys()).map((r) => new URL(r.url).pathname));
  expect(kept).not.toContain('/laporan-saya');
});

test.describe('without a service worker', () => {
  // So that the test can cut the connection to the server for this page alone.
  test.use({ serviceWorkers: 'block' });

  test('a reply being written survives a reload and a failed send, and is gone once sent', async ({ page }) => {
    const title = `Draf balasan: got mampet ${Date.now()}`;
    const link = await fileAnonymously(page, title);
    await page.goto(link);
    const reply = 'Saya tambahkan: got di depan rumah nomor 12 juga mampet.';
    await page.getByLabel('Tulis balasan').fill(reply);
    await page.waitForTimeout(400); // the draft is written a moment after the last keystroke
    await page.reload();
    await expect(page.getByLabel('Tulis balasan')).toHaveValue(reply);

    // Sent while the server cannot be reached and no worker keeps it: the text stays in the box.
    await expect(page.locator('.live-status')).toHaveAttribute('data-live-ready', 'true');
    await page.route(/\/pesan$/, (route) => route.abort('connectionreset'));
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    await expect(page.locator('form#balas .chat-news')).toContainText('Belum terkirim');
    await expect(page.getByLabel('Tulis balasan')).toHaveValue(reply);
    await expect(page.locator('.event.pending')).toHaveCount(0);

    await page.unroute(/\/pesan$/);
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    await expect(page.locator('ol[data-live="thread"] li').last()).toContainText(reply);
    await page.reload();
    await expect(page.getByLabel('Tulis balasan')).toHaveValue('');
  });
});
