import { test, expect } from '@playwright/test';
import { official, person } from './support';

// Every complaint gets in: an official types in a report taken by phone and prints its
// receipt; a coordinator imports a backlog from a spreadsheet. With and without JavaScript
// (these pages are plain forms either way).

test('an official enters a phone report and prints its receipt', async ({ browser }) => {
  const project = test.info().project.name;
  const title = `Lampu jalan mati di Gang Mawar (${project})`;
  const staff = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await staff.getByRole('link', { name: 'Catat laporan' }).first().click();
  await expect(staff.getByRole('heading', { name: 'Catat laporan (loket, telepon, surat)' })).toBeVisible();
  await staff.getByLabel('Telepon', { exact: true }).check();
  // Received early today, typed in now: the clocks start at the call.
  await staff.getByLabel('Jam diterima').fill('00:01');
  await staff.getByLabel('Judul laporan *').fill(title);
  await staff.getByLabel('Isi laporan (kata-kata warga)').fill(
    'Ibu Sari menelepon: lampu jalan di Gang Mawar mati sejak sebulan, gelap dan rawan pencurian.');
  await staff.getByLabel('Kategori *').selectOption({ label: 'Infrastruktur' });
  await staff.getByLabel('Nama').fill('Ibu Sari');
  await staff.getByLabel('Nomor ponsel untuk SMS').fill('0812 5555 6666');
  await staff.getByRole('button', { name: 'Simpan dan buat tanda terima' }).click();

  await expect(staff.getByRole('heading', { name: 'Tanda terima laporan' })).toBeVisible();
  const tracking = (await staff.locator('[data-tracking-id]').textContent())!.trim();
  const code = (await staff.locator('[data-access-code]').textContent())!.trim();
  expect(tracking).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await expect(staff.getByText('Tanda terima juga dikirim lewat SMS')).toBeVisible();
  // Printed, the page is the receipt alone.
  await staff.emulateMedia({ media: 'print' });
  await expect(staff.locator('header.top')).toBeHidden();
  await expect(staff.getByText('Cetak halaman ini untuk warga')).toBeHidden();
  await expect(staff.locator('section.receipt')).toBeVisible();
  const pdf = await staff.pdf({ format: 'A5' });
  expect(pdf.byteLength).toBeGreaterThan(1000);
  await staff.context().close();

  // The citizen follows it with what the receipt says; the thread says how it came in.
  const citizen = await person(browser);
  await citizen.goto('/lacak');
  await citizen.getByLabel('ID pelacakan').fill(tracking);
  await citizen.getByLabel('Kode akses').fill(code);
  await citizen.getByRole('button', { name: /Lacak|Buka/ }).click();
  await expect(citizen.getByRole('heading', { name: title })).toBeVisible();
  await expect(citizen.getByText('Dicatat ke sistem oleh petugas (Telepon)')).toBeVisible();
  await citizen.context().close();
});

test('a coordinator imports a backlog from a CSV file', async ({ browser }) => {
  const project = test.info().project.name;
  const csv = [
    'diterima_pada;jenis;judul;isi;kategori;instansi;nama',
    `02/11/2026 08:30;pengaduan;Jembatan Sungai Miai retak (${project});Ditampung saat sistem mati: jembatan retak dan bergoyang bila dilewati truk.;Infrastruktur;;Warga Satu`,
    `03/11/2026 09:45;aspirasi;Jam layanan puskesmas diperpanjang (${project});Mohon jam layanan puskesmas diperpanjang sampai sore hari untuk warga yang bekerja.;Kesehatan;;Warga Dua`,
    `04/11/2026 10:00;pengaduan;Sampah menumpuk di pasar (${project});Sampah menumpuk di pasar lama sejak seminggu dan baunya sampai ke rumah warga.;Lingkungan Hidup;Dinas Fiktif;Warga Tiga`,
  ].join('\n') + '\n';
  const staff = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await staff.goto('/petugas/impor');
  await expect(staff.getByRole('link', { name: 'Unduh templat (CSV)' })).toHaveAttribute('href', '/petugas/impor/templat.csv');
  const upload = async () => {
    await staff.goto('/petugas/impor');
    await staff.getByLabel('Berkas CSV').setInputFiles({ name: 'tertunda.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await staff.getByRole('button', { name: 'Unggah dan periksa' }).click();
    await expect(staff.getByRole('heading', { name: /Impor laporan dari berkas: tertunda.csv/ })).toBeVisible();
  };
  await upload();
  await expect(staff.getByText('3 baris: 2 dapat diimpor, 1 bermasalah, 0 sudah ada')).toBeVisible();
  const problem = staff.locator('table.import-problems tbody tr');
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText('4');
  await expect(problem).toContainText('Instansi tidak dikenal');
  await staff.getByRole('button', { name: 'Impor 2 laporan' }).click();
  // The page follows the progress by reloading itself, with or without JavaScript.
  await expect(staff.getByText('Impor selesai: 2 laporan baru, 0 sudah ada sebelumnya.')).toBeVisible({ timeout: 20_000 });
  const ids = staff.locator('table.import-result a[data-tracking-id]');
  await expect(ids).toHaveCount(2);

  // The same file again: nothing is made twice.
  await upload();
  await expect(staff.getByText('3 baris: 2 dapat diimpor, 1 bermasalah, 2 sudah ada')).toBeVisible();
  await staff.getByRole('button', { name: 'Impor 0 laporan' }).click();
  await expect(staff.getByText('Impor selesai: 0 laporan baru, 2 sudah ada sebelumnya.')).toBeVisible({ timeout: 20_000 });

  // The imported reports are in the coordinator's inbox.
  await staff.goto('/petugas');
  await expect(staff.getByRole("link", { name: `Jembatan Sungai Miai retak (${project})` }).first()).toBeVisible();
  await staff.context().close();
});
