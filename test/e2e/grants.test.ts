import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createPartner, testApp, type AssignmentBody } from '../support/app.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

const { stack, api, operator } = testApp();
const mail = inbox(stack.emailUrl);

interface Usage {
  benefits: {
    benefit: string;
    seats: number;
    invited: number;
    activated: number;
    available: number;
    maxUsage: { count: number; firstReachedAt: string } | null;
  }[];
}

const sentEmailTo = (address: string, subject: RegExp) =>
  eventually(async () => (await mail.messages(address)).find((m) => subject.test(m.subject)), {
    what: `an email to ${address}`,
  });

describe('grants on an Action Pack partner', () => {
  it('needs a Technical Contact slot, then invites with an email that carries an activation link', async () => {
    const p = await createPartner({ name: 'Contoso <Ltd>' });
    const ada = await p.associate('ada', { notificationEmail: `ada.private@${p.domain}` });
    const refused = await p.grant(ada.personId);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('technical-contact-required');

    await p.setSlot(ada.personId, 'first');
    const granted = await p.grant(ada.personId);
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      status: 'invited',
      benefit: 'vs-professional',
      privilege: 'visual-studio-subscriptions',
      delivery: { state: 'queued' },
    });
    expect(JSON.stringify(granted.body)).not.toMatch(/tokenHash/);

    const email = await sentEmailTo(`ada.private@${p.domain}`, /Visual Studio Professional/);
    expect(email.subject).toContain('Contoso <Ltd>');
    expect(email.html).toContain('Contoso &lt;Ltd&gt;');
    expect(email.html).not.toContain('<Ltd>');
    const link = activationLinkIn(email);
    expect(link.pathname).toBe('/api/activate');
    expect(link.searchParams.get('partner')).toBe(p.body.partnerId);
    expect(link.searchParams.get('assignment')).toBe(granted.body.assignmentId);
    expect(link.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const delivered = await eventually(async () => {
      const read = await p.assignment(granted.body.assignmentId);
      return read.body.delivery.state === 'sent' ? read.body : undefined;
    });
    expect(delivered.delivery.to).toBe(`ada.private@${p.domain}`);
  });

  it('refuses the Competency privilege, a second grant, and a grant beyond the seats', async () => {
    const p = await createPartner();
    const people = [];
    for (const [index, slot] of ['first', 'second', 'third'].entries()) {
      const person = await p.associate(`tc${index}`);
      await p.setSlot(person.personId, slot);
      people.push(person);
    }
    const wrong = await p.grant(people[0]!.personId, 'msdn-subscriptions');
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('privilege-not-in-program');
    for (const person of people) expect((await p.grant(person.personId)).status).toBe(201);
    const twice = await p.grant(people[0]!.personId);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already-assigned');

    // Three slots mean three people at most; shrink the entitlement to two seats to run out instead.
    const patched = await api.request('PATCH', p.base, {
      as: operator,
      body: {
        entitlements: [
          { benefit: 'vs-professional', seats: 2, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    const third = (
      await api.request<{ items: AssignmentBody[] }>(
        'GET',
        `${p.base}/assignments?personId=${people[2]!.personId}`,
        {
          as: p.admin,
        },
      )
    ).body.items[0]!;
    expect(
      (await api.request('DELETE', `${p.base}/assignments/${third.assignmentId}`, { as: p.admin })).status,
    ).toBe(200);
    const full = await p.grant(people[2]!.personId);
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('no-seats-available');
  });

  it('the slot of a person with a live subscription cannot be removed (role-in-use)', async () => {
    const p = await createPartner();
    const ada = await p.associate('ada');
    await p.setSlot(ada.personId, 'second');
    const granted = await p.grant(ada.personId);
    const refused = await p.setSlot(ada.personId, null);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('role-in-use');
    expect((await p.setSlot(ada.personId, 'third')).status).toBe(200); // moving is not removing

    await api.request('DELETE', `${p.base}/assignments/${granted.body.assignmentId}`, { as: p.admin });
    expect((await p.setSlot(ada.personId, null)).status).toBe(200);
  });

  it('a person with a live subscription is person-in-use; cascade revokes it and frees the seat', async () => {
    const p = await createPartner();
    const ada = await p.associate('ada');
    await p.setSlot(ada.personId, 'first');
    const granted = await p.grant(ada.personId);
    const refused = await api.request<{ code: string }>('DELETE', `${p.base}/people/${ada.personId}`, {
      as: p.admin,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('person-in-use');
    const cascaded = await api.request('DELETE', `${p.base}/people/${ada.personId}?cascade=true`, {
      as: p.admin,
    });
    expect(cascaded.status).toBe(204);
    const assignment = await p.assignment(granted.body.assignmentId);
    expect(assignment.body).toMatchObject({ status: 'revoked' });
    const partner = await api.request<{
      technicalContacts: Record<string, string | null>;
      usage: { invited: number }[];
    }>('GET', p.base, { as: p.admin });
    expect(partner.body.technicalContacts['first']).toBeNull();
    expect(partner.body.usage[0]!.invited).toBe(0);
  });

  it('no grant outside the entitlement dates', async () => {
    const p = await createPartner({
      entitlements: [
        { benefit: 'vs-professional', seats: 3, startsOn: '2099-01-01', expiresOn: '2100-01-01' },
      ],
    });
    const ada = await p.associate('ada');
    await p.setSlot(ada.personId, 'first');
    const refused = await p.grant(ada.personId);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('entitlement-inactive');
  });
});

describe('grants on a Competency partner', () => {
  it('grants Enterprise without a role, refuses the Action Pack privilege, and reports usage', async () => {
    const p = await createPartner({ program: 'competency' });
    const linus = await p.associate('linus');
    const wrong = await p.grant(linus.personId, 'visual-studio-subscriptions');
    expect(wrong.body.code).toBe('privilege-not-in-program');
    const granted = await p.grant(linus.personId);
    expect(granted.status).toBe(201);
    expect(granted.body.benefit).toBe('vs-enterprise');
    const email = await sentEmailTo(linus.email, /Visual Studio Enterprise/);
    expect(activationLinkIn(email).searchParams.get('assignment')).toBe(granted.body.assignmentId);

    const usage = await api.request<Usage>('GET', `${p.base}/usage`, { as: p.admin });
    expect(usage.body.benefits).toEqual([
      expect.objectContaining({ benefit: 'vs-enterprise', seats: 5, invited: 1, activated: 0, available: 4 }),
    ]);
    expect(usage.body.benefits[0]!.maxUsage!.count).toBe(1);

    const person = await api.request<{ subscriptions: { assignmentId: string }[] }>(
      'GET',
      `${p.base}/people/${linus.personId}`,
      { as: p.admin },
    );
    expect(person.body.subscriptions.map((s) => s.assignmentId)).toEqual([granted.body.assignmentId]);
    const holders = await api.request<{ items: { personId: string }[] }>(
      'GET',
      `${p.base}/people?privilege=msdn-subscriptions`,
      { as: p.admin },
    );
    expect(holders.body.items.map((x) => x.personId)).toEqual([linus.personId]);
  });

  it('revoking an invitation frees its seat at once and sends a short notice', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [{ benefit: 'vs-enterprise', seats: 1, startsOn: '2020-01-01', expiresOn: '2099-01-01' }],
    });
    const a = await p.associate('anna');
    const b = await p.associate('bert');
    const first = await p.grant(a.personId);
    const full = await p.grant(b.personId);
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('no-seats-available');

    const revoked = await api.request<AssignmentBody>(
      'DELETE',
      `${p.base}/assignments/${first.body.assignmentId}`,
      {
        as: p.admin,
      },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const again = await api.request<AssignmentBody>(
      'DELETE',
      `${p.base}/assignments/${first.body.assignmentId}`,
      {
        as: p.admin,
      },
    );
    expect(again.status).toBe(200); // idempotent
    expect((await p.grant(b.personId)).status).toBe(201);
    await sentEmailTo(a.email, /has ended/);
    expect((await mail.messages(a.email)).filter((m) => /has ended/.test(m.subject))).toHaveLength(1);

    const usage = await api.request<Usage>('GET', `${p.base}/usage`, { as: p.admin });
    expect(usage.body.benefits[0]).toMatchObject({ invited: 1, available: 0, maxUsage: { count: 1 } });
  });

  it('resend sends a new link and leaves the old one behind', async () => {
    const p = await createPartner({ program: 'competency' });
    const k = await p.associate('kate');
    const granted = await p.grant(k.personId);
    const first = await sentEmailTo(k.email, /Enterprise/);
    const resent = await api.request<AssignmentBody>(
      'POST',
      `${p.base}/assignments/${granted.body.assignmentId}/resend`,
      { as: p.admin },
    );
    expect(resent.status).toBe(200);
    expect(resent.body.invitation.version).toBe(2);
    const both = await eventually(async () => {
      const messages = (await mail.messages(k.email)).filter((m) => /Enterprise/.test(m.subject));
      return messages.length === 2 ? messages : undefined;
    });
    const tokens = both.map((m) => activationLinkIn(m).searchParams.get('token'));
    expect(new Set(tokens).size).toBe(2);
    expect(tokens).toContain(activationLinkIn(first).searchParams.get('token'));
  });

  it('lists assignments by status and exports them as injection-safe CSV', async () => {
    const p = await createPartner({ program: 'competency' });
    const risky = await p.associate('+cmd', { firstName: '=HYPERLINK("http://evil")' });
    const plain = await p.associate('paul');
    const g1 = await p.grant(risky.personId);
    await p.grant(plain.personId);
    await api.request('DELETE', `${p.base}/assignments/${g1.body.assignmentId}`, { as: p.admin });

    const invited = await api.request<{ items: AssignmentBody[] }>(
      'GET',
      `${p.base}/assignments?status=invited`,
      {
        as: p.admin,
      },
    );
    expect(invited.body.items.map((a) => a.personId)).toEqual([plain.personId]);
    const bad = await api.request('GET', `${p.base}/assignments?status=lost`, { as: p.admin });
    expect(bad.status).toBe(400);

    const csv = await api.request<string>('GET', `${p.base}/assignments.csv`, { as: p.admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const riskyRow = rows.find((r) => r['personId'] === risky.personId)!;
    expect(riskyRow['personEmail']).toBe(`'+cmd@${p.domain}`);
    expect(riskyRow['status']).toBe('revoked');
  });
});

describe('concurrency', () => {
  it('200 parallel grants on 25 seats: exactly 25 assignments, 175 no-seats-available, no 5xx', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: 25, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const people = [];
    for (let batch = 0; batch < 200; batch += 50) {
      people.push(
        ...(await Promise.all(Array.from({ length: 50 }, (_, i) => p.associate(`person${batch + i}`)))),
      );
    }
    const results = await Promise.all(people.map((person) => p.grant(person.personId)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'no-seats-available')).toHaveLength(175);

    const usage = await api.request<Usage>('GET', `${p.base}/usage`, { as: p.admin });
    expect(usage.body.benefits[0]).toMatchObject({
      seats: 25,
      invited: 25,
      available: 0,
      maxUsage: { count: 25 },
    });
    const listed = await api.request<{ items: unknown[] }>('GET', `${p.base}/assignments?limit=200`, {
      as: p.admin,
    });
    expect(listed.body.items).toHaveLength(25);
  });
});
