import { test, expect, Page, Browser } from '@playwright/test';
import { fileAnonymously, official, openActions, openFromInbox } from './support';

// The officials' desk, hydrated and with JavaScript off: two officials of one OPD share its
// inbox (taking and assigning reports), a reply template goes into the composer, and a
// coordinator acts on several reports at once.

const hydrated = () => test.info().project.name === 'hydrated';

function unique(prefix: string) {
  return `${prefix} ${test.info().project.name} ${Date.now()}`;
}

const PUPR = 'Dinas Pekerjaan Umum dan Penataan Ruang';

/** Files a report and has the coordinator verify it and forward it to Dinas PUPR. */
async function forwardedToPupr(page: Page, browser: Browser, title: string) {
  const link = await fileAnonymously(page, title);
  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(induk, title);
  await openActions(induk);
  await induk.getByRole('button', { name: 'Verifikasi' }).click();
  await induk.getByLabel('OPD tujuan').selectOption({ label: PUPR });
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();
  await expect(induk.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');
  await induk.context().close();
  return link;
}

test('two officials of one OPD: one takes a report, hands it to the other, who finds it in "mine"', async ({ page, browser }) => {
  const title = unique('Trotoar ambles');
  await forwardedToPupr(page, browser, title);

  const admin = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  // New and unassigned in the organisation's inbox.
  await admin.goto('/petugas?lihat=belum');
  const row = admin.locator('li.case', { hasText: title });
  await expect(row).toContainText('Belum ada petugas');
  await expect(row).toContainText('Baru');
  await row.getByRole('link', { name: title }).click();
  await admin.getByRole('button', { name: 'Ambil' }).click();
  await expect(admin.getByText('Penugasan tersimpan.')).toBeVisible();
  await expect(admin.getByTestId('handler')).toHaveText('Ditangani oleh Anda');

  // Handed to Budi, recorded in the history.
  await admin.getByLabel('Tugaskan ke').selectOption({ label: 'Budi Santoso' });
  await admin.getByRole('button', { name: 'Tugaskan', exact: true }).click();
  await expect(admin.getByTestId('handler')).toHaveText('Ditangani Budi Santoso');
  await expect(admin.locator('ol[data-live="thread"] .internal').last()).toContainText('Ditangani Budi Santoso');

  const budi = await official(browser, 'budi.pupr.banjarmasin@demo.lapor.id');
  await budi.getByRole('link', { name: /^Milik saya/ }).click();
  await expect(budi).toHaveURL(/lihat=saya/);
  await expect(budi.locator('li.case', { hasText: title })).toContainText('Ditangani Budi Santoso');
  // The other official's "mine" does not hold it.
  await admin.goto('/petugas?lihat=saya');
  await expect(admin.getByRole('link', { name: title })).toHaveCount(0);
  for (const p of [admin, budi]) await p.context().close();
});

test('a reply template goes into the composer, filled for the report, and is edited before sending', async ({ page, browser }) => {
  const title = unique('Lampu taman padam');
  await forwardedToPupr(page, browser, title);
  const opd = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(opd, title);
  const tracking = (await opd.locator('.case-head .tracking').textContent())!.replace('#', '');
  const box = opd.getByLabel('Balas ke pelapor');
  if (hydrated()) {
    // `/` and a few letters of the title list it; Enter puts it in (once the page's script
    // has started, a second after it loaded).
    await expect(opd.locator('[data-stream][data-live-ready="true"]')).toBeAttached();
    await box.click();
    await box.pressSequentially('Halo. /jadw');
    await expect(opd.getByRole('option', { name: 'Jadwal survei lapangan' })).toBeVisible();
    await box.press('Enter');
    await expect(opd.getByRole('listbox')).toBeHidden();
  } else {
    await opd.locator('details#templat summary').click();
    await opd.getByRole('link', { name: 'Jadwal survei lapangan' }).click();
  }
  await expect(box).toHaveValue(new RegExp(`Terima kasih atas laporan ${tracking}\\. Tim Dinas Pekerjaan Umum`));
  await box.fill((await box.inputValue()) + ' Mohon sabar.');
  await opd.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(opd.locator('ol[data-live="thread"]').getByText(`Terima kasih atas laporan ${tracking}`)).toBeVisible();
  await expect(opd.locator('ol[data-live="thread"]')).toContainText('Mohon sabar.');

  // The organisation keeps its templates on a page of their own.
  await opd.goto('/petugas/templat');
  await opd.getByLabel('Judul').first().fill(unique('Terima kasih'));
  await opd.getByLabel('Teks').first().fill('Terima kasih, laporan {nomor} sudah selesai kami tangani.');
  await opd.getByRole('button', { name: 'Simpan' }).first().click();
  await expect(opd.getByText('Perubahan tersimpan.')).toBeVisible();
  await opd.context().close();
});

test('a coordinator verifies and forwards several reports at once; one moved on meanwhile is reported', async ({ page, browser }) => {
  const a = unique('Banjir gang A');
  const b = unique('Banjir gang B');
  const c = unique('Banjir gang C');
  for (const t of [a, b, c]) await fileAnonymously(page, t);

  // A colleague verifies C first.
  const colleague = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  await openFromInbox(colleague, c);
  await openActions(colleague);
  await colleague.getByRole('button', { name: 'Verifikasi' }).click();
  await expect(colleague.getByTestId('status')).toHaveText('Terverifikasi');

  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id');
  // Ticked with the others, C is refused and named; A and B are verified.
  await induk.goto('/petugas');
  for (const t of [a, b]) await induk.getByLabel(`Pilih laporan: ${t}`).check();
  await induk.getByLabel(`Pilih laporan: ${c}`).first().check();
  await induk.getByLabel('Tindakan', { exact: true }).selectOption({ label: 'Verifikasi' });
  await induk.getByRole('button', { name: 'Kerjakan untuk yang dicentang' }).click();
  await expect(induk.getByText('Verifikasi: 2 laporan.')).toBeVisible();
  await expect(induk.getByText('1 laporan tidak diproses:')).toBeVisible();
  await expect(induk.locator('ul.refused')).toContainText('statusnya sudah berubah');

  // Forward all three to the OPD in one go.
  for (const t of [a, b, c]) await induk.getByLabel(`Pilih laporan: ${t}`).check();
  await induk.getByLabel('Tindakan', { exact: true }).selectOption({ label: 'Disposisi ke OPD' });
  await induk.getByLabel('Teruskan ke OPD').selectOption({ label: PUPR });
  await induk.getByRole('button', { name: 'Kerjakan untuk yang dicentang' }).click();
  await expect(induk.getByText('Disposisi ke OPD: 3 laporan.')).toBeVisible();
  const opd = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  for (const t of [a, b, c]) await expect(opd.getByRole('link', { name: t })).toBeVisible();
  for (const p of [colleague, induk, opd]) await p.context().close();
});

test('two officials on the same report see each other there, viewing and then replying', async ({ page, browser }) => {
  test.skip(!hydrated(), 'presence is live: it needs JavaScript (without it the page shows who was there when it loaded)');
  const title = unique('Genangan di pasar');
  await forwardedToPupr(page, browser, title);
  const admin = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(admin, title);
  await expect(admin.locator('[data-stream][data-live-ready="true"]')).toBeAttached();
  await expect(admin.getByTestId('presence')).toHaveCount(0);

  const budi = await official(browser, 'budi.pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(budi, title);
  await expect(admin.getByTestId('presence')).toHaveText('Budi Santoso sedang melihat');
  await expect(budi.getByTestId('presence')).toHaveText('Admin Dinas PUPR Banjarmasin sedang melihat');
  await budi.getByLabel('Balas ke pelapor').pressSequentially('Sedang saya cek');
  await expect(admin.getByTestId('presence')).toHaveText('Budi Santoso sedang membalas');
  for (const p of [admin, budi]) await p.context().close();
});

test('an OPD labels a report, finds it again through the label filter, and notes its area', async ({ page, browser }) => {
  const title = unique('Saluran tersumbat');
  const other = unique('Lampu taman padam');
  await forwardedToPupr(page, browser, title);
  await forwardedToPupr(page, browser, other);
  const label = `drainase ${test.info().project.name} ${Date.now() % 100000}`;

  const admin = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(admin, title);
  await admin.getByLabel('Tambah label').fill(`  ${label.toUpperCase()} `);
  await admin.getByRole('button', { name: 'Tambah', exact: true }).click();
  await expect(admin.getByTestId('labels')).toContainText(label);
  await admin.getByLabel('Kelurahan/kecamatan').fill('Kel. Kuin Utara');
  await admin.getByRole('button', { name: 'Simpan wilayah' }).click();
  await expect(admin.getByLabel('Kelurahan/kecamatan')).toHaveValue('Kel. Kuin Utara');

  // The inbox, filtered by the label: this report, not the other.
  await admin.goto('/petugas');
  await admin.locator(`nav.labels a[data-label="${label}"]`).click();
  await expect(admin).toHaveURL(/label=\d+/);
  await expect(admin.getByRole('link', { name: title })).toBeVisible();
  await expect(admin.getByRole('link', { name: other })).toHaveCount(0);
  // Taken off again, the filter finds nothing.
  await admin.getByRole('link', { name: title }).click();
  await admin.getByRole('button', { name: `Hapus label ${label}` }).click();
  await expect(admin.getByTestId('labels')).not.toContainText(label);
  await admin.context().close();
});

test('on a wide screen the inbox sits beside the report, keys move through it, and ? lists them', async ({ page, browser }) => {
  const first = unique('Pohon tumbang');
  const second = unique('Parit meluap');
  await forwardedToPupr(page, browser, first);
  await forwardedToPupr(page, browser, second);
  const desk = await official(browser, 'pupr.banjarmasin@demo.lapor.id', {
    viewport: { width: 1440, height: 900 }, isMobile: false,
  });
  await openFromInbox(desk, first);
  const side = desk.getByRole('navigation', { name: 'Kotak masuk', exact: true });
  await expect(side).toBeVisible();
  await expect(side.getByRole('link', { name: first })).toHaveAttribute('aria-current', 'page');
  await expect(side.getByRole('link', { name: second })).toBeVisible();
  // Beside, not above: the thread starts right of the list.
  const list = await side.boundingBox();
  const thread = await desk.locator('section.thread').boundingBox();
  expect(thread!.x).toBeGreaterThanOrEqual(list!.x + list!.width);

  if (hydrated()) {
    await expect(desk.locator('[data-stream][data-live-ready="true"]')).toBeAttached();
    const help = desk.getByRole('dialog', { name: 'Pintasan papan ketik' });
    await expect(help).toBeHidden();
    await desk.keyboard.press('?');
    await expect(help).toBeVisible();
    await expect(help).toContainText('Tulis balasan');
    await desk.keyboard.press('Escape');
    await expect(help).toBeHidden();
    // r: the reply box; a key typed there is text, not a shortcut.
    await desk.keyboard.press('r');
    const reply = desk.getByLabel('Balas ke pelapor');
    await expect(reply).toBeFocused();
    await desk.keyboard.type('jk');
    await expect(reply).toHaveValue('jk');
    await reply.fill('');
    await desk.locator('h1').click();
    // j/k from the report open: the next one in the list, and back; o opens the chosen one.
    await desk.keyboard.press('j');
    const chosen = side.locator('li.case > a:focus');
    await expect(chosen).toHaveCount(1);
    const next = (await chosen.textContent())!;
    expect(next).not.toBe(first);
    await desk.keyboard.press('k');
    await expect(side.getByRole('link', { name: first })).toBeFocused();
    await desk.keyboard.press('j');
    await desk.keyboard.press('o');
    await expect(desk.getByRole('heading', { level: 1, name: next })).toBeVisible();
  }
  await desk.context().close();

  // On a phone the same page keeps its one column: no list beside the report.
  const phone = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await openFromInbox(phone, first);
  await expect(phone.getByRole('navigation', { name: 'Kotak masuk', exact: true })).toBeHidden();
  await expect(phone.getByRole('dialog', { name: 'Pintasan papan ketik' })).toBeHidden();
  await phone.context().close();
});

test('an official saves the inbox filter they use and finds it again', async ({ page, browser }) => {
  const title = unique('Jembatan retak');
  await forwardedToPupr(page, browser, title);
  const admin = await official(browser, 'pupr.banjarmasin@demo.lapor.id');
  await admin.goto('/petugas?lihat=belum');
  const name = `Belum ditangani ${test.info().project.name}`;
  await admin.getByText('Filter tersimpan').click();
  await admin.getByLabel('Simpan tampilan ini sebagai filter').fill(name);
  await admin.getByRole('button', { name: 'Simpan filter' }).click();
  await expect(admin.getByText('Filter disimpan.')).toBeVisible();
  await expect(admin).toHaveURL(/lihat=belum/);
  await admin.goto('/petugas?lihat=saya');
  await admin.getByText('Filter tersimpan').click();
  await admin.getByRole('link', { name }).click();
  await expect(admin).toHaveURL(/lihat=belum/);
  await expect(admin.getByRole('link', { name: title })).toBeVisible();
  await admin.getByText('Filter tersimpan').click();
  await admin.getByRole('button', { name: `Hapus filter ${name}` }).click();
  await admin.getByText('Filter tersimpan').click();
  await expect(admin.getByRole('link', { name })).toHaveCount(0);
  await admin.context().close();
});
