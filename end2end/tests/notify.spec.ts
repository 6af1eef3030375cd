import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import { fileAnonymously, person, verify } from './support';

// The e2e server has no mail server: lapor writes each email to its outbox folder as an .eml
// file (the newcomer's way to read them), which these tests read.
const port = Number(process.env.LAPOR_E2E_PORT ?? 3100);
const folder = `/tmp/lapor-e2e-${port}-outbox/email`;

/** A mail's text with quoted-printable undone. */
function unfold(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The first email to `to` whose text contains `needle`, waiting up to 15 s. */
async function mail(to: string, needle: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    for (const f of files) {
      const text = unfold(fs.readFileSync(`${folder}/${f}`, 'utf8'));
      if (text.includes(`To: ${to}`) && text.includes(needle)) return text;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`no email to ${to} containing ${needle}`);
}

function unique(what: string) {
  return `${what}-${test.info().project.name}-${Date.now()}@example.id`;
}

test('an anonymous reporter is emailed each change and unsubscribes with the link', async ({ page, browser }) => {
  const email = unique('kabari');
  const title = `Lampu jalan mati ${test.info().project.name} ${Date.now() % 100000}`;
  await fileAnonymously(page, title, email);
  const receipt = await mail(email, 'Laporan Anda sudah kami terima');
  expect(receipt).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  const privateLink = receipt.match(/http:\/\/127\.0\.0\.1:\d+\/laporan\/[^\s]+/)![0];
  // The coordinator verifies: the reporter hears of it.
  await verify(browser, title, 'induk.banjarmasin@demo.lapor.id');
  const news = await mail(email, 'Terverifikasi');
  expect(news).toContain(privateLink);
  // The private link opens the report as its reporter.
  await page.goto(privateLink.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''));
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  // One click in the email, one button on the page, no sign-in.
  const link = news.match(/List-Unsubscribe: <([^>]+)>/)![1];
  const stranger = await person(browser);
  await stranger.goto(link.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''));
  await stranger.getByRole('button', { name: 'Berhenti menerima pemberitahuan' }).click();
  await expect(stranger.getByText('Anda tidak akan menerima pemberitahuan lagi')).toBeVisible();
  await stranger.context().close();
});

test('a forgotten password is reset with the emailed link and the old sessions end', async ({ page }) => {
  const email = unique('lupa');
  await page.goto('/daftar');
  await page.getByLabel('Nama').fill('Warga Lupa');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('kata-sandi-lama-2026');
  await page.getByRole('button', { name: 'Daftar' }).click();
  await expect(page).toHaveURL(/\/laporan-saya$/);

  const fresh = await page.context().browser()!.newContext({
    baseURL: `http://127.0.0.1:${port}`, javaScriptEnabled: test.info().project.name === 'hydrated',
  });
  const forgot = await fresh.newPage();
  await forgot.goto('/masuk');
  await forgot.getByRole('link', { name: 'Lupa kata sandi?' }).click();
  await forgot.getByLabel('Email atau nomor telepon').fill(email);
  await forgot.getByRole('button', { name: 'Kirim tautan' }).click();
  await expect(forgot.getByText('Jika akun itu ada')).toBeVisible();
  const text = await mail(email, 'atur-sandi?kode=');
  const link = text.match(/http:\/\/127\.0\.0\.1:\d+(\/atur-sandi\?kode=[^\s]+)/)![1];
  await forgot.goto(link);
  await forgot.getByLabel('Kata sandi baru').fill('kata-sandi-baru-2026');
  await forgot.getByRole('button', { name: 'Simpan kata sandi' }).click();
  await expect(forgot.getByText('Kata sandi sudah diganti')).toBeVisible();
  await forgot.getByLabel('Email').fill(email);
  await forgot.getByLabel('Kata sandi').fill('kata-sandi-baru-2026');
  await forgot.getByRole('button', { name: 'Masuk' }).click();
  await expect(forgot).toHaveURL(/\/laporan-saya$/);
  // The session opened before the reset has ended.
  await page.goto('/laporan-saya');
  await expect(page).toHaveURL(/\/masuk/);
  await fresh.close();
});
