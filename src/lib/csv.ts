/**
 * A CSV file for people who open it in Excel: RFC 4180 quoting, CRLF lines, and a byte-order mark so the
 * Chinese reads right. Text that starts like a formula (= + - @, tab, CR) gets a leading apostrophe, so a
 * citizen's title can never run as a formula in a staff member's spreadsheet (CSV injection); numbers
 * stay numbers.
 */
export function csvForExcel(rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null): string => {
    if (value === null) return '';
    if (typeof value === 'number') return String(value);
    const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${rows.map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}
