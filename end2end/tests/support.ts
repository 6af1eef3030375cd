import { test, expect, Page } from '@playwright/test';

// Steps several specs share.

/** Files an anonymous complaint to Kota Banjarmasin; returns the reporter's private link. */
export async function fileAnonymously(page: Page, title: string) {
  await page.goto('/lapor');
  if (test.info().project.name === 'hydrated') {
    await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  }
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill(title);
  await page.getByLabel('Isi laporan *').fill(
    'Gorong-gorong di ujung gang tersumbat sehingga air meluap ke rumah warga setiap kali hujan.');
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByLabel(/^Anonim/).check();
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.getByRole('heading', { name: 'Laporan Anda telah diterima' })).toBeVisible();
  return (await page.getByTestId('private-link').getAttribute('href'))!;
}
