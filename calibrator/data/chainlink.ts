/** Chainlink round-history CSVs (`round_id, ..., answer_raw, decimals, started_at_unix, updated_at_unix, ...`). */
import { columnIndex, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";

export interface ChainlinkRounds {
  file: string;
  roundId: readonly bigint[];
  /** Answers as prices (answer_raw / 10^decimals). */
  price: Float64Array;
  /** Exact answers as reported on-chain. */
  answerRaw: readonly bigint[];
  startedAt: Float64Array;
  updatedAt: Float64Array;
  decimals: number;
}

const INTEGER = /^-?\d+$/;

export function loadChainlinkRounds(file: string): ChainlinkRounds {
  const table = readCsv(file);
  const col = {
    roundId: columnIndex(table, "round_id"),
    answer: columnIndex(table, "answer_raw"),
    decimals: columnIndex(table, "decimals"),
    startedAt: columnIndex(table, "started_at_unix"),
    updatedAt: columnIndex(table, "updated_at_unix"),
  };
  const n = table.rows.length;
  const roundId: bigint[] = [];
  const answerRaw: bigint[] = [];
  const price = new Float64Array(n);
  const startedAt = new Float64Array(n);
  const updatedAt = new Float64Array(n);
  let decimals = -1;
  const integer = (i: number, column: number): bigint => {
    const raw = table.rows[i]![column] ?? "";
    if (!INTEGER.test(raw)) throw new DataError(file, i + 2, table.header[column], `not an integer: "${raw}"`);
    return BigInt(raw);
  };
  for (let i = 0; i < n; i++) {
    const line = i + 2;
    const id = integer(i, col.roundId);
    const answer = integer(i, col.answer);
    const dec = Number(integer(i, col.decimals));
    const started = Number(integer(i, col.startedAt));
    const updated = Number(integer(i, col.updatedAt));
    if (answer <= 0n) throw new DataError(file, line, "answer_raw", `must be positive, got ${answer}`);
    if (dec < 0 || dec > 36) throw new DataError(file, line, "decimals", `out of range: ${dec}`);
    if (decimals >= 0 && dec !== decimals) throw new DataError(file, line, "decimals", `changed from ${decimals} to ${dec}`);
    if (updated <= 0) throw new DataError(file, line, "updated_at_unix", "zero: an incomplete round");
    if (started > updated) throw new DataError(file, line, "started_at_unix", `after updated_at_unix (${started} > ${updated})`);
    if (i > 0) {
      if (id <= roundId[i - 1]!) throw new DataError(file, line, "round_id", `not increasing (${id} after ${roundId[i - 1]})`);
      if (updated < updatedAt[i - 1]!) {
        throw new DataError(file, line, "updated_at_unix", `out of order (${updated} before ${updatedAt[i - 1]} on line ${line - 1})`);
      }
    }
    decimals = dec;
    roundId.push(id);
    answerRaw.push(answer);
    price[i] = Number(answer) / 10 ** dec;
    startedAt[i] = started;
    updatedAt[i] = updated;
  }
  return { file, roundId, price, answerRaw, startedAt, updatedAt, decimals };
}
