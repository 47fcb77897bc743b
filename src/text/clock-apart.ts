import { formatSpan } from './format-span.js';

/**
 * How far and which way a device's clock is from its team server's, given the server's clock less
 * the device's: "3 days behind", "2 hours ahead of" (the server's, said after it).
 */
export function clockApart(offset: number): string {
  return `${formatSpan(offset)} ${offset > 0 ? 'behind' : 'ahead of'}`;
}
