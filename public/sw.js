// lapor's service worker: what keeps the citizen's side usable without a signal.
//
// - Pages a citizen has seen (home, form, listing, tracking, a report, their own list) are
//   kept on the phone, fetched from the network first and shown from the phone when there is
//   none, marked with the time they were last seen (the page carries that note, hidden).
// - A report or a reply sent without a connection is kept on the phone (IndexedDB, the very
//   request the form made, with its submission key) and sent as soon as the connection
//   returns: on Background Sync where the browser has it, otherwise when a page of the site
//   opens or comes back online. The server treats a second copy with the same key as the same
//   report, so a retry never makes two.
// - Officials' pages are never kept: they are live working pages with other people's data.
'use strict';

const PAGES = 'lapor-pages-1';
const FILES = 'lapor-files-1';
const SAVED = '/tersimpan';
const OFFLINE = '/luring';
const SYNC_TAG = 'lapor-kirim';

// Writes that may wait on the phone: a new report, a citizen's reply, an official's reply.
const QUEUED = [/^\/lapor$/, /^\/laporan\/[^/]+\/pesan$/, /^\/petugas\/laporan\/[^/]+\/pesan$/];
// Pages kept for reading offline.
const KEPT = [/^\/$/, /^\/lapor$/, /^\/laporan$/, /^\/laporan\/[^/]+$/, /^\/lacak$/,
  /^\/laporan-saya$/, /^\/tersimpan$/, /^\/luring$/, /^\/statistik$/, /^\/bantuan\/sms$/];
// One-off notices in a page's address that say nothing about the page itself.
const NOTICES = ['baru', 'terkirim', 'dijawab'];

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([PAGES, FILES]);
    for (const name of await caches.keys()) if (!keep.has(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST') {
    if (url.pathname === '/keluar') event.waitUntil(signedOut());
    if (QUEUED.some((re) => re.test(url.pathname))) event.respondWith(sendOrKeep(request));
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.startsWith('/pkg/') || url.pathname === '/offline.js'
    || url.pathname === '/favicon.svg' || url.pathname.startsWith('/ikon/')) {
    event.respondWith(file(request));
  } else if (request.mode === 'navigate') {
    if (url.pathname.startsWith('/bahasa/')) event.waitUntil(later(precache));
    event.respondWith(page(request, url));
  }
});

// Refused while something still waits (the server out of reach), so that the browser tries
// again later, backing off, instead of counting the sync as done.
self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(flush().then((waiting) => {
    if (waiting > 0) throw new Error(`${waiting} still waiting`);
  }));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'flush') event.waitUntil(flush());
  if (data.type === 'seen' && typeof data.url === 'string') event.waitUntil(remember(data.url));
});

// Signing out leaves nothing of that person on the phone: no kept page, nothing waiting to
// be sent in their name; the two fallback pages are kept again.
async function signedOut() {
  await caches.delete(PAGES);
  await store('readwrite', (s) => s.clear());
  tell({ type: 'signed-out' });
  await precache();
}

// --- pages -----------------------------------------------------------------------------------

function pageKey(url) {
  const key = new URL(url);
  for (const name of NOTICES) key.searchParams.delete(name);
  key.hash = '';
  return key.href;
}

function kept(url) {
  return KEPT.some((re) => re.test(url.pathname));
}

async function page(request, url) {
  try {
    const response = await fetch(request);
    if (kept(url) && response.ok && response.type === 'basic') {
      const copy = response.clone();
      (async () => (await caches.open(PAGES)).put(pageKey(url), copy))().catch(() => {});
    }
    if (response.ok) flush();
    return response;
  } catch (err) {
    return offlinePage(url);
  }
}

async function offlinePage(url) {
  // Where the report form goes once the worker kept it: news of now, not a page last seen.
  if (url.pathname === SAVED) return savedPage();
  const cache = await caches.open(PAGES);
  const seen = kept(url) && await cache.match(pageKey(url));
  if (seen) return lastSeen(seen);
  const fallback = await cache.match(new URL(OFFLINE, self.location.origin).href);
  return fallback ? lastSeen(fallback, 503) : Response.error();
}

// A kept page shown offline: its "last seen" note made visible, and fresh one-time keys in its
// forms, so that two reports written on one kept page stay two reports.
async function lastSeen(response, status) {
  let html = await response.text();
  html = html.replace(/<p [^>]*offline-note[^>]*>/, (tag) => tag.replace(/ hidden(="")?(?=[ >])/, ''));
  for (const m of html.matchAll(/name="(?:submission_key|kunci)" value="([0-9a-f]{32})"/g)) {
    html = html.split(m[1]).join(freshKey());
  }
  // The page's own policy (its nonce is the one in the kept HTML) and headers come along.
  const headers = { 'Content-Type': 'text/html; charset=utf-8', 'X-Lapor-Offline': '1' };
  for (const name of ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  return new Response(html, { status: status || 200, headers });
}

function freshKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// A page seen before this worker controlled it (the first visit): fetched again to keep it,
// with the files it loads.
async function remember(href) {
  const url = new URL(href);
  if (url.origin !== self.location.origin || !kept(url)) return;
  try {
    const response = await fetch(url.href, { credentials: 'same-origin' });
    if (!response.ok) return;
    const html = await response.clone().text();
    await (await caches.open(PAGES)).put(pageKey(url), response);
    await keepFiles(html);
  } catch (err) { /* offline: nothing to keep now */ }
}

async function precache() {
  const cache = await caches.open(PAGES);
  for (const path of [SAVED, OFFLINE]) {
    try {
      const response = await fetch(path, { credentials: 'same-origin' });
      if (response.ok) await cache.put(new URL(path, self.location.origin).href, response);
    } catch (err) { /* installed offline: kept at the next visit */ }
  }
}

function later(task) {
  return new Promise((resolve) => setTimeout(resolve, 1500)).then(task);
}

// --- files -----------------------------------------------------------------------------------

// Files under /pkg/ are named by their content: once kept, they never change. The others
// (offline.js, the icons) come from the network when there is one.
async function file(request) {
  const cache = await caches.open(FILES);
  const immutable = new URL(request.url).pathname.startsWith('/pkg/');
  if (immutable) {
    const hit = await cache.match(request);
    if (hit) return hit;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') cache.put(request, response.clone()).catch(() => {});
    return response;
  } catch (err) {
    return (await cache.match(request)) || Response.error();
  }
}

async function keepFiles(html) {
  const cache = await caches.open(FILES);
  const paths = new Set();
  // Every file the page names: its stylesheet, scripts and WebAssembly, in attributes or in
  // the inline loader.
  for (const m of html.matchAll(/["'](\/(?:pkg\/[^"']+|offline\.js|favicon\.svg))["']/g)) paths.add(m[1]);
  for (const path of paths) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path);
      if (response.ok) await cache.put(path, response);
    } catch (err) { return; }
  }
}

// --- the outbox ------------------------------------------------------------------------------

async function sendOrKeep(request) {
  const copy = request.clone();
  try {
    const response = await fetch(request);
    return response;
  } catch (err) {
    const item = await keep(copy);
    if (self.registration.sync) self.registration.sync.register(SYNC_TAG).catch(() => {});
    tell({ type: 'outbox' });
    if (request.mode === 'navigate') return savedPage();
    return new Response(JSON.stringify({ kept: item.id }), {
      status: 202,
      headers: { 'Content-Type': 'application/json', 'X-Lapor-Kept': '1' },
    });
  }
}

async function savedPage() {
  const cache = await caches.open(PAGES);
  const saved = await cache.match(new URL(SAVED, self.location.origin).href);
  if (saved) return new Response(await saved.text(), {
    status: 202, headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
  return new Response('', { status: 202 });
}

async function keep(request) {
  const url = new URL(request.url);
  const type = request.headers.get('Content-Type') || '';
  const body = await request.clone().arrayBuffer();
  let label = '';
  // Where to fix it if the server refuses it: the form, or the thread the reply belongs to;
  // and what was typed, which goes back into that form's draft then.
  let from = url.pathname.replace(/\/pesan$/, '');
  const fields = {};
  const official = url.pathname.startsWith('/petugas/');
  try {
    const form = await request.formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string' && !['submission_key', 'kunci', 'kode', 'attachments'].includes(name)) {
        fields[name] = value;
      }
    }
    // An official's message is not shown in the phone's list: it may be an internal note.
    if (!official) label = String(form.get('title') || form.get('body') || '').slice(0, 80);
    const code = form.get('kode');
    if (code) from += '?kode=' + encodeURIComponent(code);
  } catch (err) { /* not a form: no label */ }
  const item = { path: url.pathname, type, body, label, from, fields, official, state: 'waiting', at: Date.now() };
  item.id = await store('readwrite', (s) => s.add(item));
  return item;
}

let flushing = null;

// Sends what waits, oldest first, one at a time; a second call while one runs joins it.
// Resolves to how many still wait.
function flush() {
  if (!flushing) flushing = sendAll().finally(() => { flushing = null; });
  return flushing;
}

async function sendAll() {
  const items = (await store('readonly', (s) => s.getAll())).filter((i) => i.state === 'waiting');
  let changed = false;
  let waiting = items.length;
  const sent = [];
  for (const item of items) {
    let response;
    try {
      response = await fetch(item.path, {
        method: 'POST', body: item.body, credentials: 'same-origin',
        // Sent now, written long ago: the server takes it as it is (app::state::REPLAY_HEADER).
        headers: item.type ? { 'Content-Type': item.type, 'X-Lapor-Replay': '1' } : { 'X-Lapor-Replay': '1' },
      });
    } catch (err) {
      break; // still no connection: the rest waits too
    }
    const landed = new URL(response.url);
    if (response.ok && response.redirected && landed.pathname !== '/masuk') {
      item.state = 'sent';
      item.result = landed.pathname + landed.search;
      sent.push(item.path);
    } else if (landed.pathname === '/masuk' || (response.status >= 400 && response.status < 500
      && response.status !== 408 && response.status !== 429)) {
      item.state = 'refused';
    } else {
      continue; // the server is struggling: try again later
    }
    waiting -= 1;
    item.body = null;
    // Sent, an official's message leaves nothing behind; refused, its text waits in `fields`
    // for the page to put back into the form's draft.
    if (item.official && item.state === 'sent') await store('readwrite', (s) => s.delete(item.id));
    else await store('readwrite', (s) => s.put(item));
    changed = true;
  }
  if (changed) tell({ type: 'outbox', sent });
  return waiting;
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage(message);
  }
}

function store(mode, work) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('lapor', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('outbox', mode);
      const req = work(tx.objectStore('outbox'));
      tx.oncomplete = () => { db.close(); resolve(req.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  });
}
