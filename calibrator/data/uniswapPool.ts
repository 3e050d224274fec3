/**
 * A Uniswap v3 pool snapshot: `<name>.meta.json` (pool state) and `<name>_ticks.csv`
 * (`liquidityGross, liquidityNet, tickIdx`). Checks the v3 invariants the swap walk relies on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { columnIndex, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";
import { type InitializedTick, MAX_TICK, MIN_TICK, type PoolState, sqrtPriceX96AtTick } from "../models/uniswapV3.js";

export interface PoolToken {
  symbol: string;
  decimals: number;
}

export interface PoolSnapshot extends PoolState {
  token0: PoolToken;
  token1: PoolToken;
  tickSpacing: number;
  files: { meta: string; ticks: string };
}

const TICK_SPACING: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

/**
 * The integer a decimal string denotes, exactly (the snapshot stores uint128 liquidities as float64
 * text such as "1.886001583598932e+16"); fractions are rounded to the nearest integer.
 */
export function decimalToBigInt(text: string): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const [, sign, whole = "", fraction = "", exp = "0"] = m;
  const digits = BigInt((whole + fraction).replace(/^0+(?=\d)/, "") || "0");
  const scale = Number(exp) - fraction.length;
  let value: bigint;
  if (scale >= 0) value = digits * 10n ** BigInt(scale);
  else {
    const d = 10n ** BigInt(-scale);
    value = (digits + d / 2n) / d;
  }
  return sign === "-" ? -value : value;
}

/**
 * A range whose liquidity is more than WALL_TO_ACTIVE × the active liquidity is an isolated wall: the
 * swap walk would read it as depth that no market has. The shipped USDC/WETH snapshot's deepest range is
 * 2.6× the active liquidity, so 100× leaves a margin of 38×. (A ratio to the neighbouring ranges is no
 * test: real narrow positions far out of the money reach 1,573× their neighbours in the same file.) When
 * the price sits outside every range (active 0), the median non-empty range is the reference.
 */
export const WALL_TO_ACTIVE = 100n;

function checkNoIsolatedWall(file: string, ticks: readonly InitializedTick[], lines: readonly number[], active: bigint): void {
  const ranges: bigint[] = [];
  let level = 0n;
  for (const t of ticks) ranges.push((level += t.liquidityNet));
  let reference = active;
  if (reference === 0n) {
    const filled = ranges.filter((r) => r > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    reference = filled[Math.floor(filled.length / 2)] ?? 0n;
  }
  if (reference === 0n) return;
  ranges.forEach((here, i) => {
    if (here > reference * WALL_TO_ACTIVE) {
      throw new DataError(
        file,
        lines[i],
        "liquidityNet",
        `an isolated liquidity wall from tick ${ticks[i]!.tick}: ${here} in range against ${reference} ${active > 0n ? "active" : "in the median range"} (the limit is ${WALL_TO_ACTIVE}×)`,
      );
    }
  });
}

export function loadPoolSnapshot(dir: string): PoolSnapshot {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(dir, undefined, undefined, code === "ENOTDIR" ? "is a file; a pool snapshot is a folder with *.meta.json and *_ticks.csv" : `cannot read the folder (${code ?? (error as Error).message})`);
  }
  const metas = names.filter((n) => n.endsWith(".meta.json")).sort();
  const tickFiles = names.filter((n) => n.endsWith("_ticks.csv")).sort();
  // Two snapshots in one folder would be read in directory order: refuse rather than guess.
  if (metas.length > 1) throw new DataError(dir, undefined, undefined, `${metas.length} meta files (${metas.join(", ")}); a snapshot folder holds exactly one`);
  if (tickFiles.length > 1) throw new DataError(dir, undefined, undefined, `${tickFiles.length} tick files (${tickFiles.join(", ")}); a snapshot folder holds exactly one`);
  const [metaName] = metas;
  const [ticksName] = tickFiles;
  if (!metaName || !ticksName) throw new DataError(dir, undefined, undefined, "expected one *.meta.json and one *_ticks.csv");
  const metaFile = join(dir, metaName);
  const ticksFile = join(dir, ticksName);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new DataError(metaFile, undefined, undefined, `not JSON: ${(error as Error).message}`);
  }
  // The JSON numbers exceed 2^53: read them from the text, not from JSON.parse's doubles.
  const metaText = readFileSync(metaFile, "utf8");
  const rawNumber = (field: string): bigint => {
    const m = new RegExp(`"${field}"\\s*:\\s*"?(-?[0-9.eE+]+)"?`).exec(metaText);
    const value = m ? decimalToBigInt(m[1]!) : undefined;
    if (value === undefined) throw new DataError(metaFile, undefined, field, "missing or not a number");
    return value;
  };
  const token = (key: "token0" | "token1"): PoolToken => {
    const t = meta[key] as { symbol?: unknown; decimals?: unknown } | undefined;
    const decimals = Number(t?.decimals);
    if (!t || typeof t.symbol !== "string" || !Number.isInteger(decimals)) {
      throw new DataError(metaFile, undefined, key, "missing symbol or decimals");
    }
    return { symbol: t.symbol, decimals };
  };
  const fee = Number(rawNumber("feeTier"));
  const tickSpacing = TICK_SPACING[fee];
  if (!tickSpacing) throw new DataError(metaFile, undefined, "feeTier", `unknown fee tier ${fee}`);
  const currentTick = Number(rawNumber("currentTick"));
  const sqrtPriceX96 = rawNumber("sqrtPriceX96");
  const liquidity = rawNumber("liquidity");
  if (!(sqrtPriceX96AtTick(currentTick) <= sqrtPriceX96 && sqrtPriceX96 < sqrtPriceX96AtTick(currentTick + 1))) {
    throw new DataError(metaFile, undefined, "sqrtPriceX96", `not within currentTick ${currentTick}`);
  }

  const table = readCsv(ticksFile);
  const col = { net: columnIndex(table, "liquidityNet"), gross: columnIndex(table, "liquidityGross"), tick: columnIndex(table, "tickIdx") };
  const ticks: InitializedTick[] = [];
  let prevTick = -Infinity;
  let netSum = 0n;
  let absSum = 0n;
  let activeFromTicks = 0n;
  const lines: number[] = [];
  table.rows.forEach((row, i) => {
    const line = i + 2;
    const tick = /^-?\d+$/.test(row[col.tick] ?? "") ? Number(row[col.tick]) : Number.NaN;
    if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) throw new DataError(ticksFile, line, "tickIdx", `not a valid tick: "${row[col.tick]}"`);
    if (tick % tickSpacing !== 0) throw new DataError(ticksFile, line, "tickIdx", `${tick} is not a multiple of the tick spacing ${tickSpacing}`);
    if (tick <= prevTick) throw new DataError(ticksFile, line, "tickIdx", `not ascending (${tick} after ${prevTick})`);
    prevTick = tick;
    const net = decimalToBigInt(row[col.net] ?? "");
    const gross = decimalToBigInt(row[col.gross] ?? "");
    if (net === undefined) throw new DataError(ticksFile, line, "liquidityNet", `not a number: "${row[col.net]}"`);
    if (gross === undefined || gross < 0n) throw new DataError(ticksFile, line, "liquidityGross", `not a non-negative number: "${row[col.gross]}"`);
    const absNet = net < 0n ? -net : net;
    if (absNet > gross + gross / 1_000_000_000_000n) {
      throw new DataError(ticksFile, line, "liquidityNet", `|liquidityNet| ${absNet} exceeds liquidityGross ${gross}`);
    }
    netSum += net;
    absSum += absNet;
    if (tick <= currentTick) activeFromTicks += net;
    if (net !== 0n) {
      ticks.push({ tick, liquidityNet: net });
      lines.push(line);
    }
  });
  checkNoIsolatedWall(ticksFile, ticks, lines, liquidity);
  // Every position adds its liquidity at its lower tick and removes it at its upper tick: the net
  // amounts cancel, and those at or below the current tick sum to the active liquidity. The snapshot
  // went through float64, so both hold to ~1e-12 relative (its SOURCE.md).
  if (netSum * 1_000_000_000_000n > absSum || -netSum * 1_000_000_000_000n > absSum) {
    throw new DataError(ticksFile, undefined, "liquidityNet", `net liquidity does not cancel (sum ${netSum})`);
  }
  const diff = activeFromTicks > liquidity ? activeFromTicks - liquidity : liquidity - activeFromTicks;
  if (diff * 1_000_000_000n > liquidity) {
    throw new DataError(metaFile, undefined, "liquidity", `active liquidity ${liquidity} differs from the ticks' ${activeFromTicks}`);
  }
  return {
    sqrtPriceX96,
    tick: currentTick,
    liquidity,
    fee,
    ticks,
    token0: token("token0"),
    token1: token("token1"),
    tickSpacing,
    files: { meta: metaFile, ticks: ticksFile },
  };
}
