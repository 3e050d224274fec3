/**
 * One keeper cycle: calibrate → read the chain → plan the largest allowed step per asset → impact
 * check → sign (locally, from a directory, from peers) → submit one batch → confirm. State comes from
 * the chain every cycle, so a restarted keeper never resubmits an applied report.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { LocalAccount, PublicClient } from "viem";
import type { Logger } from "pino";
import { boundedRiskUpdaterAbi } from "../abi/contracts.js";
import { type CalibrationConfig, loadConfig } from "../calibrate/config.js";
import { inputsVersion } from "../calibrate/inputs.js";
import { type AssetCalibration, calibrateConfigOnPool } from "../calibrate/pipeline.js";
import { ImplausibleDataError, InputError } from "../data/errors.js";
import { checkPriceSeries, plausibilityLimits } from "../data/plausibility.js";
import { spiralMarginBps } from "../policy/riskPolicy.js";
import { candlesFromRounds } from "../data/feedHistory.js";
import { updaterDomain, type UpdaterDomain } from "../rules/eip712.js";
import { packReport } from "../rules/packing.js";
import { type AssetChainState, describeViolation, type UpdaterGlobals, validateReport } from "../rules/riskRules.js";
import type { Address, RiskParams, RiskReport } from "../rules/types.js";
import { BorrowerIndex, type FeedHealth, readAssetState, readCollateralDecimals, readDebtDecimals, readExposures, readFeedHealth, readFeedRounds, readGlobals } from "./chain.js";
import { toRiskParams } from "../rules/chainState.js";
import type { KeeperConfig } from "./config.js";
import { type AccountExposure, liquidationImpact, type MarketView } from "./impact.js";
import { liveSelectionBook } from "./selectionBook.js";
import type { SelectionContext } from "../calibrate/selection.js";
import { candidateOf, limitsFromRules } from "../select/candidates.js";
import type { KeeperMetrics } from "./metrics.js";
import { type GlidePath, glidePath, type PlannedStep, planStep, STEP_FRACTIONS } from "./plan.js";
import { withRetry } from "./retry.js";
import {
  batchDigest,
  fromBatchFile,
  selectSignatures,
  signaturesFromDirectory,
  signaturesFromPeers,
  signBatchWith,
  type SignedBy,
  toBatchFile,
  toCompactSignature,
  writeBatchFile,
} from "./signatures.js";
import { type SubmitResult, submitBatch } from "./submit.js";
import { riskParamsFromJson } from "../rules/paramsJson.js";

export interface KeeperDeps {
  config: KeeperConfig;
  client: PublicClient;
  relayer: LocalAccount;
  signers: readonly LocalAccount[];
  log: Logger;
  metrics: KeeperMetrics;
  chainId: number;
}

export interface AssetOutcome {
  symbol: string;
  address: Address;
  /** Why nothing was planned for the asset, if so. */
  refused?: string;
  current?: RiskParams;
  target?: RiskParams;
  step?: PlannedStep;
  blockedBy?: string;
  glide?: GlidePath;
  /** Effective threshold now (it may be ramping). */
  effectiveThresholdBps?: number;
}

export interface CycleResult {
  at: bigint;
  assets: AssetOutcome[];
  /** Newly liquidatable debt of the batch sent, debt-asset units; undefined without an engine. */
  impactDebt?: bigint;
  /** Fraction of the full steps the impact budget allowed (1 = no shrink). */
  impactScale?: number;
  batch?: { reports: RiskReport[]; digest: `0x${string}` };
  submit?: SubmitResult | { status: "dryRun" } | { status: "awaitingSignatures"; have: number; need: number; file?: string };
}

/** What phase 1 of a cycle read: per asset its state, outcome and calibration, and every feed it read. */
interface BookView {
  exposures: AccountExposure[];
  market: MarketView;
  thresholdBps: Map<Address, number>;
  ltvBps: Map<Address, number>;
  debtDecimals: number;
}

interface CycleInputs {
  states: Map<Address, AssetChainState>;
  feedsRead: Map<Address, FeedHealth>;
  assets: { outcome: AssetOutcome; state: AssetChainState; calibration: AssetCalibration }[];
}

interface CachedCalibration {
  key: string;
  calibration: AssetCalibration;
}

/** Long-lived keeper state across cycles: calibration cache, borrower index, pending batch. */
export class Keeper {
  private readonly calibrations = new Map<string, CachedCalibration>();
  private readonly borrowers?: BorrowerIndex;
  private domain?: UpdaterDomain;
  private pending?: { reports: RiskReport[]; digest: `0x${string}` };
  /** This cycle's book (borrowers and their valuation), read on first use. */
  private cycleBook?: Promise<BookView>;

  constructor(private readonly deps: KeeperDeps) {
    const { engine, engineFromBlock } = deps.config.contracts;
    if (engine) this.borrowers = new BorrowerIndex(engine, BigInt(engineFromBlock));
  }

  private rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, fn, this.deps.config.retry, ({ attempt, delayMs, error }) => {
      this.deps.metrics.rpcRetries.inc();
      this.deps.log.warn({ what, attempt, delayMs, error: (error as Error).message.split("\n")[0] }, "rpc error, retrying");
    });
  }

  /** Calibrates one asset, reusing the last result while its inputs are unchanged. */
  private async targetFor(asset: KeeperConfig["assets"][number], state: AssetChainState, oracle: Address, calibration: CalibrationConfig, now: number, feedsRead: ReadonlyMap<Address, FeedHealth>): Promise<AssetCalibration> {
    const { config, client } = this.deps;
    const entry = calibration.assets.find((a) => a.symbol === asset.symbol);
    if (!entry) throw new InputError(`${config.calibration}: no asset ${asset.symbol} (the keeper config names it)`);
    const base = dirname(config.calibration);
    // With a selection block and an engine to read, the selection scores the live book; the cache key
    // then carries the book's size and its lending to 5%, so a book that moved re-selects.
    const selection = calibration.selection && this.borrowers ? await this.liveSelection(asset.address, state, oracle, feedsRead, spiralMarginBps(calibration.policy)) : undefined;
    const bookKey = selection ? `|book:${selection.fingerprint}` : "";
    const selectionContext = selection ? () => selection.context : undefined;
    if (asset.data === "chainlink") {
      const { rounds, decimals, feed } = await this.rpc("readFeedRounds", () => readFeedRounds(client, oracle, asset.address, asset.chainlinkRounds));
      const key = `chainlink:${feed}:${rounds.at(-1)?.roundId}${bookKey}`;
      const hit = this.calibrations.get(asset.symbol);
      if (hit?.key === key) return hit.calibration;
      const source = `chainlink feed ${feed} (${asset.symbol})`;
      const candles = candlesFromRounds(source, rounds, decimals);
      // The clock is the chain's: a round stamped after the latest block is as implausible as a future candle.
      checkPriceSeries(
        { file: source, timeField: "updatedAt", valueField: "answer", time: candles.time, value: candles.close, row: (i) => i + 1 },
        plausibilityLimits({ ...config.plausibility, now }),
      );
      // With a selection block the selection runs on worker threads, once per input version (this cache).
      const [result] = await calibrateConfigOnPool(calibration, base, { symbols: [asset.symbol], candlesFor: () => candles, ...(selectionContext ? { selectionContext } : {}) });
      this.calibrations.set(asset.symbol, { key, calibration: result! });
      return result!;
    }
    // Every input, recursively: a pool snapshot is a folder whose own mtime does not move when a file in it is rewritten.
    const files = [config.calibration, entry.candles, entry.pool, entry.options?.snapshot].filter((f): f is string => !!f);
    const key = inputsVersion(files.map((f) => resolve(base, f))) + bookKey;
    const hit = this.calibrations.get(asset.symbol);
    if (hit?.key === key) return hit.calibration;
    const [result] = await calibrateConfigOnPool(calibration, base, { symbols: [asset.symbol], plausibility: plausibilityLimits({ ...config.plausibility, now }), ...(selectionContext ? { selectionContext } : {}) });
    this.calibrations.set(asset.symbol, { key, calibration: result! });
    return result!;
  }

  /**
   * One cycle: read the inputs (1), plan within the impact budget (2), build and check the batch (3),
   * collect signatures (4), submit and confirm (5). Each phase is its own method below.
   */
  async cycle(options: { dryRun?: boolean } = {}): Promise<CycleResult> {
    const { config, client, log } = this.deps;
    const updater = config.contracts.updater;
    const [globals, block] = await Promise.all([
      this.rpc("readGlobals", () => readGlobals(client, updater)),
      this.rpc("getBlock", () => client.getBlock({ blockTag: "latest" })),
    ]);
    const now = block.timestamp;
    this.domain ??= updaterDomain(BigInt(this.deps.chainId), updater);
    const result: CycleResult = { at: now, assets: [] };
    if (globals.paused) {
      log.warn("updater is paused by the guardian: nothing to do");
      return result;
    }
    // The calibration config is read once a cycle, and the book at most once.
    const calibrationConfig = loadConfig(config.calibration);
    this.cycleBook = undefined;
    const inputs = await this.readInputs(calibrationConfig, globals, now, result);
    await this.planSteps(inputs, spiralMarginBps(calibrationConfig.policy), globals, now, result);
    const reports = this.buildBatch(inputs, globals, now);
    if (reports.length === 0) {
      log.info("no asset needs an update now");
      return result;
    }
    const digest = batchDigest(this.domain, reports);
    result.batch = { reports, digest };
    if (options.dryRun) {
      result.submit = { status: "dryRun" };
      log.info({ digest, reports: reports.length }, "dry run: batch planned and validated, not signed or sent");
      return result;
    }
    const selected = await this.collectSignatures(this.domain, reports, digest, globals.quorum);
    if (selected.length < globals.quorum) {
      const file = config.signers.directory ? writeBatchFile(config.signers.directory, toBatchFile(this.domain, reports)) : undefined;
      this.pending = { reports, digest };
      result.submit = { status: "awaitingSignatures", have: selected.length, need: globals.quorum, file };
      log.warn({ digest, have: selected.length, need: globals.quorum, file }, "quorum not reached: batch left for co-signers");
      return result;
    }
    result.submit = await this.submit(reports, selected, digest);
    return result;
  }

  /** 1. Per asset: feed health, target (calibration), chain state and glide path; refusals are recorded and counted. */
  private async readInputs(calibrationConfig: CalibrationConfig, globals: UpdaterGlobals & { oracle: Address }, now: bigint, result: CycleResult): Promise<CycleInputs> {
    const { config, client, log, metrics } = this.deps;
    const updater = config.contracts.updater;
    const inputs: CycleInputs = { states: new Map(), feedsRead: new Map(), assets: [] };
    for (const asset of config.assets) {
      const outcome: AssetOutcome = { symbol: asset.symbol, address: asset.address };
      result.assets.push(outcome);
      const refuse = (reason: string, label: string) => {
        outcome.refused = reason;
        metrics.refusals.inc({ asset: asset.symbol, reason: label });
        log.warn({ asset: asset.symbol, reason }, "refusing to act on this asset");
      };
      const feed = await this.rpc("readFeedHealth", () => readFeedHealth(client, globals.oracle, asset.address));
      inputs.feedsRead.set(asset.address.toLowerCase() as Address, feed);
      if (!feed.healthy) {
        refuse(`price feed is stale or failing (last update ${feed.updatedAt}, chain time ${now})`, "staleFeed");
        continue;
      }
      // Read once: the selection's bounds and incumbent, then the plan.
      const state = await this.rpc("readAssetState", () => readAssetState(client, updater, asset.address));
      let calibration: AssetCalibration;
      try {
        calibration = await this.targetFor(asset, state, globals.oracle, calibrationConfig, Number(now), inputs.feedsRead);
      } catch (error) {
        refuse(`calibration failed: ${(error as Error).message}`, error instanceof ImplausibleDataError ? "implausibleData" : "invalidData");
        continue;
      }
      if (config.maxDataAgeSeconds !== undefined && Number(now) - calibration.dataEnd > config.maxDataAgeSeconds) {
        refuse(
          `price data ends at ${new Date(calibration.dataEnd * 1000).toISOString()}, ${Number(now) - calibration.dataEnd} s before the chain's time (limit ${config.maxDataAgeSeconds} s)`,
          "staleData",
        );
        continue;
      }
      inputs.states.set(asset.address, state);
      const target: RiskParams = riskParamsFromJson(calibration.params);
      outcome.current = state.stored;
      outcome.target = target;
      outcome.effectiveThresholdBps = toRiskParams(
        await this.rpc("effectiveParams", () => client.readContract({ address: updater, abi: boundedRiskUpdaterAbi, functionName: "effectiveParams", args: [asset.address] })),
      ).liquidationThresholdBps;
      outcome.glide = glidePath(asset.address, target, state, globals, now);
      metrics.distanceToTarget.set({ asset: asset.symbol }, Math.abs((state.stored?.liquidationThresholdBps ?? 0) - outcome.glide.target.liquidationThresholdBps));
      log.info(
        {
          asset: asset.symbol,
          crisis: calibration.crisis,
          current: state.stored,
          target: outcome.glide.target,
          glidePath: outcome.glide.steps.map((s) => ({ at: new Date(Number(s.at) * 1000).toISOString(), ltvBps: s.params.ltvBps, liquidationThresholdBps: s.params.liquidationThresholdBps, liquidationBonusBps: s.params.liquidationBonusBps })),
          targetReachedAt: outcome.glide.reachedAt === undefined ? null : new Date(Number(outcome.glide.reachedAt) * 1000).toISOString(),
          stuck: outcome.glide.stuck && describeViolation(outcome.glide.stuck),
        },
        "glide path",
      );
      inputs.assets.push({ outcome, state, calibration });
    }
    return inputs;
  }

  /**
   * 2. The largest step per asset (keeper/plan.ts, pure), shrinking the whole batch while the debt it
   * makes liquidatable exceeds the impact budget. `margin`: the policy's margin below a toxic spiral,
   * kept on effective values step by step. Writes each outcome's step or blocking rule.
   */
  private async planSteps(inputs: CycleInputs, margin: number, globals: UpdaterGlobals & { oracle: Address }, now: bigint, result: CycleResult): Promise<void> {
    const { config, log } = this.deps;
    const { assets } = inputs;
    const plan = (maxScale: number, holdThresholdCut: boolean) =>
      assets.map(({ outcome, state, calibration }) =>
        planStep(outcome.address, outcome.target!, state, globals, now, now, { maxScale, holdThresholdCut, spiralMarginBps: margin, crisis: calibration.crisis }),
      );
    let planned = plan(1, false);
    const budget = config.impact && config.contracts.engine ? BigInt(Math.floor(config.impact.budget)) : undefined;
    if (budget !== undefined && planned.some((p) => p.kind === "step")) {
      const impactOf = await this.impactEvaluator(globals.oracle, inputs.feedsRead);
      const choices = [...STEP_FRACTIONS.map((f) => ({ scale: f, hold: false })), { scale: 1, hold: true }];
      for (const choice of choices) {
        const candidate = choice.scale === 1 && !choice.hold ? planned : plan(choice.scale, choice.hold);
        const impact = impactOf(candidate.map((p, i) => (p.kind === "step" ? [assets[i]!.outcome.address, p.step.params.liquidationThresholdBps] as const : undefined)));
        result.impactDebt = impact;
        result.impactScale = choice.hold ? 0 : choice.scale;
        planned = candidate;
        if (impact <= budget) break;
        log.warn({ impactDebt: impact.toString(), budget: budget.toString(), scale: choice.scale, holdThresholdCut: choice.hold }, "step would make too much debt liquidatable; taking a smaller step");
      }
      if (result.impactScale !== 1) log.warn({ scale: result.impactScale, impactDebt: result.impactDebt?.toString() }, "impact budget: step reduced");
    }
    for (const [i, p] of planned.entries()) {
      const outcome = assets[i]!.outcome;
      if (p.kind === "step") outcome.step = p.step;
      else if (p.kind === "blocked") outcome.blockedBy = describeViolation(p.violation);
      log.info({ asset: outcome.symbol, kind: p.kind, step: p.kind === "step" ? p.step.params : undefined, blockedBy: outcome.blockedBy }, "plan");
    }
  }

  /**
   * 3. The batch: a pending one co-signers are working on, if still valid; otherwise the planned
   * steps. Every report is checked against the freshly read state with the rule copy before it may
   * be signed: the keeper never sends what the chain would refuse.
   */
  private buildBatch(inputs: CycleInputs, globals: UpdaterGlobals, now: bigint): RiskReport[] {
    let reports = this.pendingIfValid(inputs.states, globals, now);
    if (!reports) {
      reports = inputs.assets.flatMap(({ outcome, calibration }) =>
        outcome.step ? [{ ...outcome.step.report, reportHash: calibration.report.reportHash }] : [],
      );
      this.pending = undefined;
    }
    for (const r of reports) {
      const violation = validateReport(r, inputs.states.get(r.asset)!, globals, now);
      if (violation) throw new Error(`internal: planned report for ${r.asset} breaks ${describeViolation(violation)}`);
    }
    return reports;
  }

  /** 4. Signatures: the keeper's own, a shared directory's and the peers'; only registered signers count. */
  private async collectSignatures(domain: UpdaterDomain, reports: RiskReport[], digest: `0x${string}`, quorum: number) {
    const { config, client, log } = this.deps;
    const candidates: SignedBy[] = [];
    for (const signer of this.deps.signers) candidates.push(await signBatchWith(signer, domain, reports));
    if (config.signers.directory) candidates.push(...signaturesFromDirectory(config.signers.directory, digest));
    if (config.signers.peers.length > 0) {
      const { found, failed } = await signaturesFromPeers(config.signers.peers, digest, config.retry.requestTimeoutMs);
      candidates.push(...found);
      for (const f of failed) log.warn(f, "peer did not provide a signature");
    }
    const { selected, rejected } = await selectSignatures(domain, reports, candidates, (a) =>
      this.rpc("isSigner", () => client.readContract({ address: config.contracts.updater, abi: boundedRiskUpdaterAbi, functionName: "isSigner", args: [a] })), quorum);
    for (const r of rejected) log.warn(r, "signature rejected");
    return selected;
  }

  /** 5. Submit the batch with its quorum and confirm it; count and log what happened. */
  private async submit(reports: RiskReport[], selected: Awaited<ReturnType<Keeper["collectSignatures"]>>, digest: `0x${string}`): Promise<SubmitResult> {
    const { config, client, log, metrics } = this.deps;
    const submit = await submitBatch(
      {
        client,
        relayer: this.deps.relayer,
        chainId: this.deps.chainId,
        updater: config.contracts.updater,
        tx: config.tx,
        retry: config.retry,
        applied: () => this.applied(reports),
        onEvent: (event, fields) => {
          if (event === "rpc.retry") metrics.rpcRetries.inc();
          if (event === "tx.sent" && Number(fields.feeBumps) > 0) metrics.feeBumps.inc();
          log.info(fields, event);
        },
      },
      reports.map(packReport),
      selected.map((s) => toCompactSignature(s.signature)),
      digest,
    );
    this.pending = undefined;
    if (submit.status === "landed") {
      for (const r of reports) metrics.reportsLanded.inc({ asset: config.assets.find((a) => a.address.toLowerCase() === r.asset.toLowerCase())?.symbol ?? r.asset });
      log.info({ hash: submit.hash, block: submit.receipt.blockNumber.toString(), gasUsed: submit.receipt.gasUsed.toString(), reports: reports.length }, "batch landed");
    } else if (submit.status === "superseded") {
      log.warn({ reason: submit.reason }, "batch superseded; the next cycle re-reads the chain");
    } else {
      log.error({ status: submit.status, error: submit.error }, "batch not accepted");
    }
    return submit;
  }

  /** True once every report's nonce was consumed on-chain. */
  private async applied(reports: readonly RiskReport[]): Promise<boolean> {
    for (const r of reports) {
      const [, nonce] = await this.rpc("assetState", () =>
        this.deps.client.readContract({ address: this.deps.config.contracts.updater, abi: boundedRiskUpdaterAbi, functionName: "assetState", args: [r.asset] }),
      );
      if (BigInt(nonce) <= r.nonce) return false;
    }
    return true;
  }

  /** The pending batch (memory, or the newest batch file in the directory) while it would still land. */
  private pendingIfValid(states: ReadonlyMap<Address, AssetChainState>, globals: UpdaterGlobals, now: bigint): RiskReport[] | undefined {
    let pending = this.pending;
    const dir = this.deps.config.signers.directory;
    if (!pending && dir) {
      try {
        const files = readdirSync(dir).filter((f) => f.startsWith("batch-") && f.endsWith(".json")).map((f) => join(dir, f));
        const newest = files.map((f) => ({ f, t: statSync(f).mtimeMs })).sort((a, b) => b.t - a.t)[0];
        if (newest) pending = fromBatchFile(newest.f, JSON.parse(readFileSync(newest.f, "utf8")));
      } catch {
        pending = undefined;
      }
    }
    if (!pending) return undefined;
    const valid = pending.reports.every((r) => {
      const state = states.get(r.asset);
      return state !== undefined && validateReport(r, state, globals, now) === undefined;
    });
    return valid ? pending.reports : undefined;
  }

  /** The live book of `asset` as a selection context, and its fingerprint for the calibration cache. */
  private async liveSelection(asset: Address, state: AssetChainState, oracle: Address, feedsRead: ReadonlyMap<Address, FeedHealth>, spiralMarginBps: number): Promise<{ context: SelectionContext; fingerprint: string } | undefined> {
    const { exposures, market, ltvBps } = await this.bookView(oracle, feedsRead);
    const book = liveSelectionBook(exposures, market, ltvBps, asset);
    if (book.use.length === 0) return undefined; // no borrower holds it: the formula's point stands
    let lending = 0;
    for (let i = 0; i < book.use.length; i++) lending += book.use[i]! * book.valueUsd[i]!;
    // The candidates stay inside the bounds the updater enforces on chain.
    const limits = limitsFromRules(state.rules, spiralMarginBps);
    // The live parameters are the incumbent: kept while within budget and near the best (select.ts).
    return { context: { book, limits, ...(state.stored ? { incumbent: candidateOf(state.stored) } : {}) }, fingerprint: `${book.use.length}:${lending > 0 ? Math.round(Math.log(lending) / Math.log(1.05)) : 0}` };
  }

  /**
   * The borrowers, their exposures and what the engine values them at (prices, decimals, live LTV and
   * effective threshold per held collateral), read once a cycle: the impact check and the selection's
   * live book share it.
   */
  private bookView(oracle: Address, feedsRead: ReadonlyMap<Address, FeedHealth>): Promise<BookView> {
    return (this.cycleBook ??= this.readBookView(oracle, feedsRead));
  }

  private async readBookView(oracle: Address, feedsRead: ReadonlyMap<Address, FeedHealth>): Promise<BookView> {
    const { client, config } = this.deps;
    const engine = config.contracts.engine!;
    const accounts = await this.rpc("indexBorrowers", () => this.borrowers!.refresh(client));
    const exposures = await this.rpc("readExposures", () => readExposures(client, engine, accounts));
    const held = new Set<Address>();
    for (const e of exposures) for (const p of e.positions) held.add(p.asset.toLowerCase() as Address);
    const price18 = new Map<Address, bigint>();
    const decimals = new Map<Address, number>();
    const thresholdBps = new Map<Address, number>();
    const ltvBps = new Map<Address, number>();
    for (const asset of held) {
      const [feed, dec, params] = await Promise.all([
        feedsRead.get(asset) ?? this.rpc("readFeedHealth", () => readFeedHealth(client, oracle, asset)),
        this.rpc("collateralConfig", () => readCollateralDecimals(client, engine, asset)),
        this.rpc("effectiveParams", () => client.readContract({ address: config.contracts.updater, abi: boundedRiskUpdaterAbi, functionName: "effectiveParams", args: [asset] })),
      ]);
      price18.set(asset, feed.price18);
      decimals.set(asset, dec);
      thresholdBps.set(asset, params.liquidationThresholdBps);
      ltvBps.set(asset, params.ltvBps);
    }
    const debtDecimals = await this.rpc("debtDecimals", () => readDebtDecimals(client, engine));
    return { exposures, market: { price18, decimals, debtScale: 10n ** BigInt(18 - debtDecimals) }, thresholdBps, ltvBps, debtDecimals };
  }

  /** Returns a function: thresholds after the steps → newly liquidatable debt (debt-asset units). */
  private async impactEvaluator(oracle: Address, feedsRead: ReadonlyMap<Address, FeedHealth>) {
    const { exposures, market, thresholdBps: before, debtDecimals } = await this.bookView(oracle, feedsRead);
    return (changes: readonly (readonly [Address, number] | undefined)[]) => {
      const after = new Map(before);
      // A cut ramps to the step's value; the check uses where the ramp ends.
      for (const c of changes) if (c && after.has(c[0].toLowerCase() as Address)) after.set(c[0].toLowerCase() as Address, c[1]);
      return liquidationImpact(exposures, market, before, after).newlyLiquidatableDebt / 10n ** BigInt(debtDecimals);
    };
  }
}
