/**
 * The keeper's config file (config/keeper.sample.json), validated with zod. Errors name the file and
 * the field path. Keys never live in the file: it names environment variables that hold them.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { DataError, InputError } from "../data/errors.js";
import { parseWithSchema, readJsonFile } from "../data/jsonFile.js";
import { DEFAULT_PLAUSIBILITY } from "../data/plausibility.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address").transform((a) => a as `0x${string}`);
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name (A-Z, 0-9, _)");

export const keeperConfigSchema = z
  .object({
    // "localhost:8545" parses as a URL with the scheme "localhost:": require http(s) so it is refused here,
    // naming the field, rather than failing later as an unreachable network.
    rpcUrl: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), { message: 'an http:// or https:// URL, e.g. "http://127.0.0.1:8545"' }),
    /** Refuse to run against another chain (protects against a mistyped URL). */
    chainId: z.number().int().positive().optional(),
    contracts: z.object({
      updater: address,
      /** The margin engine whose accounts the impact check reads (optional: no check without it). */
      engine: address.optional(),
      /** Block to index engine accounts from (its deployment block). */
      engineFromBlock: z.number().int().nonnegative().default(0),
    }),
    /** The calibration config (config/calibrate.sample.json), relative to this file. */
    calibration: z.string().min(1),
    assets: z
      .array(
        z.object({
          symbol: z.string().min(1),
          address,
          /** Price history: the calibration config's candle file, or the feed's rounds read on-chain. */
          data: z.enum(["files", "chainlink"]).default("files"),
          /** With data = chainlink: how many rounds back to read. */
          chainlinkRounds: z.number().int().min(48).max(50_000).default(2_000),
        }),
      )
      .min(1)
      .max(64),
    signers: z
      .object({
        /** Environment variables holding this machine's calibrator keys. */
        keyEnv: z.array(envName).default([]),
        /** Where co-signers drop signature files (`bulwark sign`), and where the keeper leaves batches to sign. */
        directory: z.string().min(1).optional(),
        /** Peers serving signature files: GET <url>/<digest>.json. */
        peers: z.array(z.string().url()).default([]),
      })
      .default({ keyEnv: [], peers: [] }),
    /** The account that sends transactions (any account: reports are authorised by signatures). */
    relayer: z.object({ keyEnv: envName }),
    impact: z
      .object({
        /** Most debt (debt-asset whole units) one update may make liquidatable at current prices. */
        budget: z.number().nonnegative(),
      })
      .optional(),
    /** Seconds between cycles in loop mode. */
    intervalSeconds: z.number().int().positive().default(3_600),
    /**
     * The plausibility layer's limits for this keeper's price data (docs/calibrator.md (Plausibility)); an asset whose data
     * fails them is refused, logged and counted (bulwark_keeper_refusals_total, reason implausibleData).
     */
    plausibility: z
      .object({
        maxJumpSigma: z.number().positive().default(DEFAULT_PLAUSIBILITY.maxJumpSigma),
        maxStepSigma: z.number().positive().default(DEFAULT_PLAUSIBILITY.maxStepSigma),
        maxConstantRun: z.number().int().positive().default(DEFAULT_PLAUSIBILITY.maxConstantRun),
      })
      .strict()
      .default({ maxJumpSigma: DEFAULT_PLAUSIBILITY.maxJumpSigma, maxStepSigma: DEFAULT_PLAUSIBILITY.maxStepSigma, maxConstantRun: DEFAULT_PLAUSIBILITY.maxConstantRun }),
    /** Refuse to act on price data older than this (seconds before the chain's time); none by default. */
    maxDataAgeSeconds: z.number().int().positive().optional(),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(5),
        baseDelayMs: z.number().int().min(1).default(250),
        maxDelayMs: z.number().int().min(1).default(8_000),
        requestTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .default({ attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, requestTimeoutMs: 10_000 }),
    tx: z
      .object({
        /** How long to wait for a receipt before bumping the fee. */
        receiptTimeoutMs: z.number().int().min(100).default(60_000),
        /** Fee increase per replacement, percent (nodes require ≥ 10). */
        feeBumpPercent: z.number().int().min(10).max(500).default(25),
        maxFeeBumps: z.number().int().min(0).max(10).default(3),
        /** Receipt polling interval. */
        pollingIntervalMs: z.number().int().min(10).default(500),
        /** Where the in-flight transaction is journaled, so a restart replaces rather than duplicates it. */
        journal: z.string().min(1).default(".bulwark-keeper/inflight.json"),
      })
      .default({ receiptTimeoutMs: 60_000, feeBumpPercent: 25, maxFeeBumps: 3, pollingIntervalMs: 500, journal: ".bulwark-keeper/inflight.json" }),
    metrics: z
      .object({
        host: z.enum(["127.0.0.1", "::1", "localhost"]).default("127.0.0.1"),
        port: z.number().int().min(0).max(65_535),
      })
      .optional(),
  })
  .strict();

export type KeeperConfig = z.infer<typeof keeperConfigSchema> & { file: string; baseDir: string };

/** Parses a config object; `file` names it in errors and anchors its relative paths. */
export function parseKeeperConfig(raw: unknown, file: string): KeeperConfig {
  const data = parseWithSchema(keeperConfigSchema, raw, file);
  const symbols = data.assets.map((a) => a.symbol);
  const dup = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (dup) throw new DataError(file, undefined, "assets", `symbol ${dup} appears twice`);
  const baseDir = dirname(resolve(file));
  return {
    ...data,
    calibration: resolve(baseDir, data.calibration),
    signers: { ...data.signers, directory: data.signers.directory && resolve(baseDir, data.signers.directory) },
    tx: { ...data.tx, journal: resolve(baseDir, data.tx.journal) },
    file,
    baseDir,
  };
}

export function loadKeeperConfig(file: string): KeeperConfig {
  return parseKeeperConfig(readJsonFile(file), file);
}

/** The private key in environment variable `name`, checked for shape; the error never prints it. */
export function keyFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): `0x${string}` {
  const value = env[name];
  if (!value) throw new InputError(`environment variable ${name} is not set (it must hold a private key)`);
  const key = value.startsWith("0x") ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new InputError(`environment variable ${name} is not a 32-byte hex private key`);
  return key as `0x${string}`;
}
