import type { Fen } from '@app/domain/scoring';

/** Integer fen as the contract's Decimal string in yuan: 12500050 -> "125000.50". Exact: no float division. */
export function formatFen(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs - yuan * 100;
  return `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}
