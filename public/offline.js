// lapor on a weak network, the page's half (the service worker, /sw.js, is the other):
// - registers the service worker, and asks it to send what waits on the phone whenever a page
//   opens or the connection comes back;
// - shows what this phone sent or still holds (#kiriman, its texts come with the page);
// - keeps what is typed in a form (`form[data-draft]`) on the phone until that form went
//   through, so that a reload, a crash or a lost connection loses nothing.
(function () {
  'use strict';
  var SUCCESS = ['baru', 'terkirim', 'dijawab', 'selesai'];
  var SKIP = { submission_key: 1, kode: 1, kunci: 1, attachments: 1, action: 1 };

  // --- drafts ----------------------------------------------------------------------------------
  // A form's draft is named by where it posts (or by its data-draft, when forms share that).
  function formKey(form) { return form.getAttribute('data-draft') || new URL(form.action, location.href).pathname; }
  function draftKey(form) { return 'draft:' + formKey(form); }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && !/^(hidden|file|password|submit|button)$/.test(el.type);
    });
  }

  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === 'radio') { if (el.checked) data[el.name] = el.value; }
      else if (el.type === 'checkbox') data[el.name] = el.checked;
      else data[el.name] = el.value;
    });
    try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* full or off */ }
  }

  function atDefault(el) {
    if (el.type === 'radio' || el.type === 'checkbox') return el.checked === el.defaultChecked;
    if (el.tagName === 'SELECT') {
      // The option the server chose (or the first): what a fresh page, or an island that just
      // woke up, shows.
      var chosen = Array.prototype.find.call(el.options, function (o) { return o.defaultSelected; }) || el.options[0];
      return !chosen || el.value === chosen.value;
    }
    return el.value === el.defaultValue;
  }

  function restore(form) {
    var data;
    try { data = JSON.parse(localStorage.getItem(draftKey(form)) || 'null'); } catch (e) { data = null; }
    if (!data) return;
    fields(form).forEach(function (el) {
      if (!(el.name in data) || !atDefault(el)) return;
      var v = data[el.name];
      if (el.type === 'radio') el.checked = el.value === v;
      else if (el.type === 'checkbox') el.checked = v === true || v === 'on';
      else if (typeof v === 'string' && v !== '') el.value = v;
      else return;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  function forget(path) { try { localStorage.removeItem('draft:' + path); } catch (e) { /* off */ } }

  // Signing out leaves no draft of that person on the phone.
  function forgetAll() {
    try {
      Object.keys(localStorage).filter(function (k) { return k.indexOf('draft:') === 0; })
        .forEach(function (k) { localStorage.removeItem(k); });
      sessionStorage.removeItem('lapor-sent');
    } catch (e) { /* off */ }
  }

  function session(name, value) {
    try {
      if (value === undefined) return sessionStorage.getItem(name);
      if (value === null) sessionStorage.removeItem(name); else sessionStorage.setItem(name, value);
    } catch (e) { /* storage blocked */ }
    return null;
  }

  function drafts() {
    var done = session('lapor-sent');
    if (done && SUCCESS.some(function (p) { return new URLSearchParams(location.search).has(p); })) {
      forget(done);
      session('lapor-sent', null);
    }
    document.querySelectorAll('form[action="/keluar"]').forEach(function (form) {
      form.addEventListener('submit', forgetAll);
    });
    document.querySelectorAll('form[data-draft]').forEach(function (form) {
      restore(form);
      var timer;
      form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { save(form); }, 250); });
      form.addEventListener('change', function () { save(form); });
      form.addEventListener('submit', function () {
        save(form);
        session('lapor-sent', formKey(form));
      });
      // An island that wakes later may render its fields again: put the draft back then.
      new MutationObserver(function () { restore(form); })
        .observe(form, { attributes: true, attributeFilter: ['data-hydrated'] });
    });
  }

  // --- the outbox ------------------------------------------------------------------------------
  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open('lapor', 1);
      open.onupgradeneeded = function () { open.result.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result, tx = db.transaction('outbox', mode), req = work(tx.objectStore('outbox'));
        tx.oncomplete = function () { db.close(); resolve(req.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function text(box, name, values) {
    return (box.getAttribute('data-' + name) || '').replace(/\{(\w+)\}/g, function (_, k) { return values[k] || ''; });
  }

  function line(box, item) {
    var li = document.createElement('li');
    li.className = 'kept kept-' + item.state;
    li.setAttribute('data-testid', 'kept-' + item.state);
    var p = document.createElement('p');
    var report = item.path === '/lapor';
    var tracking = item.result ? decodeURIComponent(item.result.split('?')[0].split('/')[2] || '') : '';
    var name = item.state === 'sent' ? (report ? 'sent-report' : 'sent-reply') : item.state;
    p.textContent = text(box, name, { label: item.label, tracking: tracking });
    li.appendChild(p);
    var link = item.state === 'sent' ? item.result : item.state === 'refused' ? item.from : null;
    if (link) {
      var a = document.createElement('a');
      a.href = link;
      a.textContent = text(box, item.state === 'sent' ? 'open' : 'fix', {});
      li.appendChild(a);
    }
    if (item.state !== 'waiting') {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = text(box, 'close', {});
      b.addEventListener('click', function () { store('readwrite', function (s) { return s.delete(item.id); }).then(outbox); });
      li.appendChild(b);
    }
    return li;
  }

  function outbox() {
    var box = document.getElementById('kiriman');
    if (!box || !window.indexedDB) return Promise.resolve();
    return store('readonly', function (s) { return s.getAll(); }).then(function (items) {
      var week = Date.now() - 7 * 864e5;
      items = items.filter(function (i) { return i.state === 'waiting' || i.at > week; });
      var list = box.querySelector('ul');
      list.textContent = '';
      items.forEach(function (item) {
        // Kept on the phone, the text is in the outbox now: a draft of it would be sent twice.
        // Refused, the text goes back into its form's draft, for the user to correct.
        if (item.state === 'waiting' && !item.draftDone) {
          forget(item.path);
          item.draftDone = true;
          store('readwrite', function (s) { return s.put(item); });
        } else if (item.state === 'refused' && item.fields && !item.restored) {
          try { localStorage.setItem('draft:' + item.path, JSON.stringify(item.fields)); } catch (e) { /* off */ }
          item.restored = true;
          store('readwrite', function (s) { return s.put(item); });
        }
        list.appendChild(line(box, item));
      });
      box.hidden = items.length === 0;
    }).catch(function () { /* no storage here */ });
  }

  // --- the service worker ----------------------------------------------------------------------
  function worker() {
    if (!('serviceWorker' in navigator)) return;
    var sw = navigator.serviceWorker;
    var fresh = !sw.controller;
    sw.addEventListener('message', function (e) {
      var data = e.data || {};
      if (data.type === 'signed-out') forgetAll();
      if (data.type !== 'outbox') return;
      outbox();
      // A thread on screen shows what the worker just sent.
      (data.sent || []).forEach(function (path) {
        document.dispatchEvent(new CustomEvent('lapor:terkirim', { detail: path }));
      });
    });
    // A second after the page has loaded: installing fetches a few pages, which must not
    // compete with the first paint on a slow link.
    var register = function () {
      var manifest = document.createElement('link');
      manifest.rel = 'manifest';
      manifest.href = '/manifest.webmanifest';
      document.head.appendChild(manifest);
      sw.register('/sw.js').catch(function () { /* not here */ });
    };
    var later = function () { setTimeout(register, 1000); };
    if (document.readyState === 'complete') later();
    else window.addEventListener('load', later, { once: true });
    sw.ready.then(function (reg) {
      if (fresh) reg.active.postMessage({ type: 'seen', url: location.href });
      reg.active.postMessage({ type: 'flush' });
      window.addEventListener('online', function () { reg.active.postMessage({ type: 'flush' }); });
    });
  }

  function start() { drafts(); outbox(); worker(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
