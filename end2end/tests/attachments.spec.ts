import { test, expect, Browser } from '@playwright/test';
import { official, openFromInbox, person, sendReport } from './support';

// A citizen attaches a photo to a report and to a reply, from a phone, with and without
// JavaScript; an official answers with a photo. What is served has no metadata left.

/** A camera-like JPEG (made in a browser's canvas) carrying EXIF with a GPS position. */
async function photoWithGps(browser: Browser, width = 400, height = 200): Promise<Buffer> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const bytes: number[] = await page.evaluate(async ([width, height]) => {
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    const g = canvas.getContext('2d')!;
    // Noise, as a camera sensor gives, so that the JPEG is camera-sized.
    const img = g.createImageData(width, height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) >>> 24;
    g.putImageData(img, 0, 0);
    g.fillStyle = '#b3161b'; g.fillRect(40, 40, 120, 60);
    const blob: Blob = await new Promise(r => canvas.toBlob(b => r(b!), 'image/jpeg', 0.9));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }, [width, height]);
  await context.close();
  // EXIF (little-endian TIFF): orientation 6, and a GPS IFD with latitude 3°19′ S.
  const tiff: number[] = [];
  const u16 = (v: number) => tiff.push(v & 255, v >> 8);
  const u32 = (v: number) => tiff.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);
  tiff.push(0x49, 0x49, 0x2a, 0); u32(8);
  u16(2); u16(0x0112); u16(3); u32(1); u16(6); u16(0); u16(0x8825); u16(4); u32(1); u32(38); u32(0);
  u16(2); u16(0x0001); u16(2); u32(2); tiff.push(0x53, 0, 0, 0); u16(0x0002); u16(5); u32(3); u32(68); u32(0);
  for (const [n, d] of [[3, 1], [19, 1], [0, 1]]) { u32(n); u32(d); }
  const header = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
  const length = 2 + header.length + tiff.length;
  const app1 = [0xff, 0xe1, length >> 8, length & 255, ...header, ...tiff];
  return Buffer.from([...bytes.slice(0, 2), ...app1, ...bytes.slice(2)]);
}

const hasExif = (b: Buffer) => b.includes(Buffer.from('Exif\0\0', 'binary'));

test('a citizen attaches a photo to a report and to a reply; the served photo has no metadata', async ({ page, browser }) => {
  const project = test.info().project.name;
  const title = `Jembatan kayu lapuk di Sungai Andai (${project})`;
  const photo = await photoWithGps(browser);
  expect(hasExif(photo)).toBe(true);

  await page.goto('/lapor');
  if (project === 'hydrated') {
    await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  }
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill(title);
  await page.getByLabel('Isi laporan *').fill(
    'Papan jembatan kayu di Sungai Andai sudah lapuk dan berlubang, anak sekolah lewat setiap pagi.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByLabel(/^Anonim/).check();
  await page.getByLabel(/^Lampiran \(foto/).setInputFiles({ name: 'IMG_20261201.jpg', mimeType: 'image/jpeg', buffer: photo });
  await sendReport(page);

  const photoLink = page.locator('article.report ul.files a[data-file="photo"]');
  await expect(photoLink).toHaveCount(1);
  const href = (await photoLink.getAttribute('href'))!;
  const served = await page.request.get(href);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('image/jpeg');
  expect(served.headers()['x-content-type-options']).toBe('nosniff');
  const body = await served.body();
  expect(hasExif(body)).toBe(false);
  expect(body.length).toBeGreaterThan(1000);

  // A reply with a photo.
  await page.getByLabel('Tulis balasan').fill('Foto dari sisi lain jembatan, pagi ini.');
  await page.getByLabel(/^Lampiran \(foto/).setInputFiles({ name: 'sisi-lain.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(page.locator('.thread li.message:not(.opening) ul.files a[data-file="photo"]')).toHaveCount(1);

  // The coordinator notes a photo of their own, internally: officials see it, the citizen never.
  const privateUrl = page.url();
  const staff = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(staff, title);
  await expect(staff.locator('ul.files a[data-file="photo"]')).toHaveCount(2);
  await staff.getByLabel('Catatan internal untuk petugas').fill('Foto survei tim kami di lokasi (internal).');
  await staff.getByLabel(/^Lampiran \(foto/).setInputFiles({ name: 'survei.jpg', mimeType: 'image/jpeg', buffer: photo });
  await staff.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(staff.locator('ul.files a[data-file="photo"]')).toHaveCount(3);
  const internalHref = (await staff.locator('.thread li.internal ul.files a[data-file="photo"]').getAttribute('href'))!;
  await staff.context().close();
  await page.goto(privateUrl);
  // The report's own photo and the citizen's reply's: not the official's internal one.
  await expect(page.locator('.thread ul.files a[data-file="photo"]')).toHaveCount(2);
  await expect(page.locator('.thread li.message:not(.opening) ul.files a[data-file="photo"]')).toHaveCount(1);
  // The official's link, tried by someone else with its audience changed, finds nothing.
  const stranger = await person(browser);
  const forged = await stranger.request.get(internalHref.replace('a=s', 'a=p'));
  expect(forged.status()).toBe(404);
  await stranger.context().close();

  // A file that is not what it says is refused; what was typed stays.
  const other = await person(browser);
  await other.goto('/lapor');
  await other.getByLabel('Judul laporan *').fill(`Laporan dengan berkas palsu (${project})`);
  await other.getByLabel(/^Lampiran \(foto/).setInputFiles({ name: 'surat.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ this is a program') });
  await other.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(other.getByText('Isi berkas tidak sesuai dengan namanya')).toBeVisible();
  await expect(other.getByLabel('Judul laporan *')).toHaveValue(`Laporan dengan berkas palsu (${project})`);
  await other.context().close();
});

test('with WebAssembly a camera-sized photo is made smaller before it is sent', async ({ page, browser }) => {
  test.skip(test.info().project.name !== 'hydrated', 'the downscale runs in the browser');
  test.setTimeout(120_000);
  const photo = await photoWithGps(browser, 3000, 2000);
  expect(photo.length).toBeGreaterThan(1_000_000);
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill('Foto besar dari kamera ponsel warga');
  await page.getByLabel('Isi laporan *').fill('Jalan amblas di depan masjid sejak hujan deras semalam, tolong segera ditangani.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel(/^Anonim/).check();
  let sent = 0;
  page.on('request', r => { if (r.method() === 'POST') sent += r.postDataBuffer()?.length ?? 0; });
  await page.getByLabel(/^Lampiran \(foto/).setInputFiles({ name: 'IMG_BESAR.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(page.getByRole('button', { name: 'Kirim laporan' })).toBeEnabled();
  await sendReport(page);
  expect(sent).toBeLessThan(photo.length / 2);
  const href = (await page.locator('article.report ul.files a[data-file="photo"]').getAttribute('href'))!;
  const served = await page.request.get(href);
  const body = await served.body();
  // A JPEG's size is in its SOF0 marker: at most 1600 pixels wide, as the browser made it.
  const sof = body.indexOf(Buffer.from([0xff, 0xc0]));
  const width = body.readUInt16BE(sof + 7);
  expect(width).toBeLessThanOrEqual(1600);
});
