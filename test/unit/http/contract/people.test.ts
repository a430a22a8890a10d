import { describe, expect, it } from 'vitest';
import {
  AssociatePersonBody,
  ListPeopleQuery,
  SetRolesBody,
  UpdatePersonBody,
} from '../../../../shared/http/contract/people.js';
import { accepted, rejectedPaths } from './schema-support.js';

const anAssociatePersonBody = (overrides: Record<string, unknown> = {}) => ({
  email: 'grace@contoso.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  ...overrides,
});

describe('AssociatePersonBody', () => {
  it('accepts a valid body, trimming names and emails', () => {
    expect(
      accepted(
        AssociatePersonBody,
        anAssociatePersonBody({
          email: ' grace@contoso.com ',
          firstName: ' Grace ',
          notificationEmail: 'g@home.example',
        }),
      ),
    ).toEqual({
      email: 'grace@contoso.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      notificationEmail: 'g@home.example',
    });
    expect(
      accepted(AssociatePersonBody, anAssociatePersonBody({ notificationEmail: null })).notificationEmail,
    ).toBeNull();
  });

  it('rejects unknown fields', () => {
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ technicalContact: 'first' }))).toEqual([
      '',
    ]);
  });

  it.each(['email', 'firstName', 'lastName'])('rejects a body without %s', (field) => {
    const body: Record<string, unknown> = anAssociatePersonBody();
    delete body[field];
    expect(rejectedPaths(AssociatePersonBody, body)).toEqual([field]);
  });

  it('bounds names at 100 characters and refuses blank ones', () => {
    accepted(
      AssociatePersonBody,
      anAssociatePersonBody({ firstName: 'f'.repeat(100), lastName: 'l'.repeat(100) }),
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: 'f'.repeat(101) }))).toEqual(
      ['firstName'],
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ lastName: 'l'.repeat(101) }))).toEqual([
      'lastName',
    ]);
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: '  ' }))).toEqual([
      'firstName',
    ]);
  });

  it('rejects malformed emails and wrong types', () => {
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ email: 'grace.contoso.com' }))).toEqual(
      ['email'],
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ notificationEmail: 'home' }))).toEqual([
      'notificationEmail',
    ]);
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: 7 }))).toEqual([
      'firstName',
    ]);
  });
});

describe('UpdatePersonBody', () => {
  it('accepts each change alone, and null to clear the notification email', () => {
    expect(accepted(UpdatePersonBody, { firstName: 'Amazing' })).toEqual({ firstName: 'Amazing' });
    expect(accepted(UpdatePersonBody, { notificationEmail: null })).toEqual({ notificationEmail: null });
  });

  it('rejects unknown fields (the work email cannot be changed), over-long names and malformed emails', () => {
    expect(rejectedPaths(UpdatePersonBody, { email: 'new@contoso.com' })).toEqual(['']);
    expect(rejectedPaths(UpdatePersonBody, { lastName: 'l'.repeat(101) })).toEqual(['lastName']);
    expect(rejectedPaths(UpdatePersonBody, { notificationEmail: 'nope' })).toEqual(['notificationEmail']);
  });
});

describe('SetRolesBody', () => {
  it.each(['first', 'second', 'third', null])('accepts technicalContact %j', (slot) => {
    expect(accepted(SetRolesBody, { technicalContact: slot })).toEqual({ technicalContact: slot });
  });

  it('accepts programAdministrator next to technicalContact', () => {
    expect(accepted(SetRolesBody, { technicalContact: null, programAdministrator: true })).toEqual({
      technicalContact: null,
      programAdministrator: true,
    });
  });

  it('requires technicalContact', () => {
    expect(rejectedPaths(SetRolesBody, {})).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { programAdministrator: true })).toEqual(['technicalContact']);
  });

  it('rejects an unknown slot, a wrong type and unknown fields', () => {
    expect(rejectedPaths(SetRolesBody, { technicalContact: 'fourth' })).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { technicalContact: 'First' })).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { technicalContact: null, programAdministrator: 'yes' })).toEqual([
      'programAdministrator',
    ]);
    expect(rejectedPaths(SetRolesBody, { technicalContact: null, role: 'admin' })).toEqual(['']);
  });
});

describe('ListPeopleQuery', () => {
  it('defaults limit to 50', () => {
    expect(accepted(ListPeopleQuery, {})).toEqual({ limit: 50 });
  });

  it('coerces limit from the query string', () => {
    expect(accepted(ListPeopleQuery, { limit: '1' }).limit).toBe(1);
    expect(accepted(ListPeopleQuery, { limit: '200' }).limit).toBe(200);
  });

  it.each(['0', '201', '1000', '-5', 'abc', '1.5'])('rejects limit=%s', (limit) => {
    expect(rejectedPaths(ListPeopleQuery, { limit })).toEqual(['limit']);
  });

  it('accepts q, role and cursor', () => {
    expect(accepted(ListPeopleQuery, { q: ' grace ', role: 'technical-contact', cursor: 'abc' })).toEqual({
      q: 'grace',
      role: 'technical-contact',
      cursor: 'abc',
      limit: 50,
    });
  });

  it('rejects an unknown role, an over-long q and unknown parameters', () => {
    expect(rejectedPaths(ListPeopleQuery, { role: 'owner' })).toEqual(['role']);
    expect(rejectedPaths(ListPeopleQuery, { q: 'q'.repeat(101) })).toEqual(['q']);
    expect(rejectedPaths(ListPeopleQuery, { page: '2' })).toEqual(['']);
  });
});
