/**
 * The rows of a CSV file as RFC 4180 reads them (quoted fields hold commas, quotes doubled and
 * line breaks): what a spreadsheet makes of an export, to check it as one would. A file not
 * ended by its last row's CRLF, or a quote left open, is an error: the export always ends its rows.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && cell === '') {
      let end = i + 1;
      for (;;) {
        const at = text.indexOf('"', end);
        if (at < 0) throw new Error(`A quote opened at ${i} is never closed`);
        if (text[at + 1] === '"') {
          end = at + 2;
          continue;
        }
        cell = text.slice(i + 1, at).replace(/""/g, '"');
        i = at + 1;
        break;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`Text after a closing quote at ${i}`);
      continue;
    }
    if (c === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      cell += c;
      i += 1;
    }
  }
  if (row.length > 0 || cell !== '') throw new Error('The last row is not ended by CRLF');
  return rows;
}
