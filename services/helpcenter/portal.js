// The request form's live article suggestions (services/gateway/portal_form.c
// renders the form; it works without this file, through its "check articles"
// button). As the subject is typed, POST /api/v2/hd/deflection shows the
// articles that may answer it; "this solved my problem" resolves that
// deflection (POST /api/v2/hd/deflection/{id}/resolved) and nothing is filed.
// A static file under the strict CSP: no inline script or style, DOM built
// with createElement, never innerHTML.
(function () {
  'use strict';
  var live = document.getElementById('pt-live');
  var subject = document.getElementById('pt-subject');
  var form = subject && subject.form;
  if (!live || !subject || !form || !window.fetch) return;
  var token = form.querySelector('input[name="csrf_token"]');
  var timer = 0;
  var last = '';
  var seq = 0;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (kids || []).forEach(function (k) {
      e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
    });
    return e;
  }

  function post(url, body) {
    var headers = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    if (token) headers['X-CSRF-Token'] = token.value;
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function solved(id, articleId) {
    return post('/api/v2/hd/deflection/' + id + '/resolved', { article_id: articleId })
      .then(function () {
        var done = el('div', { 'class': 'hc-notice', role: 'status', tabindex: '-1', id: 'pt-resolved' }, [
          el('h2', {}, [live.getAttribute('data-done-title')]),
          el('p', {}, [live.getAttribute('data-done-text')])
        ]);
        form.parentNode.replaceChild(done, form);
        done.focus();
      });
  }

  function show(data) {
    var arts = data.articles || [];
    while (live.firstChild) live.removeChild(live.firstChild);
    if (!arts.length) { live.hidden = true; return; }
    var list = el('ul', { 'class': 'pt-articles' });
    arts.forEach(function (a) {
      var btn = el('button', { type: 'button', 'class': 'hc-secondary' }, [live.getAttribute('data-solved')]);
      btn.addEventListener('click', function () {
        btn.disabled = true;
        solved(data.deflection.id, a.id).catch(function () { btn.disabled = false; });
      });
      list.appendChild(el('li', {}, [el('a', { href: a.html_url }, [a.title || '']), btn]));
    });
    live.appendChild(el('h2', {}, [live.getAttribute('data-heading')]));
    live.appendChild(list);
    live.hidden = false;
  }

  function ask() {
    var q = subject.value.trim();
    if (q.length < 2 || q === last) return;
    last = q;
    var mine = ++seq;
    post('/api/v2/hd/deflection', { deflection: { subject: q, locale: live.getAttribute('data-locale') } })
      .then(function (data) { if (mine === seq) show(data); })
      .catch(function () { /* keep what is shown; the form still files */ });
  }

  subject.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
  if (subject.value.trim()) ask();
})();
