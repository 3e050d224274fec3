/**
 * EIP-712 batch signatures with viem: signing with local keys, the batch and signature files that let
 * operators on other machines co-sign (`bulwark sign`), and gathering and checking signatures from a
 * directory or from peers before a submission.
 */
import { InputError } from "../data/errors.js";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashTypedData, type Hex, type LocalAccount, parseSignature, recoverTypedDataAddress, signatureToCompactSignature } from "viem";
import { BATCH_TYPES, REPORT_TYPES, type UpdaterDomain } from "../rules/eip712.js";
import type { Address, CompactSignature, RiskParamsJson as ParamsJson, RiskReport } from "../rules/types.js";
import { riskParamsFromJson, riskParamsToJson } from "../rules/paramsJson.js";

export interface SignedBy {
  signer: Address;
  /** 65-byte signature. */
  signature: Hex;
}

const typed = (domain: UpdaterDomain, reports: readonly RiskReport[]) =>
  ({ domain, types: BATCH_TYPES, primaryType: "RiskReportBatch", message: { reports } }) as const;

export function batchDigest(domain: UpdaterDomain, reports: readonly RiskReport[]): Hex {
  return hashTypedData(typed(domain, reports));
}

export async function signBatchWith(account: LocalAccount, domain: UpdaterDomain, reports: readonly RiskReport[]): Promise<SignedBy> {
  return { signer: account.address, signature: await account.signTypedData(typed(domain, reports)) };
}

/** A signature of one report, for the updater's single-report path (`submitReport`). */
export async function signReportWith(account: LocalAccount, domain: UpdaterDomain, report: RiskReport): Promise<SignedBy> {
  const signature = await account.signTypedData({ domain, types: REPORT_TYPES, primaryType: "RiskReport", message: report });
  return { signer: account.address, signature };
}

export async function recoverBatchSigner(domain: UpdaterDomain, reports: readonly RiskReport[], signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ ...typed(domain, reports), signature });
}

/** The updater's calldata form (EIP-2098 r, yParity·s). */
export function toCompactSignature(signature: Hex): CompactSignature {
  const compact = signatureToCompactSignature(parseSignature(signature));
  return { r: compact.r, vs: compact.yParityAndS };
}

// ---------------------------------------------------------------- files (JSON, integers as strings)

export interface BatchFile {
  kind: "bulwark.batch";
  digest: Hex;
  domain: { name: string; version: string; chainId: string; verifyingContract: Address };
  reports: { asset: Address; newParams: ParamsJson; expectedCurrentParams: ParamsJson; nonce: string; observedAt: string; reportHash: Hex }[];
}

export interface SignatureFile {
  kind: "bulwark.signature";
  digest: Hex;
  signer: Address;
  signature: Hex;
}


export function toBatchFile(domain: UpdaterDomain, reports: readonly RiskReport[]): BatchFile {
  return {
    kind: "bulwark.batch",
    digest: batchDigest(domain, reports),
    domain: { ...domain, chainId: domain.chainId.toString() },
    reports: reports.map((r) => ({
      ...r,
      newParams: riskParamsToJson(r.newParams),
      expectedCurrentParams: riskParamsToJson(r.expectedCurrentParams),
      nonce: r.nonce.toString(),
      observedAt: r.observedAt.toString(),
    })),
  };
}

/** Parses a batch file and checks that its digest matches its content (a tampered file fails here). */
export function fromBatchFile(file: string, json: unknown): { domain: UpdaterDomain; reports: RiskReport[]; digest: Hex } {
  const b = json as BatchFile;
  if (b?.kind !== "bulwark.batch" || !Array.isArray(b.reports) || !b.domain) throw new InputError(`${file}: not a bulwark batch file`);
  const domain: UpdaterDomain = { ...b.domain, chainId: BigInt(b.domain.chainId) };
  const reports: RiskReport[] = b.reports.map((r) => ({
    asset: r.asset,
    newParams: riskParamsFromJson(r.newParams),
    expectedCurrentParams: riskParamsFromJson(r.expectedCurrentParams),
    nonce: BigInt(r.nonce),
    observedAt: BigInt(r.observedAt),
    reportHash: r.reportHash,
  }));
  const digest = batchDigest(domain, reports);
  if (digest !== b.digest) throw new InputError(`${file}: digest ${b.digest} does not match the batch content (${digest})`);
  return { domain, reports, digest };
}

export function writeBatchFile(directory: string, batch: BatchFile): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `batch-${batch.digest}.json`);
  writeFileSync(path, `${JSON.stringify(batch, null, 2)}\n`);
  return path;
}

export function writeSignatureFile(directory: string, digest: Hex, signed: SignedBy): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${digest}.${signed.signer.toLowerCase()}.json`);
  const body: SignatureFile = { kind: "bulwark.signature", digest, ...signed };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

/** Signature files for `digest` in a directory (malformed or foreign files are skipped). */
export function signaturesFromDirectory(directory: string, digest: Hex): SignedBy[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const out: SignedBy[] = [];
  for (const name of names.filter((n) => n.startsWith(`${digest}.`) && n.endsWith(".json"))) {
    try {
      const s = JSON.parse(readFileSync(join(directory, name), "utf8")) as SignatureFile;
      if (s.kind === "bulwark.signature" && s.digest === digest) out.push({ signer: s.signer, signature: s.signature });
    } catch {
      // A half-written file: the next cycle reads it again.
    }
  }
  return out;
}

/** GET <peer>/<digest>.json from each peer: a signature file, or a list of them. Failures are skipped. */
export async function signaturesFromPeers(peers: readonly string[], digest: Hex, timeoutMs: number): Promise<{ found: SignedBy[]; failed: { peer: string; reason: string }[] }> {
  const found: SignedBy[] = [];
  const failed: { peer: string; reason: string }[] = [];
  await Promise.all(
    peers.map(async (peer) => {
      try {
        const res = await fetch(`${peer.replace(/\/$/, "")}/${digest}.json`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) {
          failed.push({ peer, reason: `HTTP ${res.status}` });
          return;
        }
        const body = (await res.json()) as SignatureFile | SignatureFile[];
        for (const s of Array.isArray(body) ? body : [body]) {
          if (s.kind === "bulwark.signature" && s.digest === digest) found.push({ signer: s.signer, signature: s.signature });
        }
      } catch (error) {
        failed.push({ peer, reason: (error as Error).message });
      }
    }),
  );
  return { found, failed };
}

/**
 * Keeps the signatures that recover to a distinct registered signer, up to `quorum` (extra
 * signatures only cost gas). Each rejected one is reported with the reason.
 */
export async function selectSignatures(
  domain: UpdaterDomain,
  reports: readonly RiskReport[],
  candidates: readonly SignedBy[],
  isSigner: (address: Address) => Promise<boolean>,
  quorum: number,
): Promise<{ selected: SignedBy[]; rejected: { signer: Address; reason: string }[] }> {
  const selected: SignedBy[] = [];
  const rejected: { signer: Address; reason: string }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (selected.length >= quorum) break;
    let recovered: Address;
    try {
      recovered = await recoverBatchSigner(domain, reports, c.signature);
    } catch (error) {
      rejected.push({ signer: c.signer, reason: `unreadable signature: ${(error as Error).message}` });
      continue;
    }
    if (recovered.toLowerCase() !== c.signer.toLowerCase()) {
      rejected.push({ signer: c.signer, reason: `signature recovers to ${recovered}` });
      continue;
    }
    if (seen.has(recovered.toLowerCase())) continue;
    if (!(await isSigner(recovered))) {
      rejected.push({ signer: recovered, reason: "not a registered calibrator signer" });
      continue;
    }
    seen.add(recovered.toLowerCase());
    selected.push(c);
  }
  return { selected, rejected };
}
