import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, toCsv } from '../../../shared/http/csv.js';

const HEADER = ['email', 'note'];

/** Parses as spreadsheets and most CSV readers do: a CR, an LF or a CRLF outside quotes ends a record. */
const parseLikeASpreadsheet = (text: string): string[][] =>
  parse(text, { record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];

describe('toCsv', () => {
  it('writes the header and rows with CRLF record delimiters', () => {
    expect(toCsv(HEADER, [['grace@contoso.com', 'ok']])).toBe('email,note\r\ngrace@contoso.com,ok\r\n');
  });

  it('quotes commas and doubles quotes, and parses back to the same cells', () => {
    const rows = [
      ['a,b', 'say "hi"'],
      ['"quoted"', 'x, "y"'],
    ];
    const text = toCsv(HEADER, rows);
    expect(text).toBe('email,note\r\n"a,b","say ""hi"""\r\n"""quoted""","x, ""y"""\r\n');
    expect(parse(text)).toEqual([HEADER, ...rows]);
  });

  it('quotes a cell with CRLF and parses back to the same cells', () => {
    const rows = [['two\r\nlines', 'x']];
    const text = toCsv(HEADER, rows);
    expect(text).toBe('email,note\r\n"two\r\nlines",x\r\n');
    expect(parseLikeASpreadsheet(text)).toEqual([HEADER, ...rows]);
  });

  it('quotes a cell with a lone LF, so a reader splitting on any line break keeps it in one cell', () => {
    const rows = [['first\nsecond', 'x']];
    const text = toCsv(HEADER, rows);
    expect(text).toBe('email,note\r\n"first\nsecond",x\r\n');
    expect(parseLikeASpreadsheet(text)).toEqual([HEADER, ...rows]);
  });

  it('quotes a cell with a lone CR inside, so a reader splitting on any line break keeps it in one cell', () => {
    const rows = [['first\rsecond', 'x']];
    const text = toCsv(HEADER, rows);
    expect(text).toBe('email,note\r\n"first\rsecond",x\r\n');
    expect(parseLikeASpreadsheet(text)).toEqual([HEADER, ...rows]);
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])(
    'neutralises a cell starting with %j by prefixing a quote',
    (lead) => {
      const cell = `${lead}HYPERLINK("http://evil.example","x")`;
      const text = toCsv(HEADER, [['grace@contoso.com', cell]]);
      const parsed = parse(text) as string[][];
      expect(parsed[1]).toEqual(['grace@contoso.com', `'${cell}`]);
    },
  );

  it('neutralises formula cells in every column, not only the first', () => {
    const parsed = parse(toCsv(['a', 'b', 'c'], [['=1+1', 'ok', '@SUM(A1)']])) as string[][];
    expect(parsed[1]).toEqual(["'=1+1", 'ok', "'@SUM(A1)"]);
  });

  it('leaves other cells unchanged, including formula characters that are not first', () => {
    const rows = [
      ['grace@contoso.com', 'a=b+c-d@e'],
      [' =not first', "'already"],
    ];
    expect(parse(toCsv(HEADER, rows))).toEqual([HEADER, ...rows]);
  });

  it('writes null and undefined as empty cells', () => {
    const text = toCsv(['a', 'b', 'c'], [[null, undefined, 'x']]);
    expect(text).toBe('a,b,c\r\n,,x\r\n');
    expect(parse(text)).toEqual([
      ['a', 'b', 'c'],
      ['', '', 'x'],
    ]);
  });

  it('writes numbers and booleans as their text', () => {
    expect(parse(toCsv(['n', 'b'], [[42, true]]))).toEqual([
      ['n', 'b'],
      ['42', 'true'],
    ]);
  });
});

describe('neutralizeFormula', () => {
  it.each([
    ['=cmd', "'=cmd"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain', 'plain'],
    ['', ''],
  ])('turns %j into %j', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it('turns null and undefined into an empty string', () => {
    expect(neutralizeFormula(null)).toBe('');
    expect(neutralizeFormula(undefined)).toBe('');
  });
});
