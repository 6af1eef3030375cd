import { test, expect, Page, Browser, BrowserContextOptions } from '@playwright/test';

// Steps several specs share.

/** Files an anonymous complaint to Kota Banjarmasin (with `notifyEmail`, asking to be told
 * of its progress there); returns the reporter's private link. */
export async function fileAnonymously(page: Page, title: string, notifyEmail?: string) {
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
  if (notifyEmail) {
    await page.getByLabel('Email untuk pemberitahuan (tidak wajib)').fill(notifyEmail);
  }
  await sendReport(page);
  return (await page.getByTestId('private-link').getAttribute('href'))!;
}

/** Sends the report form; when the server holds it back once with its advice (similar
 * public reports, a missing place or time, another category), sends it anyway. Waits for the
 * receipt. */
export async function sendReport(page: Page) {
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  // Held back once with the form's advice: similar reports, what it lacks, another category.
  const held = page.locator('#err-mirip');
  const receipt = page.getByRole('heading', { name: 'Laporan Anda telah diterima' });
  await expect(held.or(receipt)).toBeVisible();
  if (await held.isVisible()) await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(receipt).toBeVisible();
}

const baseURL = `http://127.0.0.1:${process.env.LAPOR_E2E_PORT ?? 3100}`;
const PASSWORD = 'demo-lapor-2026';

/** A fresh browser (no cookies), same JavaScript setting as the project. */
export async function person(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({
    baseURL, javaScriptEnabled: test.info().project.name === 'hydrated',
    viewport: { width: 360, height: 640 }, isMobile: true, locale: 'id-ID', ...options,
  });
  return context.newPage();
}

/** An official (a demo account) signed in, on their start page. */
export async function official(browser: Browser, email: string, options: BrowserContextOptions = {}) {
  const page = await person(browser, options);
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/petugas$/);
  return page;
}

/** Opens the one report titled `title` from the official's inbox. */
export async function openFromInbox(page: Page, title: string) {
  await page.goto('/petugas');
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}

/** Unfolds the official's actions on a report's page (folded under the title, so that the
 * conversation comes first on a phone). */
export async function openActions(page: Page) {
  const actions = page.locator('details#tindakan');
  if ((await actions.getAttribute('open')) === null) await actions.locator('summary').click();
  await expect(actions).toHaveAttribute('open', '');
}

/** An official verifies, and so publishes, the one report titled `title` in their inbox;
 * with `publicTitle` the public reads that title instead (a redaction). */
export async function verify(browser: Browser, title: string, email: string, publicTitle?: string) {
  const staff = await official(browser, email);
  await openFromInbox(staff, title);
  await openActions(staff);
  if (publicTitle) {
    await staff.locator('form.action-verify').getByLabel('Judul publik').fill(publicTitle);
  }
  await staff.getByRole('button', { name: 'Verifikasi' }).click();
  await expect(staff.getByTestId('status')).toHaveText('Terverifikasi');
  await staff.context().close();
}
