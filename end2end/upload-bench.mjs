// Upload benchmark (not a test): a citizen files a report with a 4 MB camera photo over a
// throttled link (Chromium network emulation: 400 kbit/s each way, 400 ms round trip), once
// with WebAssembly (the photo is made smaller in the browser before it is sent) and once with
// JavaScript off (the photo goes as taken). Prints the bytes sent and the time from pressing
// "Kirim laporan" to the receipt. `.ci/upload_bench` starts the server and runs this.
import { chromium } from '@playwright/test';

const base = process.env.LAPOR_BENCH_URL ?? 'http://127.0.0.1:3300';
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

// A 4000 × 3000 photo-like JPEG of about 4 MB, made in a canvas.
const maker = await browser.newPage();
const photo = Buffer.from(await maker.evaluate(async () => {
  const c = document.createElement('canvas');
  c.width = 4000; c.height = 3000;
  const g = c.getContext('2d');
  const img = g.createImageData(4000, 3000);
  let seed = 7;
  for (let i = 0; i < img.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const p = i / 4, x = p % 4000, y = (p / 4000) | 0;
    const n = (seed >> 16) & 31;
    img.data[i] = (x / 16 + n) & 255; img.data[i + 1] = (y / 12 + n) & 255;
    img.data[i + 2] = ((x + y) / 28 + n) & 255; img.data[i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  for (const q of [0.92, 0.85, 0.78, 0.7, 0.6, 0.5]) {
    const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', q));
    if (blob.size <= 4.4e6) return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }
  throw new Error('could not make a 4 MB photo');
}));
await maker.close();
console.log(`photo: 4000 × 3000, ${(photo.length / 1e6).toFixed(2)} MB`);

for (const js of [true, false]) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 360, height: 640 }, isMobile: true, locale: 'id-ID' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8,
  });
  await page.goto(`${base}/lapor`, { timeout: 120_000 });
  if (js) await page.locator('form.report-form[data-hydrated="true"]').waitFor({ timeout: 120_000 });
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill('Jembatan rusak, foto dari kamera ponsel');
  await page.getByLabel('Isi laporan *').fill('Papan jembatan patah di tengah, motor tidak bisa lewat sejak kemarin sore.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel(/^Anonim/).check();
  await page.getByLabel(/^Lampiran/).setInputFiles({ name: 'IMG_20261202_0700.jpg', mimeType: 'image/jpeg', buffer: photo });
  const button = page.getByRole('button', { name: 'Kirim laporan' });
  await button.waitFor();
  if (js) await page.waitForFunction(() => !document.querySelector('form.report-form button[type=submit]').disabled);
  // What the form will send: the file as the browser holds it now (made smaller, with
  // WebAssembly), else the photo as taken.
  const sent = js
    ? await page.evaluate(() => [...document.querySelector('#lampiran').files].reduce((n, f) => n + f.size, 0))
    : photo.length;
  const start = Date.now();
  await button.click({ noWaitAfter: true, timeout: 600_000 });
  await page.getByRole('heading', { name: 'Laporan Anda telah diterima' }).waitFor({ timeout: 600_000 });
  const seconds = (Date.now() - start) / 1000;
  console.log(`${js ? 'with WebAssembly (made smaller in the browser)' : 'JavaScript off (sent as taken)'}: ` +
    `photo sent ${(sent / 1e3).toFixed(0)} KB, ${seconds.toFixed(1)} s from "Kirim laporan" to the receipt`);
  await context.close();
}
await browser.close();
