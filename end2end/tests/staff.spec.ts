import { test, expect } from '@playwright/test';
import { fileAnonymously, official, openActions, openFromInbox } from './support';

// Officials at work, hydrated and with JavaScript off: a citizen's anonymous report goes from
// the coordinator to the OPD and back to the citizen, and an OPD hands one back.

const hydrated = () => test.info().project.name === 'hydrated';

function unique(prefix: string) {
  return `${prefix} ${test.info().project.name} ${Date.now()}`;
}

test('coordinator verifies and forwards, the OPD and the citizen talk, the OPD resolves', async ({ page, browser }) => {
  const title = unique('Gorong-gorong tersumbat');
  const link = await fileAnonymously(page, title);

  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(induk, title);
  await expect(induk.getByTestId('status')).toHaveText('Belum Terverifikasi');
  await expect(induk.getByText('Pelapor memilih anonim')).toBeAttached();
  await openActions(induk);
  await induk.getByRole('button', { name: 'Verifikasi' }).click();
  await expect(induk.getByText('Tersimpan: Verifikasi')).toBeVisible();
  await expect(induk.getByTestId('status')).toHaveText('Terverifikasi');
  await induk.getByLabel('OPD tujuan').selectOption({ label: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
  await induk.getByLabel('Catatan untuk OPD (internal)').fill('Mohon ditinjau minggu ini.');
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();
  await expect(induk.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');

  const opd = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(opd, title);
  await expect(opd.getByText('Mohon ditinjau minggu ini.')).toBeVisible();
  await opd.getByLabel('Balas ke pelapor').fill('Tim kami akan membersihkan gorong-gorong besok pagi.');
  await opd.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(opd.getByTestId('status')).toHaveText('Sedang Diproses');
  await opd.getByLabel('Balas ke pelapor').fill('Anggaran pembersihan diambil dari pos darurat.');
  await opd.getByLabel('Catatan internal (tidak terlihat oleh pelapor)').check();
  await opd.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(opd.locator('.internal').last()).toContainText('Anggaran pembersihan');

  // The citizen reads the reply (never the internal note) and answers.
  await page.goto(link);
  await expect(page.getByText('Tim kami akan membersihkan gorong-gorong besok pagi.')).toBeVisible();
  await expect(page.getByText('Anggaran pembersihan')).toHaveCount(0);
  await expect(page.getByText('Mohon ditinjau minggu ini.')).toHaveCount(0);
  await page.getByLabel('Tulis balasan').fill('Terima kasih, saya tunggu besok.');
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  // Hydrated, the reply joins the thread in place; without JavaScript the page comes back.
  await expect(page.locator('ol[data-live="thread"]').getByText('Terima kasih, saya tunggu besok.')).toBeVisible();
  await expect(page.locator('.event.pending')).toHaveCount(0);
  if (!hydrated()) await expect(page.getByText('Pesan Anda terkirim.')).toBeVisible();

  await opd.reload();
  await expect(opd.getByText('Terima kasih, saya tunggu besok.')).toBeVisible();
  await openActions(opd);
  await opd.getByLabel('Pesan penyelesaian untuk pelapor').fill('Gorong-gorong sudah dibersihkan.');
  await opd.getByRole('button', { name: 'Selesaikan' }).click();
  await expect(opd.getByTestId('status')).toHaveText('Selesai');

  await page.goto(link);
  await expect(page.getByTestId('status')).toHaveText('Selesai');
  await expect(page.getByText('Gorong-gorong sudah dibersihkan.')).toBeVisible();

  // The coordinator watches it finish without taking part in the conversation.
  await induk.goto('/petugas/pantau');
  await expect(induk.getByRole('table')).toContainText('Dinas Pekerjaan Umum dan Penataan Ruang — Kota Banjarmasin');
  await induk.context().close();
  await opd.context().close();
});

test('an OPD hands a report back as bukan wewenang and the coordinator forwards it to another', async ({ page, browser }) => {
  const title = unique('Saluran air bukan wewenang');
  await fileAnonymously(page, title);

  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(induk, title);
  await openActions(induk);
  await induk.getByRole('button', { name: 'Verifikasi' }).click();
  await induk.getByLabel('OPD tujuan').selectOption({ label: 'Dinas Kesehatan' });
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();
  await expect(induk.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');

  const dinkes = await official(browser, 'dinkes.banjarmasin@demo.lapor.id');
  await openFromInbox(dinkes, title);
  await openActions(dinkes);
  await dinkes.getByLabel('Alasan bukan wewenang (internal)').fill('Saluran air adalah kewenangan Dinas PUPR.');
  await dinkes.getByRole('button', { name: 'Kembalikan: bukan wewenang' }).click();
  await expect(dinkes).toHaveURL(/\/petugas\?selesai=hand_back/);
  await expect(dinkes.getByRole('link', { name: title })).toHaveCount(0);

  await openFromInbox(induk, title);
  await expect(induk.getByTestId('status')).toHaveText('Terverifikasi');
  await expect(induk.getByText('Saluran air adalah kewenangan Dinas PUPR.')).toBeVisible();
  await openActions(induk);
  await induk.getByLabel('OPD tujuan').selectOption({ label: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();
  await expect(induk.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');

  const pupr = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(pupr, title);
  await expect(pupr.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');
  for (const p of [induk, dinkes, pupr]) await p.context().close();
});
