import { z } from 'zod';
import { PRIVILEGES } from '../domain/program.js';
import { TECHNICAL_CONTACT_SLOTS } from '../domain/partner.js';

/** Empty cells in a CSV mean "not given". */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === ''
    ? undefined
    : typeof value === 'string'
      ? value.trim()
      : value;

const email = z
  .string()
  .max(254)
  .pipe(z.email({ message: 'is not an email address' }));
const name = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** One row of a bulk upload (CSV columns or JSON fields). */
export const BulkRowSchema = z.strictObject({
  email: z.preprocess(blankToUndefined, email),
  firstName: z.preprocess(blankToUndefined, name),
  lastName: z.preprocess(blankToUndefined, name),
  notificationEmail: z.preprocess(blankToUndefined, email.optional()),
  technicalContact: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(TECHNICAL_CONTACT_SLOTS).optional(),
  ),
  privilege: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(PRIVILEGES).optional(),
  ),
});

export const BULK_COLUMNS = [
  'email',
  'firstName',
  'lastName',
  'notificationEmail',
  'technicalContact',
  'privilege',
];
