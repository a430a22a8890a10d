import { z } from 'zod';

/** Building blocks shared by the request and response schemas of every endpoint. */
export const PartnerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, 'use 3 to 64 lower-case letters, digits and hyphens')
  .meta({ example: 'contoso' });

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));

export const NameSchema = z.string().trim().min(1, 'must not be empty').max(100);

export const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a domain name such as contoso.com',
  );

/**
 * A path segment id: letters, digits and `-_.:` up to 64 characters, which is all the ids this API makes.
 * Anything else (`/ \\ # ?`, spaces, control characters, a Cosmos DB id over 255 characters) cannot name a
 * document, so the endpoint answers 404 for it before any storage call.
 */
export const IdSegmentSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'not an id this API makes')
  .meta({ example: '3f2b8c1e-7a4d-4e2b-9c1a-2b3c4d5e6f70' });

export const PartnerPathSchema = z.strictObject({ partnerId: PartnerIdSchema });

export const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);
export const CursorSchema = z.string().min(1).max(4096).optional();
/** A list's `?q=`: free text matched in any case. */
export const SearchTextSchema = z.string().trim().min(1).max(100).optional();

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });

export const BooleanQuerySchema = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

const DATE_MESSAGE = 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time such as 2025-07-01T00:00:00Z';

/**
 * A day: `YYYY-MM-DD`, or an ISO 8601 date-time (a portal sends either), normalised to its date part as
 * written, so `2025-07-01T00:00:00+02:00` is 1 July whatever the offset says.
 */
export const DaySchema = z
  .string()
  .trim()
  .refine((value) => {
    const isDay = (day: string) => z.iso.date().safeParse(day).success;
    if (value.length === 10) return isDay(value);
    // A date-time's date part must be a real day too (no 30 February).
    return (
      z.iso.datetime({ offset: true, local: true }).safeParse(value).success && isDay(value.slice(0, 10))
    );
  }, DATE_MESSAGE)
  .transform((value) => value.slice(0, 10))
  .meta({
    description:
      'A day: YYYY-MM-DD, or an ISO 8601 date-time whose date part (as written, whatever its offset) is taken.',
    example: '2025-07-01',
  });
