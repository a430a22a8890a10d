import { describe, expect, it } from 'vitest';
import { BulkRowSchema } from '../../../shared/app/bulk-row-schema.js';
import type { AppError, ErrorCode } from '../../../shared/domain/errors.js';
import { parseCsvRows } from '../../../shared/http/csv.js';
import { appErrorFrom } from '../../support/app-error.js';

const HEADER = 'email,firstName,lastName,notificationEmail,technicalContact,privilege';
const csv = (text: string): Buffer => Buffer.from(text, 'utf8');

const failureOf = (text: string | Buffer, code: ErrorCode = 'validation-failed'): AppError =>
  appErrorFrom(() => parseCsvRows(typeof text === 'string' ? csv(text) : text), code);

const row = (overrides: Record<string, string> = {}) => ({
  email: 'grace@contoso.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  notificationEmail: '',
  technicalContact: '',
  privilege: '',
  ...overrides,
});

describe('parseCsvRows', () => {
  it('reads one object per row keyed by the header', () => {
    const rows = parseCsvRows(
      csv(
        `${HEADER}\ngrace@contoso.com,Grace,Hopper,,first,visual-studio-subscriptions\nalan@contoso.com,Alan,Turing,alan.n@contoso.com,,\n`,
      ),
    );
    expect(rows).toEqual([
      row({ technicalContact: 'first', privilege: 'visual-studio-subscriptions' }),
      row({
        email: 'alan@contoso.com',
        firstName: 'Alan',
        lastName: 'Turing',
        notificationEmail: 'alan.n@contoso.com',
      }),
    ]);
  });

  it('ignores a UTF-8 byte-order mark before the header', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      csv(`${HEADER}\ngrace@contoso.com,Grace,Hopper,,,\n`),
    ]);
    const rows = parseCsvRows(bytes);
    expect(rows).toEqual([row()]);
    expect(Object.keys(rows[0]!)[0]).toBe('email');
  });

  it('reads CRLF line endings without leaving a carriage return in the last cell', () => {
    const rows = parseCsvRows(
      csv(
        `${HEADER}\r\ngrace@contoso.com,Grace,Hopper,,first,visual-studio-subscriptions\r\nalan@contoso.com,Alan,Turing,,,\r\n`,
      ),
    );
    expect(rows).toEqual([
      row({ technicalContact: 'first', privilege: 'visual-studio-subscriptions' }),
      row({ email: 'alan@contoso.com', firstName: 'Alan', lastName: 'Turing' }),
    ]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const rows = parseCsvRows(
      csv(
        `${HEADER}\r\ngrace@contoso.com,"Grace, Brewster","Hopper ""Amazing""",,,\r\n` +
          `alan@contoso.com,"Alan\r\nMathison","Tu\nring",,,\r\n`,
      ),
    );
    expect(rows).toEqual([
      row({ firstName: 'Grace, Brewster', lastName: 'Hopper "Amazing"' }),
      row({ email: 'alan@contoso.com', firstName: 'Alan\r\nMathison', lastName: 'Tu\nring' }),
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('skips empty lines (%s) before, between and after rows', (_, eol) => {
    const rows = parseCsvRows(
      csv(
        [
          HEADER,
          '',
          'grace@contoso.com,Grace,Hopper,,,',
          '',
          '',
          'alan@contoso.com,Alan,Turing,,,',
          '',
          '',
        ].join(eol),
      ),
    );
    expect(rows).toEqual([row(), row({ email: 'alan@contoso.com', firstName: 'Alan', lastName: 'Turing' })]);
  });

  it('reads one row per line in a file that mixes CRLF and LF line endings', () => {
    // A file edited on two systems: the header ends in CRLF, the next line in LF.
    const rows = parseCsvRows(
      csv(`${HEADER}\r\ngrace@contoso.com,Grace,Hopper,,,\nalan@contoso.com,Alan,Turing,,,\r\n`),
    );
    expect(rows).toEqual([row(), row({ email: 'alan@contoso.com', firstName: 'Alan', lastName: 'Turing' })]);
  });

  it('accepts a header with only the required columns, in any order, and trims header names', () => {
    const rows = parseCsvRows(csv(' lastName , email,firstName\nHopper,grace@contoso.com,Grace\n'));
    expect(rows).toEqual([{ lastName: 'Hopper', email: 'grace@contoso.com', firstName: 'Grace' }]);
  });

  it('answers a header alone with no rows', () => {
    expect(parseCsvRows(csv(`${HEADER}\r\n`))).toEqual([]);
  });

  it.each(['email', 'firstName', 'lastName'])(
    'refuses a header without the required column %s, naming header.<column>',
    (missing) => {
      const header = HEADER.split(',')
        .filter((c) => c !== missing)
        .join(',');
      const error = failureOf(`${header}\nx,y,z,,\n`);
      expect(error.fieldProblems).toEqual([
        { path: `header.${missing}`, message: 'required column is missing' },
      ]);
    },
  );

  it('names every missing required column', () => {
    const error = failureOf('notificationEmail\nn@contoso.com\n');
    expect(error.fieldProblems.map((p) => p.path)).toEqual([
      'header.email',
      'header.firstName',
      'header.lastName',
    ]);
  });

  it('refuses an unknown column, naming it', () => {
    const error = failureOf(`${HEADER},department\ngrace@contoso.com,Grace,Hopper,,,,Research\n`);
    expect(error.fieldProblems).toEqual([{ path: 'header.department', message: 'unknown column' }]);
    expect(error.message).toContain(HEADER);
  });

  it('refuses a header whose column names differ in case, naming both the missing and the unknown one', () => {
    const error = failureOf('Email,firstName,lastName\ngrace@contoso.com,Grace,Hopper\n');
    expect(error.fieldProblems).toEqual([
      { path: 'header.email', message: 'required column is missing' },
      { path: 'header.Email', message: 'unknown column' },
    ]);
  });

  it('refuses an empty upload', () => {
    const error = failureOf('');
    expect(error.message).toMatch(/empty/i);
  });

  it('refuses an upload of only empty lines', () => {
    failureOf('\r\n\r\n\n');
  });

  it('puts the cells beyond the header on that row as extraCells, and leaves the other rows alone', () => {
    const rows = parseCsvRows(
      csv('email,firstName,lastName\ngrace@contoso.com,Grace,Hopper,Jr.,PhD\nalan@contoso.com,Alan,Turing\n'),
    );
    expect(rows).toEqual([
      { email: 'grace@contoso.com', firstName: 'Grace', lastName: 'Hopper', extraCells: 'Jr.,PhD' },
      { email: 'alan@contoso.com', firstName: 'Alan', lastName: 'Turing' },
    ]);
  });

  it('gives a row with extra cells to the row schema, which refuses it naming extraCells', () => {
    const [tooLong, fine] = parseCsvRows(
      csv('email,firstName,lastName\ngrace@contoso.com,Grace,Hopper,Jr.\nalan@contoso.com,Alan,Turing\n'),
    );
    const refused = BulkRowSchema.safeParse(tooLong);
    expect(refused.success).toBe(false);
    expect(refused.error!.issues.map((i) => i.code)).toEqual(['unrecognized_keys']);
    expect(JSON.stringify(refused.error!.issues)).toContain('extraCells');
    expect(BulkRowSchema.safeParse(fine).success).toBe(true);
  });

  it('fills missing trailing cells with empty strings', () => {
    const rows = parseCsvRows(csv(`${HEADER}\ngrace@contoso.com,Grace\nalan@contoso.com\n`));
    expect(rows).toEqual([
      row({ lastName: '' }),
      row({ email: 'alan@contoso.com', firstName: '', lastName: '' }),
    ]);
    expect(rows[0]).not.toHaveProperty('extraCells');
  });

  it('refuses malformed CSV (an unclosed quote) with validation-failed', () => {
    const error = failureOf(
      `${HEADER}\ngrace@contoso.com,"Grace,Hopper,,,\nalan@contoso.com,Alan,Turing,,,\n`,
    );
    expect(error.message).toMatch(/^The CSV cannot be read: /);
  });

  it('refuses a quote in the middle of an unquoted field with validation-failed', () => {
    failureOf(`${HEADER}\ngrace@contoso.com,Gr"ace,Hopper,,,\n`);
  });
});
