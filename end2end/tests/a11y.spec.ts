import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// axe-core on every citizen page: no serious or critical violation.
const pages = ['/', '/lapor', '/laporan', '/lacak', '/masuk', '/daftar'];

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
