import { test, expect, Browser } from '@playwright/test';
import { fileAnonymously } from './support';

// Deadlines and figures, hydrated and with JavaScript off: the figures page renders and
// filters; a report nobody verifies shows as overdue once its deadline has passed. The server
// runs with a test clock (`--test-clock`) that this spec moves ahead instead of waiting.

const baseURL = `http://127.0.0.1:${process.env.LAPOR_E2E_PORT ?? 3100}`;
const hydrated = () => test.info().project.name === 'hydrated';
const TWO_WEEKS = 14 * 24 * 3600;

async function person(browser: Browser) {
  const context = await browser.newContext({
    baseURL, javaScriptEnabled: hydrated(), viewport: { width: 360, height: 640 }, isMobile: true,
    locale: 'id-ID',
  });
  return context.newPage();
}

test('the figures page renders, filters and links to the ranking', async ({ page }) => {
  await page.goto('/statistik');
  await expect(page.getByRole('heading', { name: 'Statistik Pengaduan' })).toBeVisible();
  await expect(page.getByTestId('figure-received').locator('strong')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('chart-trend')).toBeAttached();
  await expect(page.getByRole('table').first()).toBeVisible();
  await page.getByLabel('Instansi').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await expect(page).toHaveURL(/instansi=\d+/);
  await expect(page.getByRole('heading', { name: /^Kota Banjarmasin/ })).toBeVisible();
  await page.getByRole('link', { name: 'Peringkat daerah dan OPD' }).click();
  await expect(page.getByRole('heading', { name: 'Peringkat daerah dan OPD', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /Kota Banjarmasin/ }).first()).toBeVisible();
});

test('a report left unverified past its deadline shows as overdue to the citizen and the coordinator', async ({ page, browser }) => {
  const title = `Lampu jalan padam ${test.info().project.name} ${Date.now()}`;
  const link = await fileAnonymously(page, title);
  await expect(page.getByTestId('clock-verify')).toContainText('sisa 3 hari kerja');

  // Two weeks pass without anyone verifying it.
  const moved = await page.request.post('/uji/jam?detik=' + TWO_WEEKS);
  expect(moved.ok()).toBeTruthy();

  await page.goto(link);
  await expect(page.getByTestId('clock-verify')).toContainText('terlambat');

  const coordinator = await person(browser);
  await coordinator.goto('/masuk');
  await coordinator.getByLabel('Email').fill('induk.banjarmasin@demo.lapor.id');
  await coordinator.getByLabel('Kata sandi').fill('demo-lapor-2026');
  await coordinator.getByRole('button', { name: 'Masuk' }).click();
  await expect(coordinator).toHaveURL(/\/petugas$/);
  const overdue = coordinator.locator('section[aria-labelledby="sec-staff-overdue"] li.case', { hasText: title });
  await expect(overdue).toBeVisible();
  await expect(overdue.getByTestId('deadline')).toContainText('terlambat');
  await coordinator.context().close();
});
