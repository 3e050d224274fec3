/** Chainlink round-history CSVs (`round_id, ..., answer_raw, decimals, started_at_unix, updated_at_unix, ...`). */
import { columnIndex, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";
import { checkPriceSeries, type PlausibilityLimits, plausibilityLimits } from "./plausibility.js";

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

export interface RoundLoadOptions {
  /** The plausibility layer (the clock, spikes and steps of the answers); default `plausibilityLimits()`. */
  plausibility?: PlausibilityLimits;
  /**
   * Longest silence between two rounds accepted, seconds (default 72 h: three heartbeats of the
   * slowest shared feed, STETH/ETH at 24 h, whose longest interval is 24.1 h).
   */
  maxRoundGapSeconds?: number;
}

export const DEFAULT_MAX_ROUND_GAP_SECONDS = 72 * 3_600;
/** OCR feeds may transmit twice in one block (12 pairs in the shared files); three rounds at one time are a copied column. */
const MAX_ROUNDS_AT_ONE_TIME = 2;
const PHASE_SHIFT = 64n;

export function loadChainlinkRounds(file: string, options: RoundLoadOptions = {}): ChainlinkRounds {
  const table = readCsv(file);
  const optional = (name: string) => (table.header.includes(name) ? columnIndex(table, name) : undefined);
  const extra = { phase: optional("phase_id"), aggregatorRound: optional("aggregator_round_id"), answeredIn: optional("answered_in_round") };
  const maxGap = options.maxRoundGapSeconds ?? DEFAULT_MAX_ROUND_GAP_SECONDS;
  let sameTime = 1;
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
    if (started < 0) throw new DataError(file, line, "started_at_unix", `negative time ${started}`);
    if (updated < 0) throw new DataError(file, line, "updated_at_unix", `negative time ${updated}`);
    if (updated === 0) throw new DataError(file, line, "updated_at_unix", "zero: an incomplete round");
    // The proxy's round id is phase << 64 | the aggregator's round: the columns must say the same.
    if (extra.phase !== undefined && integer(i, extra.phase) !== id >> PHASE_SHIFT) {
      throw new DataError(file, line, "phase_id", `${integer(i, extra.phase)} disagrees with round_id ${id} (phase ${id >> PHASE_SHIFT})`);
    }
    if (extra.aggregatorRound !== undefined && integer(i, extra.aggregatorRound) !== (id & ((1n << PHASE_SHIFT) - 1n))) {
      throw new DataError(file, line, "aggregator_round_id", `${integer(i, extra.aggregatorRound)} disagrees with round_id ${id}`);
    }
    if (extra.answeredIn !== undefined && integer(i, extra.answeredIn) < id) {
      throw new DataError(file, line, "answered_in_round", `${integer(i, extra.answeredIn)} is behind round_id ${id}: a carried-over (stale) answer`);
    }
    if (started > updated) throw new DataError(file, line, "started_at_unix", `after updated_at_unix (${started} > ${updated})`);
    if (i > 0) {
      if (id <= roundId[i - 1]!) throw new DataError(file, line, "round_id", `not increasing (${id} after ${roundId[i - 1]})`);
      if (updated < updatedAt[i - 1]!) {
        throw new DataError(file, line, "updated_at_unix", `out of order (${updated} before ${updatedAt[i - 1]} on line ${line - 1})`);
      }
      sameTime = updated === updatedAt[i - 1]! ? sameTime + 1 : 1;
      if (sameTime > MAX_ROUNDS_AT_ONE_TIME) {
        throw new DataError(file, line, "updated_at_unix", `${sameTime} rounds share updated_at ${updated}: a copied column, not a feed`);
      }
      if (updated - updatedAt[i - 1]! > maxGap) {
        const days = ((updated - updatedAt[i - 1]!) / 86_400).toFixed(1);
        throw new DataError(file, line, "updated_at_unix", `${days} days after the previous round (limit ${maxGap / 3_600} h; --max-round-gap)`);
      }
    }
    decimals = dec;
    roundId.push(id);
    answerRaw.push(answer);
    price[i] = Number(answer) / 10 ** dec;
    startedAt[i] = started;
    updatedAt[i] = updated;
  }
  // Feeds publish on deviation, so repeated answers are normal: only spikes, steps and the clock apply.
  checkPriceSeries(
    { file, timeField: "updated_at_unix", valueField: "answer_raw", time: updatedAt, value: price, row: (i) => i + 2 },
    { ...(options.plausibility ?? plausibilityLimits()), maxConstantRun: Number.POSITIVE_INFINITY },
  );
  return { file, roundId, price, answerRaw, startedAt, updatedAt, decimals };
}
