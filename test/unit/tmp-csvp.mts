import { toCsv } from '/work/main/shared/http/csv.ts';
import { parse } from 'csv-parse/sync';
const t = toCsv(['a','b'], [['line\nbreak','cr\ronly'],['x','y']]);
console.log(JSON.stringify(parse(t)));
const t2 = toCsv(['a','b'], [['x','y'],['line\r\nbreak','z']]);
console.log(JSON.stringify(t2), JSON.stringify(parse(t2)));
const t3 = toCsv(['a'], [['first\nline']]);
console.log(JSON.stringify(t3), JSON.stringify(parse(t3)));
