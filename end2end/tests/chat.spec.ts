import { test, expect, Page } from '@playwright/test';
import { fileAnonymously, official, openActions, openFromInbox } from './support';

// The thread as a chat, for the citizen and the OPD, on a 360 px phone: the conversation
// first and newest last, the reply box under it, the official's actions folded under the
// title. Hydrated, a reply shows at once ("mengirim…") and joins the thread without a reload,
// and the other side sees it live; without JavaScript the same plain form posts and the page
// comes back with it. Service workers are blocked here so that the test can slow the network
// down (the offline spec covers the worker).

test.use({ serviceWorkers: 'block' });
const noWorker = { serviceWorkers: 'block' as const };

const hydrated = () => test.info().project.name === 'hydrated';

/** Holds every reply post for `ms` before letting it through, so "mengirim…" can be seen. */
async function slowReplies(page: Page, ms: number) {
  await page.route(/\/pesan$/, async (route) => {
    await new Promise((r) => setTimeout(r, ms));
    await route.continue();
  });
}

/** Sends `text` from the reply box labelled `label`, and checks it lands as the newest message
 * of the thread: in place (hydrated, no reload) or with the page coming back (no JavaScript). */
async function send(page: Page, label: string, text: string) {
  const before = page.url();
  await page.getByLabel(label).fill(text);
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  const thread = page.locator('ol[data-live="thread"]');
  if (hydrated()) {
    await expect(thread.locator('.event.pending')).toContainText('mengirim…');
    await expect(thread.locator('.event.pending')).toHaveCount(0, { timeout: 10_000 });
    expect(page.url()).toBe(before);
  } else {
    await expect(page).toHaveURL(/terkirim=1#balas$/);
  }
  await expect(thread.locator('li').last()).toContainText(text);
  await expect(page.getByLabel(label)).toHaveValue('');
}

/** The reply box sits right under the newest message, and the page is no longer than a few
 * screens with a short thread. */
async function chatLayout(page: Page) {
  const last = await page.locator('ol[data-live="thread"] > li').last().boundingBox();
  const composer = await page.locator('form#balas').boundingBox();
  expect(composer!.y).toBeGreaterThanOrEqual(last!.y + last!.height);
  expect(composer!.y - (last!.y + last!.height)).toBeLessThan(120);
}

test('citizen and OPD talk like in a chat, each seeing the other', async ({ page, browser }) => {
  const title = `Pipa bocor di gang (obrolan) ${test.info().project.name} ${Date.now()}`;
  const link = await fileAnonymously(page, title);

  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id', noWorker);
  await openFromInbox(induk, title);
  const actions = induk.locator('details#tindakan');
  await expect(actions).not.toHaveAttribute('open', '');
  // Folded under the title: the actions come before the history, not after it.
  const folded = await actions.boundingBox();
  const history = await induk.locator('section.thread').boundingBox();
  expect(folded!.y).toBeLessThan(history!.y);
  expect(folded!.height).toBeLessThan(120);
  await openActions(induk);
  await induk.getByRole('button', { name: 'Verifikasi' }).click();
  await induk.getByLabel('OPD tujuan').selectOption({ label: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
  await induk.getByRole('button', { name: 'Disposisi ke OPD' }).click();
  await expect(induk.getByTestId('status')).toHaveText('Terdisposisi – Belum Ditindaklanjuti');
  await induk.context().close();

  const opd = await official(browser, 'pupr.banjarmasin@demo.lapor.id', noWorker);
  await openFromInbox(opd, title);
  await chatLayout(opd);
  await page.goto(link);
  await chatLayout(page);
  if (hydrated()) {
    await slowReplies(opd, 800);
    await slowReplies(page, 800);
    await expect(opd.locator('.live-status')).toHaveAttribute('data-live-ready', 'true');
    await expect(page.locator('.live-status')).toHaveAttribute('data-live-ready', 'true');
  }

  await send(opd, 'Balas ke pelapor', 'Pipa akan kami ganti hari Kamis.');
  await expect(opd.getByTestId('status')).toHaveText('Sedang Diproses');
  await chatLayout(opd);
  // The citizen sees it live (hydrated) or on the next visit (no JavaScript).
  if (!hydrated()) await page.reload();
  await expect(page.locator('ol[data-live="thread"] li').last()).toContainText('Pipa akan kami ganti hari Kamis.');

  await send(page, 'Tulis balasan', 'Terima kasih, saya ada di rumah hari Kamis.');
  await chatLayout(page);
  if (!hydrated()) await opd.reload();
  await expect(opd.locator('ol[data-live="thread"] li').last()).toContainText('Terima kasih, saya ada di rumah hari Kamis.');
  await expect(opd.getByText('Terima kasih, saya ada di rumah hari Kamis.')).toHaveCount(1);
  await opd.context().close();
});

test('an official on a desktop gets the thread beside the report and actions', async ({ browser, page }) => {
  const title = `Tiang listrik miring (desktop) ${test.info().project.name} ${Date.now()}`;
  await fileAnonymously(page, title);
  const induk = await official(browser, 'induk.banjarmasin@demo.lapor.id', noWorker);
  await induk.setViewportSize({ width: 1280, height: 800 });
  await openFromInbox(induk, title);
  const thread = (await induk.locator('section.thread').boundingBox())!;
  const side = (await induk.locator('.case-actions').boundingBox())!;
  expect(thread.width).toBeGreaterThan(600);
  expect(side.x).toBeGreaterThan(thread.x + thread.width);
  await induk.context().close();
});

test('a refused reply comes back with its text and the reason, in place', async ({ page }) => {
  const title = `Balasan terlalu panjang ${test.info().project.name} ${Date.now()}`;
  const link = await fileAnonymously(page, title);
  await page.goto(link);
  const long = 'a'.repeat(4001);
  // Past the field's own limit, as a hostile or broken client would send it.
  await page.getByLabel('Tulis balasan').evaluate((el, v) => {
    el.removeAttribute('maxlength');
    (el as HTMLTextAreaElement).value = v;
  }, long);
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  await expect(page.locator('form#balas .field-error')).toBeVisible();
  await expect(page.getByLabel('Tulis balasan')).toHaveValue(long);
  await expect(page.locator('ol[data-live="thread"]').getByText(long)).toHaveCount(0);
});
