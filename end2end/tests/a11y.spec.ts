import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openActions } from './support';

// axe-core on every citizen page: no serious or critical violation.
const pages = ['/', '/lapor', '/laporan', '/laporan?q=keluhan', '/lacak', '/masuk', '/daftar', '/statistik', '/statistik/peringkat', '/lupa-sandi', '/atur-sandi', '/bantuan/sms'];

for (const path of pages) {
  test(`no serious accessibility violations on ${path}`, async ({ page }) => {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map(v => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  });
}

test('no serious accessibility violations on a report page and its errors', async ({ page }) => {
  await page.goto('/laporan');
  await page.locator('.card a').first().click();
  let results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)).toEqual([]);

  await page.goto('/lapor');
  if (test.info().project.name === 'hydrated') {
    await expect(page.locator('form[data-hydrated="true"]')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(page.locator('#err-title')).toBeVisible();
  results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)).toEqual([]);
});

// The officials' pages, signed in as the coordinator and as the system admin.
async function signIn(page: import('@playwright/test').Page, email: string) {
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('demo-lapor-2026');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/petugas/);
}

async function noSeriousViolations(page: import('@playwright/test').Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map(v => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test('no serious accessibility violations on the staff pages', async ({ page }) => {
  await signIn(page, 'induk.banjarmasin@demo.lapor.id');
  await page.goto('/petugas');
  await noSeriousViolations(page);
  await page.goto('/petugas/pantau');
  await noSeriousViolations(page);
  await page.goto('/petugas/cari?q=keluhan');
  await expect(page.locator('.cards mark').first()).toBeVisible();
  await noSeriousViolations(page);
  await page.goto('/petugas');
  await page.locator('.case a').first().click();
  await expect(page.getByTestId('status')).toBeVisible();
  await noSeriousViolations(page);
  // A refused action shows its error in place (reclassifying to the same values).
  await openActions(page);
  await page.getByRole('button', { name: 'Ubah klasifikasi' }).click();
  await expect(page.getByText('Tidak ada yang berubah.')).toBeVisible();
  await noSeriousViolations(page);
});

test('no serious accessibility violations on the admin page', async ({ page }) => {
  await signIn(page, 'admin@demo.lapor.id');
  await page.goto('/petugas/admin');
  await expect(page.getByRole('heading', { name: 'Administrasi' })).toBeVisible();
  await noSeriousViolations(page);
});
