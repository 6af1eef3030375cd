import { test, expect } from '@playwright/test';
import { person, sendReport, verify } from './support';

// The same complaint twice: while writing, a citizen is shown the public report that says the
// same (hydrated: as they type; without JavaScript: the form comes back once with it), and
// supports it instead of filing ("saya juga mengalami ini"), counted once per person.
test('a citizen writing the same complaint is shown it and supports it instead, once', async ({ browser }, info) => {
  const hydrated = info.project.name === 'hydrated';
  // Each project its own street, so that the two runs' reports are told apart by title.
  const street = hydrated ? 'Kuin Cerucuk' : 'Pelambuan Hilir';
  const title = `Pipa PDAM bocor di Jalan ${street}`;

  // The first report, verified and so public.
  const first = await person(browser);
  await first.goto('/lapor');
  if (hydrated) await expect(first.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await first.getByLabel('Pengaduan').check();
  await first.getByLabel('Judul laporan *').fill(title);
  await first.getByLabel('Isi laporan *').fill(
    `Pipa PDAM di Jalan ${street} bocor sejak seminggu, air bersih terbuang dan jalan tergenang.`);
  await first.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await first.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await first.getByLabel(/^Anonim/).check();
  await sendReport(first);
  await first.context().close();
  await verify(browser, title, 'induk.banjarmasin@demo.lapor.id');

  // Another citizen writes the same complaint in other words.
  const page = await person(browser);
  await page.goto('/lapor');
  if (hydrated) await expect(page.locator('form.report-form[data-hydrated="true"]')).toBeVisible();
  await page.getByLabel('Pengaduan').check();
  await page.getByLabel('Judul laporan *').fill(`Kebocoran pipa PDAM Jalan ${street}`);
  await page.getByLabel('Isi laporan *').fill(
    `Air PDAM terbuang dari pipa bocor di Jalan ${street}, genangan makin luas.`);
  await page.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await page.getByLabel('Instansi tujuan').selectOption({ label: 'Kota Banjarmasin' });
  await page.getByLabel('Nama *').fill('Rahmat Hidayat');
  await page.getByLabel('Email', { exact: true }).fill(`rahmat.${street.replace(' ', '').toLowerCase()}@example.id`);
  const similar = page.getByTestId('similar').filter({ hasText: title });
  if (hydrated) {
    // Shown while writing, before anything is sent.
    await expect(similar).toBeVisible();
  } else {
    await page.getByRole('button', { name: 'Kirim laporan' }).click();
    await expect(page.getByText('Ada laporan serupa yang sudah diterima')).toBeVisible();
    await expect(similar).toBeVisible();
    // Nothing typed is lost.
    await expect(page.getByLabel('Judul laporan *')).toHaveValue(`Kebocoran pipa PDAM Jalan ${street}`);
  }
  await expect(similar).toContainText('pipa');
  await similar.getByRole('button', { name: 'Saya juga mengalami ini' }).click();
  await expect(page.getByTestId('supported')).toContainText('2 orang');
  await expect(page.getByTestId('reporters')).toHaveText('Dilaporkan oleh 2 orang');
  await expect(page.getByRole('heading', { name: title })).toBeVisible();

  // The same person again, from the report's own page: counted once.
  const form = page.locator('form#dukung');
  await form.getByLabel('Email').fill(`Rahmat.${street.replace(' ', '').toLowerCase()}@example.id`);
  await form.getByRole('button', { name: 'Saya juga mengalami ini' }).click();
  await expect(page.getByTestId('supported')).toContainText('sudah mendukung');
  await expect(page.getByTestId('reporters')).toHaveText('Dilaporkan oleh 2 orang');
  await page.context().close();
});
