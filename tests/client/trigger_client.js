// Triggers run inside the ticket write, as Zendesk runs them: node-zendesk,
// unchanged, creates a group and a trigger that routes tickets tagged
// "refund" to it, then creates such a ticket. The create response itself
// and an immediate show carry the trigger's tags, group and priority, and
// the ticket has exactly one audit, with the rule's events in it. Env:
// HD_URL, HD_EMAIL, HD_TOKEN. Prints "trigger-write: {ticket, group}" for
// the Python side (reports) and "client: all steps passed".
'use strict';
const assert = require('node:assert/strict');
const zendesk = require('node-zendesk');

const client = zendesk.createClient({
  username: process.env.HD_EMAIL,
  token: process.env.HD_TOKEN,
  endpointUri: `${process.env.HD_URL}/api/v2`,
});
const body = (r) => (r && r.result !== undefined ? r.result : r);

function carriesTrigger(t, group, where) {
  assert.equal(t.group_id, group.id, `${where}: group_id`);
  assert.equal(t.priority, 'urgent', `${where}: priority`);
  assert.deepEqual([...t.tags].sort(), ['refund', 'vip_refund'], `${where}: tags`);
}

async function main() {
  const group = body(await client.groups.create({group: {name: '환불팀'}}));
  const trigger = body(await client.triggers.create({trigger: {
    title: '환불 → 환불팀',
    conditions: {all: [{field: 'current_tags', operator: 'includes', value: 'refund'}], any: []},
    actions: [{field: 'group_id', value: String(group.id)},
      {field: 'current_tags', value: 'vip_refund'},
      {field: 'priority', value: 'urgent'}]}}));
  assert.ok(Number.isInteger(trigger.id), JSON.stringify(trigger));
  const created = body(await client.tickets.create({ticket: {
    subject: '환불 요청', comment: {body: '주문을 취소하고 환불받고 싶어요'}, tags: ['refund']}}));
  carriesTrigger(created, group, 'create response');
  console.log('ok the create response carries the trigger\'s changes');
  const shown = body(await client.tickets.show(created.id));
  carriesTrigger(shown, group, 'show');
  console.log('ok an immediate show carries them');
  const audits = body(await client.ticketaudits.list(created.id));
  assert.equal(audits.length, 1, JSON.stringify(audits));
  const rule = audits[0].events.filter((e) => e.via && e.via.channel === 'rule');
  assert.ok(rule.length >= 3, JSON.stringify(audits[0].events));
  for (const e of rule) {
    assert.equal(e.via.source.rel, 'trigger');
    assert.deepEqual(e.via.source.from, {id: trigger.id, title: '환불 → 환불팀'});
  }
  assert.deepEqual(rule.map((e) => e.field_name).sort(), ['group_id', 'priority', 'tags']);
  console.log('ok one audit for the create, with the rule\'s events in it');
  console.log('trigger-write: ' + JSON.stringify({ticket: created.id, group: group.id}));
}

main().then(() => console.log('client: all steps passed'), (e) => {
  console.error('client: FAILED:', e && e.stack ? e.stack : e);
  process.exit(1);
});
