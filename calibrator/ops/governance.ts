/**
 * Governance proposals through the TimelockController: a proposal file lists calls to the updater,
 * the oracle or the engine (register a signer, set an asset's bounds, list a collateral, …); `schedule`
 * submits them as one batch and `execute` runs it once the delay has passed. Encoding uses the
 * contracts' ABIs, so a misspelt method or a bad argument fails before anything is sent.
 */
import { encodeFunctionData, type Hex, keccak256, toHex } from "viem";
import { z } from "zod";
import { boundedRiskUpdaterAbi, marginEngineAbi, priceOracleAbi } from "../abi/contracts.js";
import { DataError } from "../data/errors.js";
import { loadJsonFile } from "../data/jsonFile.js";
import type { Deployment } from "./deployment.js";

const ABIS = { updater: boundedRiskUpdaterAbi, oracle: priceOracleAbi, engine: marginEngineAbi } as const;

export const proposalSchema = z.object({
  /** Names the operation: the timelock salt is its keccak256, so the same title cannot be scheduled twice. */
  title: z.string().min(3),
  calls: z
    .array(z.object({ contract: z.enum(["updater", "oracle", "engine"]), method: z.string().min(1), args: z.array(z.unknown()) }))
    .min(1)
    .max(50),
});
export type Proposal = z.infer<typeof proposalSchema>;

export function loadProposal(file: string): Proposal {
  return loadJsonFile(proposalSchema, file);
}

/** Integers in proposal files may be written as decimal strings (18-decimal amounts exceed JSON numbers). */
function bigintsFromStrings(value: unknown): unknown {
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(bigintsFromStrings);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigintsFromStrings(v)]));
  return value;
}

export interface EncodedOperation {
  targets: `0x${string}`[];
  values: bigint[];
  payloads: Hex[];
  predecessor: Hex;
  salt: Hex;
}

export function encodeProposal(proposal: Proposal, deployment: Deployment, file = "proposal"): EncodedOperation {
  const payloads = proposal.calls.map((call, i) => {
    try {
      return encodeFunctionData({ abi: ABIS[call.contract], functionName: call.method, args: bigintsFromStrings(call.args) } as Parameters<typeof encodeFunctionData>[0]);
    } catch (error) {
      throw new DataError(file, undefined, `calls.${i}`, `${call.contract}.${call.method}: ${(error as Error).message.split("\n")[0]}`);
    }
  });
  return {
    targets: proposal.calls.map((c) => deployment[c.contract]),
    values: proposal.calls.map(() => 0n),
    payloads,
    predecessor: `0x${"0".repeat(64)}`,
    salt: keccak256(toHex(proposal.title)),
  };
}
