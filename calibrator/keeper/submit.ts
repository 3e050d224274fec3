/**
 * Sends one `submitReports` transaction and sees it through: simulate first (a revert is decoded to
 * the contract's custom error and nothing is sent), sign locally with an explicit nonce, journal the
 * in-flight transaction on disk, wait for the receipt, replace it with a higher fee when it does not
 * mine, and stop when the chain shows the reports applied by anyone. The journal lets a restarted
 * keeper replace its own pending transaction instead of queueing a duplicate behind it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { boundedRiskUpdaterAbi } from "../abi/contracts.js";
import type { PackedRiskReport } from "../rules/packing.js";
import type { Address, CompactSignature } from "../rules/types.js";
import { isTransientRpcError, type RetryPolicy, withRetry } from "./retry.js";

export interface TxSettings {
  receiptTimeoutMs: number;
  feeBumpPercent: number;
  maxFeeBumps: number;
  journal: string;
  /** Receipt polling interval (default 500 ms). */
  pollingIntervalMs?: number;
}

export interface SubmitContext {
  client: PublicClient;
  relayer: LocalAccount;
  chainId: number;
  updater: Address;
  tx: TxSettings;
  retry: RetryPolicy;
  /** True once the chain shows every report of the batch applied (by this keeper or another). */
  applied: () => Promise<boolean>;
  onEvent: (event: string, fields: Record<string, unknown>) => void;
}

export type SubmitResult =
  | { status: "landed"; hash: Hex; receipt: TransactionReceipt; feeBumps: number }
  /** The simulation reverted: nothing was sent. */
  | { status: "rejected"; error: string }
  | { status: "reverted"; hash: Hex; error: string }
  /** Another transaction (a competing keeper) applied the reports or took the nonce. */
  | { status: "superseded"; reason: string };

interface Journal {
  nonce: string;
  hashes: Hex[];
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  digest: Hex;
}

function readJournal(path: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Journal;
  } catch {
    return undefined;
  }
}

function writeJournal(path: string, journal: Journal): void {
  mkdirSync(dirname(path), { recursive: true });
  // Write-then-rename: a crash never leaves a torn journal.
  writeFileSync(`${path}.tmp`, JSON.stringify(journal));
  renameSync(`${path}.tmp`, path);
}

/** `Name(arg, …)` of a custom-error revert anywhere in a viem error chain, or undefined. */
export function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  if (!revert) return undefined;
  if (revert.data?.errorName) return `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(", ")})`;
  return revert.reason ?? revert.shortMessage;
}

const bump = (fee: bigint, percent: number) => (fee * BigInt(100 + percent) + 99n) / 100n;

export async function submitBatch(
  ctx: SubmitContext,
  reports: readonly PackedRiskReport[],
  signatures: readonly CompactSignature[],
  digest: Hex,
): Promise<SubmitResult> {
  const { client, relayer, updater } = ctx;
  const rpc = <T>(what: string, fn: () => Promise<T>) =>
    withRetry(what, fn, ctx.retry, ({ attempt, delayMs, error }) => ctx.onEvent("rpc.retry", { what, attempt, delayMs, error: (error as Error).message.split("\n")[0] }));
  const args = [reports, signatures] as const;
  const data = encodeFunctionData({ abi: boundedRiskUpdaterAbi, functionName: "submitReports", args });

  // 1. Simulate: what the chain would reject is never sent.
  let gas: bigint;
  try {
    gas = await rpc("estimateGas", () => client.estimateContractGas({ address: updater, abi: boundedRiskUpdaterAbi, functionName: "submitReports", args, account: relayer }));
  } catch (error) {
    const name = revertName(error);
    if (name) return { status: "rejected", error: name };
    throw error;
  }
  gas = (gas * 12n) / 10n;

  // 2. Nonce and fees: replace our own journaled transaction if it is still pending.
  const minedNonce = BigInt(await rpc("getTransactionCount", () => client.getTransactionCount({ address: relayer.address, blockTag: "latest" })));
  const previous = readJournal(ctx.tx.journal);
  let nonce = minedNonce;
  const fees = await rpc("estimateFeesPerGas", () => client.estimateFeesPerGas());
  let maxFeePerGas = fees.maxFeePerGas;
  let maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
  const hashes: Hex[] = [];
  if (previous && BigInt(previous.nonce) >= minedNonce) {
    nonce = BigInt(previous.nonce);
    hashes.push(...previous.hashes);
    const floorFee = bump(BigInt(previous.maxFeePerGas), ctx.tx.feeBumpPercent);
    const floorTip = bump(BigInt(previous.maxPriorityFeePerGas), ctx.tx.feeBumpPercent);
    if (maxFeePerGas < floorFee) maxFeePerGas = floorFee;
    if (maxPriorityFeePerGas < floorTip) maxPriorityFeePerGas = floorTip;
    ctx.onEvent("tx.replacingJournaled", { nonce: nonce.toString(), previousHashes: previous.hashes });
  } else if (previous) {
    rmSync(ctx.tx.journal, { force: true });
  }

  for (let feeBumps = 0; ; feeBumps++) {
    const serialized = await relayer.signTransaction!({
      chainId: ctx.chainId,
      type: "eip1559",
      to: updater,
      data,
      nonce: Number(nonce),
      gas,
      maxFeePerGas,
      maxPriorityFeePerGas,
    });
    let hash: Hex;
    try {
      hash = await rpc("sendRawTransaction", () => client.sendRawTransaction({ serializedTransaction: serialized }));
    } catch (error) {
      // "nonce too low", "already known", "replacement underpriced": the nonce is contested. The chain decides.
      const message = (error as Error).message;
      if (await ctx.applied()) return { status: "superseded", reason: `reports applied by another transaction (${message.split("\n")[0]})` };
      const mined = BigInt(await rpc("getTransactionCount", () => client.getTransactionCount({ address: relayer.address, blockTag: "latest" })));
      if (mined > nonce) return { status: "superseded", reason: `nonce ${nonce} taken by another transaction` };
      if (/underpriced|already known/i.test(message) && feeBumps < ctx.tx.maxFeeBumps) {
        maxFeePerGas = bump(maxFeePerGas, ctx.tx.feeBumpPercent);
        maxPriorityFeePerGas = bump(maxPriorityFeePerGas, ctx.tx.feeBumpPercent);
        continue;
      }
      throw error;
    }
    hashes.push(hash);
    writeJournal(ctx.tx.journal, {
      nonce: nonce.toString(),
      hashes,
      maxFeePerGas: maxFeePerGas.toString(),
      maxPriorityFeePerGas: maxPriorityFeePerGas.toString(),
      digest,
    });
    ctx.onEvent("tx.sent", { hash, nonce: nonce.toString(), maxFeePerGas: maxFeePerGas.toString(), feeBumps });

    const receipt = await waitForAny(client, hashes, ctx);
    if (receipt) {
      rmSync(ctx.tx.journal, { force: true });
      if (receipt.status === "success") return { status: "landed", hash: receipt.transactionHash, receipt, feeBumps };
      return { status: "reverted", hash: receipt.transactionHash, error: await replayRevert(client, relayer, updater, args, receipt.blockNumber) };
    }
    // Not mined in time: did someone else apply the reports or use the nonce?
    if (await ctx.applied()) {
      rmSync(ctx.tx.journal, { force: true });
      return { status: "superseded", reason: "reports applied by another transaction while ours was pending" };
    }
    const mined = BigInt(await rpc("getTransactionCount", () => client.getTransactionCount({ address: relayer.address, blockTag: "latest" })));
    if (mined > nonce) {
      rmSync(ctx.tx.journal, { force: true });
      return { status: "superseded", reason: `nonce ${nonce} taken by another transaction` };
    }
    if (feeBumps >= ctx.tx.maxFeeBumps) throw new Error(`transaction ${hash} not mined after ${feeBumps} fee bumps; left journaled for the next cycle`);
    maxFeePerGas = bump(maxFeePerGas, ctx.tx.feeBumpPercent);
    maxPriorityFeePerGas = bump(maxPriorityFeePerGas, ctx.tx.feeBumpPercent);
  }
}

/** The first receipt of any of `hashes` (replacements share a nonce), or undefined on timeout. */
async function waitForAny(client: PublicClient, hashes: readonly Hex[], ctx: SubmitContext): Promise<TransactionReceipt | undefined> {
  const deadline = Date.now() + ctx.tx.receiptTimeoutMs;
  const poll = ctx.tx.pollingIntervalMs ?? 500;
  while (Date.now() < deadline) {
    for (const hash of hashes) {
      try {
        return await client.getTransactionReceipt({ hash });
      } catch (error) {
        if (error instanceof BaseError && error.name === "TransactionReceiptNotFoundError") continue;
        if (error instanceof WaitForTransactionReceiptTimeoutError || isTransientRpcError(error)) continue;
        throw error;
      }
    }
    await new Promise((r) => setTimeout(r, poll));
  }
  return undefined;
}

/** Re-executes a reverted call on the state before its block to name the custom error. */
async function replayRevert(
  client: PublicClient,
  account: LocalAccount,
  updater: Address,
  args: readonly [readonly PackedRiskReport[], readonly CompactSignature[]],
  blockNumber: bigint,
): Promise<string> {
  try {
    await client.simulateContract({ address: updater, abi: boundedRiskUpdaterAbi, functionName: "submitReports", args, account, blockNumber: blockNumber - 1n });
    return "reverted (not reproducible on the previous block's state)";
  } catch (error) {
    return revertName(error) ?? (error as Error).message.split("\n")[0]!;
  }
}
