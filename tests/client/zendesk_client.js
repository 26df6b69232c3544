// Drive the Hana Desk gateway with node-zendesk, unchanged, the way a
// support team's existing tooling would. Env: HD_URL (gateway base, e.g.
// http://127.0.0.1:8080), HD_EMAIL, HD_TOKEN. Exits non-zero on the first
// failed expectation; prints one line per step.
'use strict';
const assert = require('node:assert/strict');
const zendesk = require('node-zendesk');

const client = zendesk.createClient({
  username: process.env.HD_EMAIL,
  token: process.env.HD_TOKEN,
  endpointUri: `${process.env.HD_URL}/api/v2`,
});

// node-zendesk 6 answers {response, result} for single calls and arrays for
// list/getAll; accept both so the test reads the same either way.
const body = (r) => (r && r.result !== undefined ? r.result : r);

async function expectError(status, fn) {
  try {
    await fn();
  } catch (e) {
    const text = String(e && (e.message || e));
    assert.ok(text.includes(String(status)) || (e.statusCode === status) ||
              (e.result && e.result.error), `expected ${status}, got: ${text}`);
    return e;
  }
  assert.fail(`expected an HTTP ${status} error`);
}

async function step(name, fn) {
  const t0 = Date.now();
  await fn();
  console.log(`ok ${name} (${Date.now() - t0} ms)`);
}

async function main() {
  let minjun, alice, korean, english;
  await step('users.create (Korean and English names)', async () => {
    minjun = body(await client.users.create({user: {name: '김민준', email: 'minjun@example.kr', role: 'end-user'}}));
    alice = body(await client.users.create({user: {name: 'Alice Smith', email: 'alice@example.com'}}));
    assert.equal(minjun.name, '김민준');
    assert.ok(Number.isInteger(alice.id));
  });
  await step('tickets.create (Korean and English)', async () => {
    korean = body(await client.tickets.create({ticket: {
      subject: '배송 문의', comment: {body: '배송이 지연되고 있습니다'}, requester_id: minjun.id, priority: 'high'}}));
    english = body(await client.tickets.create({ticket: {
      subject: 'Refund request', comment: {body: 'Please refund my order'}, requester_id: alice.id}}));
    assert.equal(korean.subject, '배송 문의');
    assert.equal(english.requester_id, alice.id);
  });
  await step('internal note and public reply', async () => {
    await client.tickets.update(korean.id, {ticket: {comment: {body: '내부 메모: 택배사 확인 중', public: false}}});
    await client.tickets.update(korean.id, {ticket: {comment: {body: '확인 후 안내드리겠습니다', public: true}, status: 'pending'}});
    const comments = await client.tickets.getComments(korean.id);
    assert.equal(comments.length, 3);
    assert.deepEqual(comments.map((c) => c.public), [true, false, true]);
    const shown = body(await client.tickets.show(korean.id));
    assert.equal(shown.status, 'pending');
  });
  await step('create_many for paging (250 tickets)', async () => {
    for (let batch = 0; batch < 3; batch++) {
      const n = batch < 2 ? 100 : 50;
      const tickets = Array.from({length: n}, (_, i) => ({
        subject: `bulk ${batch}-${i}`, comment: {body: `paging test ${batch}-${i} 페이지`}, tags: ['bulk']}));
      const job = body(await client.tickets.createMany({tickets}));
      const status = job.job_status || job;
      assert.ok(['queued', 'working', 'completed'].includes(status.status), JSON.stringify(status));
    }
  });
  await step('cursor pagination: tickets.list walks 3+ pages', async () => {
    const all = await client.tickets.list();
    const ids = all.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'a ticket repeated');
    assert.ok(ids.length >= 252, `only ${ids.length} tickets listed`);
  });
  await step('offset pagination: search.queryAll walks 3+ pages', async () => {
    const results = await client.search.queryAll('tags:bulk');
    assert.equal(results.length, 250);
    assert.ok(results.every((r) => r.result_type === 'ticket'));
    assert.equal(new Set(results.map((r) => r.id)).size, 250);
  });
  await step('search in English and Korean', async () => {
    // node-zendesk unwraps "results" into the array itself.
    const results = (r) => (Array.isArray(body(r)) ? body(r) : body(r).results);
    const en = results(await client.search.query('refund'));
    assert.ok(en.some((r) => r.id === english.id && r.result_type === 'ticket'), 'English search missed');
    const ko = results(await client.search.query('배송'));
    assert.ok(ko.some((r) => r.id === korean.id), 'Korean search missed');
    assert.ok(!ko.some((r) => r.id === english.id), 'Korean search matched English ticket');
  });
  await step('errors the client expects: 404 and 422', async () => {
    await expectError(404, () => client.tickets.show(korean.id + 256 * 100000));
    await expectError(422, () => client.tickets.create({ticket: {subject: 'x', comment: {body: 'y'}, priority: 'asap'}}));
  });
}

main().then(() => console.log('client: all steps passed'), (e) => {
  console.error('client: FAILED:', e && e.stack ? e.stack : e);
  process.exit(1);
});
