import { describe, expect, it } from 'vitest';
import { expectConsistent, expectOneInvitationEach } from '../support/consistency.js';
import { createPartner } from '../support/app.js';
import { cosmosProxy } from '../support/proxies.js';

const cosmos = cosmosProxy();

describe('Cosmos DB answering 429 and 503 in bursts during grants', () => {
  it('every caller gets 201, 409 for a full partner, or 503 dependency-unavailable with Retry-After; never a 500, nothing half-written', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: 30, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const people = [];
    for (let i = 0; i < 40; i++) people.push(await p.associate(`grantee${i}`));
    await p.grant(people[0]!.personId); // the administrator is bound and everything warm before the storm
    await cosmos.setRules([
      {
        kind: 'batch',
        times: 25,
        fault: {
          kind: 'respond',
          status: 429,
          headers: { 'x-ms-retry-after-ms': '30', 'x-ms-substatus': '3200' },
          body: { code: 'TooManyRequests' },
        },
      },
      {
        kind: 'bulk',
        times: 15,
        fault: { kind: 'respond', status: 503, body: { code: 'ServiceUnavailable' } },
      },
      {
        kind: 'batch',
        times: 15,
        fault: { kind: 'respond', status: 503, body: { code: 'ServiceUnavailable' } },
      },
    ]);
    const responses = await Promise.all(people.slice(1).map((person) => p.grant(person.personId)));
    const injected = (await cosmos.rules()).map((r) => r.used);
    await cosmos.clearRules();
    expect(
      injected.every((used) => used > 0),
      `every burst was injected: ${injected.join(', ')}`,
    ).toBe(true);

    const statuses = responses.map((r) => r.status);
    expect(
      statuses.filter((s) => ![201, 409, 503].includes(s)),
      'unexpected statuses',
    ).toEqual([]);
    for (const response of responses.filter((r) => r.status === 503)) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('dependency-unavailable');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    for (const response of responses.filter((r) => r.status === 409))
      expect(response.body.code).toBe('no-seats-available');
    const created = statuses.filter((s) => s === 201).length;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThanOrEqual(29);

    const { live } = await expectConsistent(p, { liveAssignments: created + 1 });
    await expectOneInvitationEach(p, live);
  });
});
