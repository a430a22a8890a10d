import { describe, expect, it } from 'vitest';
import {
  DomainSchema,
  EmailSchema,
  LimitSchema,
  PartnerIdSchema,
  PartnerPathSchema,
} from '../../../../shared/http/contract/common.js';
import { accepted, rejectedPaths } from './schema-support.js';

describe('PartnerIdSchema', () => {
  it.each(['abc', 'contoso', 'contoso-2', '0ab', 'a'.repeat(64)])('accepts %s', (id) => {
    expect(accepted(PartnerIdSchema, id)).toBe(id);
  });

  it.each([
    'ab',
    'Contoso',
    '-contoso',
    'contoso-',
    'con_toso',
    'con toso',
    'a'.repeat(65),
    '',
    'contoso.com',
  ])('rejects %j', (id) => {
    rejectedPaths(PartnerIdSchema, id);
  });

  it('rejects a bad partnerId in a path', () => {
    expect(rejectedPaths(PartnerPathSchema, { partnerId: 'Not_Valid' })).toEqual(['partnerId']);
  });
});

describe('DomainSchema', () => {
  it('trims and lower-cases', () => {
    expect(accepted(DomainSchema, ' Contoso.COM ')).toBe('contoso.com');
    expect(accepted(DomainSchema, 'eu.mail.contoso.co.uk')).toBe('eu.mail.contoso.co.uk');
  });

  it.each([
    'contoso',
    'contoso.',
    '.contoso.com',
    'conto so.com',
    'contoso.c',
    '-contoso.com',
    'contoso-.com',
    'http://contoso.com',
    'ada@contoso.com',
    'contoso.123',
  ])('rejects %j', (domain) => {
    rejectedPaths(DomainSchema, domain);
  });
});

describe('EmailSchema', () => {
  it('trims and accepts an email', () => {
    expect(accepted(EmailSchema, ' grace@contoso.com ')).toBe('grace@contoso.com');
  });

  it.each([
    'grace',
    'grace@',
    '@contoso.com',
    'grace@contoso',
    'grace contoso@contoso.com',
    'grace@@contoso.com',
    '',
  ])('rejects %j', (email) => {
    rejectedPaths(EmailSchema, email);
  });

  it('rejects an email over 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(64)}.com`;
    expect(email).toHaveLength(255);
    rejectedPaths(EmailSchema, email);
  });
});

describe('LimitSchema', () => {
  it('defaults to 50, coerces strings and accepts 1..200', () => {
    expect(accepted(LimitSchema, undefined)).toBe(50);
    expect(accepted(LimitSchema, '1')).toBe(1);
    expect(accepted(LimitSchema, '200')).toBe(200);
  });

  it.each(['0', '201', '-1', '2.5', 'ten'])('rejects %j', (limit) => {
    rejectedPaths(LimitSchema, limit);
  });
});
