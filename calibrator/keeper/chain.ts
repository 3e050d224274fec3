/**
 * What the keeper reads from the chain with viem: per-asset updater state (the input of the rule
 * copy), feed health and history, and the engine's borrowers for the impact check.
 */
import type { PublicClient } from "viem";
import { aggregatorV3Abi, boundedRiskUpdaterAbi, marginEngineAbi, priceOracleAbi } from "../abi/contracts.js";
import type { FeedRound } from "../data/feedHistory.js";
import type { AssetChainState, UpdaterGlobals } from "../rules/riskRules.js";
import { toAssetChainState, toRiskParams } from "../rules/chainState.js";
import type { Address } from "../rules/types.js";
import type { AccountExposure } from "./impact.js";

export async function readAssetState(client: PublicClient, updater: Address, asset: Address): Promise<AssetChainState> {
  const c = { address: updater, abi: boundedRiskUpdaterAbi } as const;
  const [listed, ramp, rampDuration, state, rules, frozen] = await Promise.all([
    client.readContract({ ...c, functionName: "isListed", args: [asset] }),
    client.readContract({ ...c, functionName: "thresholdRamp", args: [asset] }),
    client.readContract({ ...c, functionName: "rampDuration", args: [asset] }),
    client.readContract({ ...c, functionName: "assetState", args: [asset] }),
    client.readContract({ ...c, functionName: "assetRules", args: [asset] }),
    client.readContract({ ...c, functionName: "isFrozen", args: [asset] }),
  ]);
  const stored = listed ? toRiskParams(await client.readContract({ ...c, functionName: "storedParams", args: [asset] })) : undefined;
  // thresholdRamp returns (fromBps, toBps, start, end).
  const [fromBps, , start, end] = ramp;
  return toAssetChainState({ stored, ramp: { fromBps, start, end }, rampDuration, state, rules, frozen });
}

export async function readGlobals(client: PublicClient, updater: Address): Promise<UpdaterGlobals & { quorum: number; oracle: Address }> {
  const c = { address: updater, abi: boundedRiskUpdaterAbi } as const;
  const [paused, maxReportAge, quorum, oracle] = await Promise.all([
    client.readContract({ ...c, functionName: "paused" }),
    client.readContract({ ...c, functionName: "maxReportAge" }),
    client.readContract({ ...c, functionName: "quorum" }),
    client.readContract({ ...c, functionName: "oracle" }),
  ]);
  return { paused, maxReportAge: Number(maxReportAge), quorum: Number(quorum), oracle };
}

export interface FeedHealth {
  healthy: boolean;
  price18: bigint;
  updatedAt: bigint;
}

export async function readFeedHealth(client: PublicClient, oracle: Address, asset: Address): Promise<FeedHealth> {
  const [price18, updatedAt, healthy] = await client.readContract({ address: oracle, abi: priceOracleAbi, functionName: "peekPrice", args: [asset] });
  return { healthy, price18, updatedAt };
}

/** The last `count` rounds of the asset's feed (fewer if the feed is younger), oldest first. */
export async function readFeedRounds(client: PublicClient, oracle: Address, asset: Address, count: number): Promise<{ rounds: FeedRound[]; decimals: number; feed: Address }> {
  const [feed, , decimals] = await client.readContract({ address: oracle, abi: priceOracleAbi, functionName: "feedOf", args: [asset] });
  const [latestId] = await client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "latestRoundData" });
  const ids: bigint[] = [];
  for (let id = latestId; id > 0n && ids.length < count; id--) ids.push(id);
  const rounds: FeedRound[] = [];
  // Bounded batches keep the request count and the node's load predictable.
  for (let i = 0; i < ids.length; i += 100) {
    const batch = await Promise.all(
      ids.slice(i, i + 100).map((id) => client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "getRoundData", args: [id] })),
    );
    for (const [roundId, answer, , updatedAt] of batch) {
      if (updatedAt > 0n) rounds.push({ roundId: BigInt(roundId), answer, updatedAt: Number(updatedAt) });
    }
  }
  return { rounds: rounds.reverse(), decimals: Number(decimals), feed };
}

/**
 * Indexes the engine's borrowers from its `Borrowed` events (an account can only owe after one),
 * incrementally from the last block scanned.
 */
export class BorrowerIndex {
  private readonly accounts = new Set<Address>();
  private nextBlock: bigint;

  constructor(
    private readonly engine: Address,
    fromBlock: bigint,
    private readonly maxRange = 50_000n,
  ) {
    this.nextBlock = fromBlock;
  }

  async refresh(client: PublicClient): Promise<readonly Address[]> {
    const head = await client.getBlockNumber();
    while (this.nextBlock <= head) {
      const to = this.nextBlock + this.maxRange - 1n < head ? this.nextBlock + this.maxRange - 1n : head;
      const logs = await client.getContractEvents({ address: this.engine, abi: marginEngineAbi, eventName: "Borrowed", fromBlock: this.nextBlock, toBlock: to });
      for (const log of logs) if (log.args.account) this.accounts.add(log.args.account);
      this.nextBlock = to + 1n;
    }
    return [...this.accounts];
  }
}

/** Each borrower's debt and collateral balances (skips accounts that owe nothing now). */
export async function readExposures(client: PublicClient, engine: Address, accounts: readonly Address[]): Promise<AccountExposure[]> {
  const c = { address: engine, abi: marginEngineAbi } as const;
  const out: AccountExposure[] = [];
  for (let i = 0; i < accounts.length; i += 50) {
    const batch = await Promise.all(
      accounts.slice(i, i + 50).map(async (account) => {
        const debt = await client.readContract({ ...c, functionName: "debtOf", args: [account] });
        if (debt === 0n) return undefined;
        const assets = await client.readContract({ ...c, functionName: "collateralAssetsOf", args: [account] });
        const balances = await Promise.all(assets.map((asset) => client.readContract({ ...c, functionName: "collateralBalance", args: [account, asset] })));
        return { account, debt, positions: assets.map((asset, k) => ({ asset, balance: balances[k]! })) };
      }),
    );
    for (const e of batch) if (e) out.push(e);
  }
  return out;
}

/** Collateral decimals as the engine recorded them at listing. */
export async function readCollateralDecimals(client: PublicClient, engine: Address, asset: Address): Promise<number> {
  const [, decimals] = await client.readContract({ address: engine, abi: marginEngineAbi, functionName: "collateralConfig", args: [asset] });
  return decimals;
}

export async function readDebtDecimals(client: PublicClient, engine: Address): Promise<number> {
  // ERC-4626 shares carry the asset's decimals plus the offset; the asset's own come from `asset()`.
  const asset = await client.readContract({ address: engine, abi: marginEngineAbi, functionName: "asset" });
  return client.readContract({
    address: asset,
    abi: [{ type: "function", name: "decimals", stateMutability: "view", inputs: [], outputs: [{ type: "uint8", name: "" }] }] as const,
    functionName: "decimals",
  });
}
