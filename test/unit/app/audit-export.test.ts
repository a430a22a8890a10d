import { describe, expect, it } from 'vitest';
import { allAudit, auditEvent } from '../../../shared/app/audit.js';
import { rejectionOf } from '../../support/app-error.js';
import { NOW } from '../../support/mothers/clock.js';
import { aPartner } from '../../support/mothers/partner.js';
import { anAdminOf, anOperator } from '../../support/mothers/principal.js';
import { FakeAuditLog, FakePartnerRepository } from '../../support/fakes/index.js';

async function world(events: number) {
  const audit = new FakeAuditLog();
  const ctx = { principal: anOperator(), correlationId: 'corr-1' };
  for (let i = 0; i < events; i++) {
    const at = new Date(NOW.getTime() + i * 1000);
    await audit.record(
      auditEvent({ ...ctx, at }, 'contoso', `action.${i}`, { type: 'partner', id: 'contoso' }),
    );
  }
  // Another partner's event is never part of Contoso's export.
  await audit.record(
    auditEvent({ ...ctx, at: NOW }, 'fabrikam', 'other', { type: 'partner', id: 'fabrikam' }),
  );
  const deps = {
    partners: new FakePartnerRepository(
      aPartner(),
      aPartner({ partnerId: 'fabrikam', programAdministrators: [] }),
    ),
    audit,
    clock: () => NOW,
  };
  return { deps, ctx };
}

const collect = async <T>(events: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const e of events) all.push(e);
  return all;
};

describe('allAudit', () => {
  it("pages through the whole log, newest first, the partner's own events only", async () => {
    const { deps, ctx } = await world(450);
    const events = await collect(allAudit(deps, ctx, 'contoso'));
    expect(events).toHaveLength(450);
    expect(events[0]!.action).toBe('action.449');
    expect(events.at(-1)!.action).toBe('action.0');
    expect(new Set(events.map((e) => e.partnerId))).toEqual(new Set(['contoso']));
  });

  it("lets the partner's administrator export, and refuses another partner's as not found", async () => {
    const { deps } = await world(3);
    const admin = { principal: anAdminOf('ada@contoso.com'), correlationId: 'corr-2' };
    expect(await collect(allAudit(deps, admin, 'contoso'))).toHaveLength(3);
    await rejectionOf(collect(allAudit(deps, admin, 'fabrikam')), 'not-found');
  });
});
