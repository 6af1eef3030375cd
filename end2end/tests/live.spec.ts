import { test, expect, Page } from '@playwright/test';
import { official, openActions, person, sendReport } from './support';

// Live updates (JavaScript on): a citizen and an OPD admin see each other's changes without
// reloading, and a page that was offline catches up when it is back.

/** Waits until the page's live stream is open. */
async function live(page: Page) {
  await expect(page.locator('.live-status')).toHaveAttribute('data-live-ready', 'true');
}

test('the citizen and the OPD see each other live, and an offline page catches up', async ({ page, browser }) => {
  const title = `Trotoar amblas live ${Date.now()}`;
  await page.goto('/lapor');
  await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill(title);
  await page.getByLabel('Isi laporan *').fill(
    'Trotoar di depan sekolah amblas sedalam setengah meter dan membahayakan anak-anak.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByLabel(/^Anonim/).check();
  await sendReport(page);
  const link = (await page.getByTestId('private-link').getAttribute('href'))!;

  // The coordinator's inbox shows the new report without a reload.
  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await live(induk);
  const second = `${title} (kedua)`;
  const other = await person(browser);
  await other.goto('/lapor');
  await expect(other.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await other.getByLabel('Aspirasi').check();
  await other.getByLabel('Judul laporan *').fill(second);
  await other.getByLabel('Isi laporan *').fill('Mohon trotoar dibuat lebih lebar agar kursi roda dapat lewat dengan aman.');
  await other.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await other.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await other.getByLabel(/^Anonim/).check();
  await sendReport(other);
  await expect(induk.getByRole('link', { name: second })).toBeVisible();

  await induk.getByRole('link', { name: title, exact: true }).click();
  await openActions(induk);
  await induk.getByRole('button', { name: 'Verifikasi' }).click();
  await induk.getByLabel('OPD tujuan').selectOption({ label: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();

  const opd = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await opd.getByRole('link', { name: title }).click();
  await live(opd);
  await page.goto(link);
  await live(page);

  await opd.getByLabel('Balas ke pelapor').fill('Petugas kami meninjau trotoar siang ini.');
  await opd.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(page.getByText('Petugas kami meninjau trotoar siang ini.')).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText('Sedang Diproses');

  await live(opd);
  await page.getByLabel('Tulis balasan').fill('Baik, saya tunggu di lokasi.');
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(opd.getByText('Baik, saya tunggu di lokasi.')).toBeVisible();

  // The citizen's phone goes offline; the OPD writes; back online, the page catches up.
  await live(page);
  await page.context().setOffline(true);
  await opd.getByLabel('Balas ke pelapor').fill('Tim sudah di lokasi sekarang.');
  await opd.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(opd.getByText('Tim sudah di lokasi sekarang.')).toBeVisible();
  await expect(page.locator('.live-status')).toContainText('Koneksi terputus');
  await page.context().setOffline(false);
  await expect(page.getByText('Tim sudah di lokasi sekarang.')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('Tim sudah di lokasi sekarang.')).toHaveCount(1);
  await expect(page.locator('.live-status')).toHaveText('');

  for (const p of [induk, opd, other]) await p.context().close();
});
