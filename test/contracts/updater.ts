import { expect } from "chai";
import { network } from "hardhat";
import { packParams, packReport } from "../../calibrator/rules/packing.js";
import { Param, type RiskParams } from "../../calibrator/rules/types.js";
import { signReport } from "../fixtures/signing.js";
import { buildReport, DEFAULT_PARAMS, DEFAULT_RULES, deploySystem, storedParams } from "../fixtures/system.js";
import { propose, refreshFeeds, submit, submitBatch } from "../helpers/reports.js";
import { readFileSync } from "node:fs";
import { deploymentSpecSchema, parseDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { DataError } from "../../calibrator/data/errors.js";
import { ORACLE_LIMITS, UPDATER_LIMITS } from "../../calibrator/rules/bounds.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const DAY = 86_400;
const raise = (p: RiskParams, bps = 50): RiskParams => ({
  ...p,
  ltvBps: p.ltvBps + bps,
  liquidationThresholdBps: p.liquidationThresholdBps + bps,
});

async function deployed() {
  return deploySystem({ ethers, ignition }, { quorum: 2, calibratorCount: 3 });
}

/** A system past the risk-increasing cooldown, with fresh feeds. */
async function ready() {
  const system = await deployed();
  await time.increase(3 * DAY);
  await refreshFeeds(system);
  return system;
}

describe("BoundedRiskUpdater: accepted reports", function () {
  it("applies a quorum-signed report relayed by anyone and emits old, new, nonce, hash and signers", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const report = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    const signers = system.calibrators.slice(0, 2);
    await expect(submit(system, report, signers))
      .to.emit(system.updater, "ReportAccepted")
      .withArgs(
        asset,
        0n,
        report.reportHash,
        packParams(DEFAULT_PARAMS),
        packParams(report.newParams),
        (1n << 1n) | (1n << 2n), // calibrators 0 and 1 hold indices 1 and 2
      );
    for (const [i, w] of system.calibrators.entries()) {
      expect(await system.updater.signerIndex(w.address)).to.equal(BigInt(i + 1));
      expect(await system.updater.signerAt(i + 1)).to.equal(w.address);
    }
    expect(await storedParams(system.registry, asset)).to.deep.equal(report.newParams);
    const [configured, nonce, lastUpdateAt, lastObservedAt] = await system.updater.assetState(asset);
    expect(configured).to.equal(true);
    expect(nonce).to.equal(1n);
    expect(lastUpdateAt).to.equal(BigInt(await time.latest()));
    expect(lastObservedAt).to.equal(report.observedAt);
  });

  it("accepts signatures in any order and more than the quorum", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const report = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    const [a, b, c] = system.calibrators;
    await expect(submit(system, report, [c!, a!, b!])).to.emit(system.updater, "ReportAccepted");
  });

  it("matches the digest the TypeScript EIP-712 types produce", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const { REPORT_TYPES } = await import("../../calibrator/rules/eip712.js");
    const { batchDigest } = await import("../../calibrator/keeper/signatures.js");
    const { hashTypedData } = await import("viem");
    expect(await system.updater.reportDigest(packReport(report))).to.equal(
      hashTypedData({ domain: system.domain, types: REPORT_TYPES, primaryType: "RiskReport", message: report }),
    );
    expect(await system.updater.batchDigest([packReport(report), packReport(report)])).to.equal(
      batchDigest(system.domain, [report, report]),
    );
  });

  it("applies a batch for several assets in one transaction, atomically", async function () {
    const system = await loadFixture(ready);
    const reports = await Promise.all(system.assets.map((a) => buildReport(system.updater, a.address, raise(DEFAULT_PARAMS))));
    await expect(submitBatch(system, reports)).to.emit(system.updater, "ReportAccepted");
    for (const a of system.assets) {
      expect((await storedParams(system.registry, a.address)).ltvBps).to.equal(DEFAULT_PARAMS.ltvBps + 50);
    }
  });

  it("reverts the whole batch when one report is invalid", async function () {
    const system = await loadFixture(ready);
    const good = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const bad = await buildReport(system.updater, system.assets[1]!.address, raise(DEFAULT_PARAMS, 51));
    await expect(submitBatch(system, [good, bad])).to.be.revertedWithCustomError(system.updater, "StepTooLarge");
    expect(await storedParams(system.registry, system.assets[0]!.address)).to.deep.equal(DEFAULT_PARAMS);
  });

  it("takes a larger risk-reducing step after the shorter cooldown", async function () {
    const system = await loadFixture(deployed);
    await time.increase(3_600);
    await refreshFeeds(system);
    const asset = system.assets[0]!.address;
    const cut = {
      ...DEFAULT_PARAMS,
      ltvBps: DEFAULT_PARAMS.ltvBps - 200,
      liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps - 200,
      liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps + 100,
      closeFactorBps: DEFAULT_PARAMS.closeFactorBps + 2_500,
    };
    await expect(propose(system, asset, cut)).to.emit(system.updater, "ReportAccepted");
    expect(await storedParams(system.registry, asset)).to.deep.equal(cut);
  });

  it("changes the cap and the window within their relative steps", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const next = {
      ...DEFAULT_PARAMS,
      liquidationCapPerWindow: (DEFAULT_PARAMS.liquidationCapPerWindow * 125n) / 100n,
      liquidationWindow: DEFAULT_PARAMS.liquidationWindow / 2,
    };
    await expect(propose(system, asset, next)).to.emit(system.updater, "ReportAccepted");
    expect(await storedParams(system.registry, asset)).to.deep.equal(next);
  });
});

describe("BoundedRiskUpdater: rejected reports", function () {
  it("UpdaterPaused while the guardian has paused it", async function () {
    const system = await loadFixture(ready);
    await system.updater.connect(system.guardian).pause();
    await expect(propose(system, system.assets[0]!.address, raise(DEFAULT_PARAMS))).to.be.revertedWithCustomError(
      system.updater,
      "UpdaterPaused",
    );
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    await expect(submitBatch(system, [report])).to.be.revertedWithCustomError(system.updater, "UpdaterPaused");
    await expect(system.updater.previewReport(packReport(report))).to.be.revertedWithCustomError(
      system.updater,
      "UpdaterPaused",
    );
  });

  it("InsufficientSignatures below the quorum", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    await expect(submit(system, report, system.calibrators.slice(0, 1)))
      .to.be.revertedWithCustomError(system.updater, "InsufficientSignatures")
      .withArgs(1, 2);
  });

  it("DuplicateSigner when one signer signs twice", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const a = system.calibrators[0]!;
    await expect(submit(system, report, [a, a]))
      .to.be.revertedWithCustomError(system.updater, "DuplicateSigner")
      .withArgs(a.address);
  });

  it("UnknownSigner for a key that is not registered", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const stranger = ethers.Wallet.createRandom();
    await expect(submit(system, report, [system.calibrators[0]!, stranger as unknown as import("ethers").Wallet]))
      .to.be.revertedWithCustomError(system.updater, "UnknownSigner")
      .withArgs(stranger.address);
  });

  it("UnknownSigner when the signed content differs from the relayed one", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const signed = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    const sigs = await signReport(system.calibrators.slice(0, 2), system.domain, signed);
    const tampered = packReport({ ...signed, newParams: raise(DEFAULT_PARAMS, 40) });
    await expect(system.updater.connect(system.relayer).submitReport(tampered, sigs)).to.be.revertedWithCustomError(
      system.updater,
      "UnknownSigner",
    );
  });

  it("InvalidSignature for a malformed signature (high s)", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const sigs = await signReport(system.calibrators.slice(0, 2), system.domain, report);
    const highS = { r: sigs[1]!.r, vs: ("0x" + "f".repeat(64)) as `0x${string}` };
    await expect(system.updater.connect(system.relayer).submitReport(packReport(report), [sigs[0]!, highS]))
      .to.be.revertedWithCustomError(system.updater, "InvalidSignature")
      .withArgs(1);
  });

  it("TooManySignatures above MAX_SIGNERS", async function () {
    const system = await loadFixture(ready);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    const sigs = await signReport(system.calibrators.slice(0, 1), system.domain, report);
    const many = Array.from({ length: 33 }, () => sigs[0]!);
    await expect(system.updater.submitReport(packReport(report), many))
      .to.be.revertedWithCustomError(system.updater, "TooManySignatures")
      .withArgs(33, 32);
  });

  it("EmptyBatch and BatchTooLarge", async function () {
    const system = await loadFixture(ready);
    await expect(system.updater.submitReports([], [])).to.be.revertedWithCustomError(system.updater, "EmptyBatch");
    const report = packReport(await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS)));
    await expect(system.updater.submitReports(Array(65).fill(report), []))
      .to.be.revertedWithCustomError(system.updater, "BatchTooLarge")
      .withArgs(65, 64);
  });

  it("AssetNotConfigured for an asset governance never configured", async function () {
    const system = await loadFixture(ready);
    const unknown = ethers.Wallet.createRandom().address as `0x${string}`;
    const report = { ...(await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS))), asset: unknown };
    await expect(submit(system, report))
      .to.be.revertedWithCustomError(system.updater, "AssetNotConfigured")
      .withArgs(unknown);
  });

  it("AssetNotListed for a configured asset without parameters", async function () {
    const system = await loadFixture(ready);
    const fresh = ethers.Wallet.createRandom().address as `0x${string}`;
    await system.updater.connect(system.governance).setAssetRules(fresh, DEFAULT_RULES);
    const report = { ...(await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS))), asset: fresh, nonce: 0n };
    await expect(submit(system, report)).to.be.revertedWithCustomError(system.updater, "AssetNotListed").withArgs(fresh);
  });

  it("InvalidNonce for a replayed or skipped nonce", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    await expect(propose(system, asset, raise(DEFAULT_PARAMS), { nonce: 1n }))
      .to.be.revertedWithCustomError(system.updater, "InvalidNonce")
      .withArgs(asset, 0n, 1n);
    const report = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    await submit(system, report);
    await expect(submit(system, report))
      .to.be.revertedWithCustomError(system.updater, "InvalidNonce")
      .withArgs(asset, 1n, 0n);
  });

  it("ReportFromFuture, ReportTooOld and ReportNotNewer on observation times", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const now = BigInt(await time.latest());
    await expect(propose(system, asset, raise(DEFAULT_PARAMS), { observedAt: now + 100n }))
      .to.be.revertedWithCustomError(system.updater, "ReportFromFuture")
      .withArgs(asset, now + 100n);
    await expect(propose(system, asset, raise(DEFAULT_PARAMS), { observedAt: now - 3_600n }))
      .to.be.revertedWithCustomError(system.updater, "ReportTooOld")
      .withArgs(asset, now - 3_600n, 3_600);
    // First report lands; a later one observed at the same instant is not newer.
    const first = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    await submit(system, first);
    await time.increase(3 * DAY);
    await refreshFeeds(system);
    const second = await buildReport(system.updater, asset, raise(first.newParams), { observedAt: first.observedAt });
    await expect(submit(system, second)).to.be.revertedWithCustomError(system.updater, "ReportTooOld");
    await system.updater.connect(system.governance).setMaxReportAge(7 * DAY);
    await expect(submit(system, second))
      .to.be.revertedWithCustomError(system.updater, "ReportNotNewer")
      .withArgs(asset, first.observedAt, first.observedAt);
  });

  it("StaleCurrentParams when the live values changed after the report was computed", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const report = await buildReport(system.updater, asset, raise(DEFAULT_PARAMS));
    await system.updater.connect(system.guardian).guardianTighten(asset, { ...DEFAULT_PARAMS, ltvBps: 8_000 });
    await expect(submit(system, report)).to.be.revertedWithCustomError(system.updater, "StaleCurrentParams").withArgs(asset);
  });

  it("NoChange when the report repeats the live values", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    await expect(propose(system, asset, DEFAULT_PARAMS)).to.be.revertedWithCustomError(system.updater, "NoChange").withArgs(asset);
  });

  it("MalformedPackedParams when bits above 191 are set", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const report = packReport(await buildReport(system.updater, asset, raise(DEFAULT_PARAMS)));
    const dirty = { ...report, newParams: report.newParams | (1n << 200n) };
    await expect(system.updater.previewReport(dirty))
      .to.be.revertedWithCustomError(system.updater, "MalformedPackedParams")
      .withArgs(asset);
  });

  it("ParamOutOfBounds for each kind of field", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    // Narrow the LTV bound so a single step crosses it.
    const rules = { ...DEFAULT_RULES, ltv: { ...DEFAULT_RULES.ltv, max: DEFAULT_PARAMS.ltvBps + 10 } };
    await system.updater.connect(system.governance).setAssetRules(asset, rules);
    await expect(propose(system, asset, raise(DEFAULT_PARAMS, 20)))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, Param.Ltv, DEFAULT_PARAMS.ltvBps + 20, rules.ltv.min, rules.ltv.max);
    const capAbove = { ...DEFAULT_PARAMS, liquidationCapPerWindow: DEFAULT_RULES.liquidationCap.max + 1n };
    await expect(propose(system, asset, capAbove))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, Param.LiquidationCap, capAbove.liquidationCapPerWindow, DEFAULT_RULES.liquidationCap.min, DEFAULT_RULES.liquidationCap.max);
    const windowBelow = { ...DEFAULT_PARAMS, liquidationWindow: 599 };
    await expect(propose(system, asset, windowBelow))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, Param.LiquidationWindow, 599, 600, 86_400);
  });

  it("StepTooLarge with asymmetric limits: a 51 bps raise fails where a 200 bps cut passes", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps + 51 }))
      .to.be.revertedWithCustomError(system.updater, "StepTooLarge")
      .withArgs(asset, Param.LiquidationThreshold, 8_300, 8_351, 50);
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps - 26 }))
      .to.be.revertedWithCustomError(system.updater, "StepTooLarge")
      .withArgs(asset, Param.LiquidationBonus, 500, 474, 25);
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, closeFactorBps: 2_499 }))
      .to.be.revertedWithCustomError(system.updater, "StepTooLarge")
      .withArgs(asset, Param.CloseFactor, 5_000, 2_499, 500);
    const capJump = (DEFAULT_PARAMS.liquidationCapPerWindow * 126n) / 100n;
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, liquidationCapPerWindow: capJump }))
      .to.be.revertedWithCustomError(system.updater, "StepTooLarge")
      .withArgs(asset, Param.LiquidationCap, DEFAULT_PARAMS.liquidationCapPerWindow, capJump, DEFAULT_PARAMS.liquidationCapPerWindow / 4n);
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 200 })).to.emit(
      system.updater,
      "ReportAccepted",
    );
  });

  it("CooldownActive: risk-increasing reports wait 3 days, risk-reducing ones 1 hour", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const [, , listedAt] = await system.updater.assetState(asset);
    await expect(propose(system, asset, raise(DEFAULT_PARAMS)))
      .to.be.revertedWithCustomError(system.updater, "CooldownActive")
      .withArgs(asset, listedAt + BigInt(3 * DAY));
    const cut = { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 100 };
    await expect(propose(system, asset, cut))
      .to.be.revertedWithCustomError(system.updater, "CooldownActive")
      .withArgs(asset, listedAt + 3_600n);
    await time.increase(3_600);
    await refreshFeeds(system);
    await expect(propose(system, asset, cut)).to.emit(system.updater, "ReportAccepted");
    // A cap change is symmetric and waits the slow clock even when it lowers the cap.
    await time.increase(3_600);
    await refreshFeeds(system);
    await expect(
      propose(system, asset, { ...cut, liquidationCapPerWindow: (cut.liquidationCapPerWindow * 9n) / 10n }),
    ).to.be.revertedWithCustomError(system.updater, "CooldownActive");
  });

  it("two clocks: risk-reducing reports every 12 hours no longer starve a cap raise; it waits 3 days after the last risk-increasing write only (issue 14)", async function () {
    // With one clock (the contract before this change), each LTV cut restarted the 3-day cooldown, so
    // through a crash of steady cuts no cap change, the move a crash needs most, could ever land.
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const [, , listedAt, , listedRiskAt] = await system.updater.assetState(asset);
    expect(listedRiskAt).to.equal(listedAt); // listing is a governance write: both clocks start
    let params = DEFAULT_PARAMS;
    for (let hours = 1; hours <= 61; hours += 12) {
      await time.increaseTo(listedAt + BigInt(hours * 3_600));
      await refreshFeeds(system);
      params = { ...params, ltvBps: params.ltvBps - 10 };
      await expect(propose(system, asset, params)).to.emit(system.updater, "ReportAccepted");
    }
    const [, , lastCutAt, , riskAtAfterCuts] = await system.updater.assetState(asset);
    expect(riskAtAfterCuts).to.equal(listedAt); // risk-reducing reports leave the slow clock alone
    const capRaise = { ...params, liquidationCapPerWindow: (params.liquidationCapPerWindow * 11n) / 10n };
    await time.increaseTo(lastCutAt + 3_600n);
    await refreshFeeds(system);
    await expect(propose(system, asset, capRaise))
      .to.be.revertedWithCustomError(system.updater, "CooldownActive")
      .withArgs(asset, listedAt + BigInt(3 * DAY));
    await time.increaseTo(listedAt + BigInt(3 * DAY));
    await refreshFeeds(system);
    await expect(propose(system, asset, capRaise)).to.emit(system.updater, "ReportAccepted");
    const [, , raisedAt, , riskAtAfterRaise] = await system.updater.assetState(asset);
    expect(riskAtAfterRaise).to.equal(raisedAt);
    // Within the hour, even a risk-reducing report waits the short clock; after it, a cut lands and the
    // slow clock keeps the raise's time, so a second raise waits 3 days from the first.
    const cut = { ...capRaise, ltvBps: capRaise.ltvBps - 10 };
    await expect(propose(system, asset, cut))
      .to.be.revertedWithCustomError(system.updater, "CooldownActive")
      .withArgs(asset, raisedAt + 3_600n);
    await time.increaseTo(raisedAt + 3_600n);
    await refreshFeeds(system);
    await expect(propose(system, asset, cut)).to.emit(system.updater, "ReportAccepted");
    const [, , cutAt, , riskAtAfterCut] = await system.updater.assetState(asset);
    expect(cutAt).to.be.greaterThan(raisedAt);
    expect(riskAtAfterCut).to.equal(raisedAt);
    await time.increaseTo(cutAt + 3_600n);
    await refreshFeeds(system);
    await expect(propose(system, asset, { ...cut, ltvBps: cut.ltvBps + 10 }))
      .to.be.revertedWithCustomError(system.updater, "CooldownActive")
      .withArgs(asset, raisedAt + BigInt(3 * DAY));
    // A governance write restarts both clocks.
    await system.updater.connect(system.governance).governanceSetParams(asset, { ...cut, ltvBps: cut.ltvBps - 10 });
    const [, , govAt, , riskAtAfterGov] = await system.updater.assetState(asset);
    expect(riskAtAfterGov).to.equal(govAt);
  });

  it("bubbles the oracle's StalePrice while the asset's feed is stale", async function () {
    const system = await loadFixture(deployed);
    await time.increase(3 * DAY); // feeds not refreshed: their answers are 3 days old
    const asset = system.assets[0]!.address;
    await expect(propose(system, asset, raise(DEFAULT_PARAMS))).to.be.revertedWithCustomError(system.oracle, "StalePrice");
  });

  it("previewReport raises the same errors as submitReport and passes what would land", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    const tooFar = packReport(await buildReport(system.updater, asset, raise(DEFAULT_PARAMS, 60)));
    await expect(system.updater.previewReport(tooFar)).to.be.revertedWithCustomError(system.updater, "StepTooLarge");
    // Wide steps so that only the static invariant can object: 90% x (1 + 12%) >= 1.
    const wide = { min: 1, max: 10_000, maxRiskIncreasingStep: 2_000, maxRiskReducingStep: 2_000 };
    await system.updater
      .connect(system.governance)
      .setAssetRules(asset, { ...DEFAULT_RULES, ltv: wide, liquidationThreshold: wide, liquidationBonus: wide });
    const toxic = packReport(
      await buildReport(system.updater, asset, { ...DEFAULT_PARAMS, liquidationBonusBps: 1_200, liquidationThresholdBps: 9_000, ltvBps: 8_000 }),
    );
    await expect(system.updater.previewReport(toxic))
      .to.be.revertedWithCustomError(system.updater, "ToxicLiquidationSpiral")
      .withArgs(9_000, 1_200);
    const ok = packReport(await buildReport(system.updater, asset, raise(DEFAULT_PARAMS)));
    await system.updater.previewReport(ok);
  });

  it("rejects a report that breaks a static invariant with the registry's error", async function () {
    const system = await loadFixture(ready);
    const asset = system.assets[0]!.address;
    // LTV up to the threshold: within bounds and steps, but LTV must stay below the threshold.
    const rules = { ...DEFAULT_RULES, ltv: { ...DEFAULT_RULES.ltv, max: 9_000, maxRiskIncreasingStep: 300, maxRiskReducingStep: 300 } };
    await system.updater.connect(system.governance).setAssetRules(asset, rules);
    await expect(propose(system, asset, { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.liquidationThresholdBps }))
      .to.be.revertedWithCustomError(system.updater, "LtvNotBelowThreshold")
      .withArgs(8_300, 8_300);
  });
});

describe("BoundedRiskUpdater: governance and guardian", function () {
  it("only governance configures, writes and manages signers; only the guardian pauses and tightens", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const admin = await system.updater.DEFAULT_ADMIN_ROLE();
    const guardianRole = await system.updater.GUARDIAN_ROLE();
    const o = system.updater.connect(system.outsider);
    const denied = (p: Promise<unknown>, role: string) =>
      expect(p).to.be.revertedWithCustomError(system.updater, "AccessControlUnauthorizedAccount").withArgs(system.outsider.address, role);
    await denied(o.setAssetRules(asset, DEFAULT_RULES), admin);
    await denied(o.governanceSetParams(asset, DEFAULT_PARAMS), admin);
    await denied(o.addSigner(system.outsider.address), admin);
    await denied(o.removeSigner(system.calibrators[0]!.address), admin);
    await denied(o.setQuorum(1), admin);
    await denied(o.setMaxReportAge(60), admin);
    await denied(o.unpause(), admin);
    await denied(o.setRampDuration(asset, 60), admin);
    await denied(o.unfreeze(asset), admin);
    await denied(o.pause(), guardianRole);
    await denied(o.guardianTighten(asset, DEFAULT_PARAMS), guardianRole);
    await denied(o.freeze(asset), guardianRole);
    // The guardian cannot do governance's part.
    await expect(system.updater.connect(system.guardian).unpause()).to.be.revertedWithCustomError(
      system.updater,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("the deployment schema refuses a zero lower bound as setAssetRules does (issue 16 finding 6)", function () {
    const spec = JSON.parse(readFileSync("deploy/local.json", "utf8")) as { assets: { rules: Record<string, { min: number | string }> }[] };
    expect(deploymentSpecSchema.safeParse(spec).success).to.equal(true);
    for (const field of ["ltv", "liquidationThreshold", "liquidationBonus", "closeFactor", "liquidationCap", "liquidationWindow"]) {
      const copy = JSON.parse(JSON.stringify(spec)) as typeof spec;
      copy.assets[0]!.rules[field]!.min = typeof copy.assets[0]!.rules[field]!.min === "string" ? "0" : 0;
      const parsed = deploymentSpecSchema.safeParse(copy);
      expect(parsed.success, field).to.equal(false);
      expect(JSON.stringify(parsed.error?.issues), field).to.include("a lower bound must be positive");
    }
  });

  it("deployment schema limits = contract limits (rules/bounds.ts): at each limit both accept, one past it both refuse (issue 15)", async function () {
    const system = await loadFixture(deployed);
    const g = system.updater.connect(system.governance);
    // The TypeScript limits are the contracts' public constants.
    expect(await system.updater.MAX_SIGNERS()).to.equal(BigInt(UPDATER_LIMITS.maxSigners));
    expect(await system.updater.MAX_BATCH()).to.equal(BigInt(UPDATER_LIMITS.maxBatch));
    expect(await system.updater.MAX_COOLDOWN()).to.equal(BigInt(UPDATER_LIMITS.maxCooldown));
    expect(await system.updater.MAX_REPORT_AGE_LIMIT()).to.equal(BigInt(UPDATER_LIMITS.maxReportAge));
    expect(await system.updater.MAX_RAMP_DURATION()).to.equal(BigInt(UPDATER_LIMITS.maxRampDuration));
    expect(await system.oracle.MAX_STALENESS_ALLOWANCE()).to.equal(BigInt(ORACLE_LIMITS.maxStalenessAllowance));

    type Rules = Record<string, Record<string, number | string>> & Record<"riskIncreasingCooldown" | "riskReducingCooldown", number>;
    interface Spec {
      calibrators: { maxReportAge: number };
      assets: { rules: Rules; params: Record<string, number | string>; rampDuration: number; stalenessAllowance: number }[];
    }
    const spec = JSON.parse(readFileSync("deploy/local.json", "utf8")) as Spec;
    const chainRules = (r: Rules) => {
      const bpsRule = (x: Record<string, number | string>) => ({ min: Number(x.min), max: Number(x.max), maxRiskIncreasingStep: Number(x.maxRiskIncreasingStep), maxRiskReducingStep: Number(x.maxRiskReducingStep) });
      const amountRule = (x: Record<string, number | string>) => ({ min: BigInt(x.min!), max: BigInt(x.max!), maxStepBps: Number(x.maxStepBps) });
      return {
        ltv: bpsRule(r.ltv!), liquidationThreshold: bpsRule(r.liquidationThreshold!), liquidationBonus: bpsRule(r.liquidationBonus!), closeFactor: bpsRule(r.closeFactor!),
        liquidationCap: amountRule(r.liquidationCap!), liquidationWindow: amountRule(r.liquidationWindow!),
        riskIncreasingCooldown: r.riskIncreasingCooldown, riskReducingCooldown: r.riskReducingCooldown,
      };
    };
    const feed = await system.assets[0]!.feed.getAddress();
    const W = UPDATER_LIMITS.maxLiquidationWindow;
    const cases: [string, (c: Spec) => void, (c: Spec, asset: string) => Promise<unknown>][] = [];
    const rulesCase = (name: string, change: (r: Rules) => void) =>
      cases.push([name, (c) => change(c.assets[0]!.rules), (c, asset) => g.setAssetRules(asset, chainRules(c.assets[0]!.rules))]);
    for (const [label, value] of [["at", UPDATER_LIMITS.maxCooldown], ["past", UPDATER_LIMITS.maxCooldown + 1]] as const) {
      rulesCase(`riskIncreasingCooldown ${label} MAX_COOLDOWN`, (r) => (r.riskIncreasingCooldown = value));
    }
    rulesCase("riskReducingCooldown = riskIncreasingCooldown", (r) => (r.riskReducingCooldown = r.riskIncreasingCooldown));
    rulesCase("riskReducingCooldown above riskIncreasingCooldown", (r) => (r.riskReducingCooldown = r.riskIncreasingCooldown + 1));
    rulesCase("ltv.min = ltv.max (at the starting LTV)", (r) => (r.ltv!.min = r.ltv!.max = 8_050));
    rulesCase("ltv.min above ltv.max", (r) => {
      r.ltv!.min = 8_051;
      r.ltv!.max = 8_050;
    });
    rulesCase("liquidationBonus: reducing step = increasing step", (r) => (r.liquidationBonus!.maxRiskReducingStep = r.liquidationBonus!.maxRiskIncreasingStep!));
    rulesCase("liquidationBonus: reducing step below increasing step", (r) => (r.liquidationBonus!.maxRiskReducingStep = Number(r.liquidationBonus!.maxRiskIncreasingStep) - 1));
    rulesCase("liquidationCap.min = max (at the starting cap)", (r) => (r.liquidationCap!.min = r.liquidationCap!.max = String(spec.assets[0]!.params.liquidationCapPerWindow)));
    rulesCase("liquidationCap.min above max", (r) => {
      r.liquidationCap!.max = String(spec.assets[0]!.params.liquidationCapPerWindow);
      r.liquidationCap!.min = (BigInt(r.liquidationCap!.max) + 1n).toString();
    });
    rulesCase("liquidationWindow.max = 2^32 - 1", (r) => (r.liquidationWindow!.max = String(W)));
    rulesCase("liquidationWindow.max = 2^32", (r) => (r.liquidationWindow!.max = String(W + 1)));
    for (const value of [UPDATER_LIMITS.maxReportAge, UPDATER_LIMITS.maxReportAge + 1]) {
      cases.push([`maxReportAge ${value}`, (c) => (c.calibrators.maxReportAge = value), () => g.setMaxReportAge(value)]);
    }
    for (const value of [UPDATER_LIMITS.maxRampDuration, UPDATER_LIMITS.maxRampDuration + 1]) {
      cases.push([`rampDuration ${value}`, (c) => (c.assets[0]!.rampDuration = value), (_, asset) => g.setRampDuration(asset, value)]);
    }
    for (const value of [ORACLE_LIMITS.maxStalenessAllowance, ORACLE_LIMITS.maxStalenessAllowance + 1]) {
      cases.push([`stalenessAllowance ${value}`, (c) => (c.assets[0]!.stalenessAllowance = value), (_, asset) => system.oracle.connect(system.governance).setFeed(asset, feed, value)]);
    }
    // The starting parameters go through governanceSetParams: within the bounds and the invariants.
    const paramsCase = (name: string, change: (p: Record<string, number | string>) => void) =>
      cases.push([name, (c) => change(c.assets[0]!.params), async (c, asset) => {
        await g.setAssetRules(asset, chainRules(c.assets[0]!.rules));
        const p = c.assets[0]!.params;
        return g.governanceSetParams(asset, { ltvBps: Number(p.ltvBps), liquidationThresholdBps: Number(p.liquidationThresholdBps), liquidationBonusBps: Number(p.liquidationBonusBps), closeFactorBps: Number(p.closeFactorBps), liquidationCapPerWindow: BigInt(p.liquidationCapPerWindow!), liquidationWindow: Number(p.liquidationWindow) });
      }]);
    paramsCase("ltvBps at its lower bound", (p) => (p.ltvBps = 5_000));
    paramsCase("ltvBps below its lower bound", (p) => (p.ltvBps = 4_999));
    paramsCase("liquidationWindow above its upper bound", (p) => (p.liquidationWindow = 86_401));
    paramsCase("ltvBps = liquidationThresholdBps (invariant)", (p) => (p.ltvBps = p.liquidationThresholdBps!));
    paramsCase("threshold × (1 + bonus) ≥ 1 (spiral invariant)", (p) => {
      p.liquidationThresholdBps = 9_000;
      p.liquidationBonusBps = 1_200;
    });

    let refusedBoth = 0;
    for (const [name, change, onChain] of cases) {
      const copy = JSON.parse(JSON.stringify(spec)) as Spec;
      change(copy);
      const schema = (() => {
        try {
          parseDeploymentSpec(copy, "deploy/local.json");
          return true;
        } catch (e) {
          expect(e, name).to.be.instanceOf(DataError);
          return false;
        }
      })();
      const asset = ethers.Wallet.createRandom().address;
      const chain = await onChain(copy, asset).then(() => true, () => false);
      expect(schema, `${name}: the schema ${schema ? "accepts" : "refuses"} what the chain ${chain ? "accepts" : "refuses"}`).to.equal(chain);
      if (!chain) refusedBoth++;
    }
    // 13 of the 23 cases lie one past a limit or break an invariant: the comparison is not vacuous.
    expect(cases.length).to.equal(23);
    expect(refusedBoth).to.equal(13);
  });

  it("setAssetRules validates bounds, asymmetry and cooldowns", async function () {
    const system = await loadFixture(deployed);
    const g = system.updater.connect(system.governance);
    const asset = ethers.Wallet.createRandom().address;
    await expect(g.setAssetRules(ethers.ZeroAddress, DEFAULT_RULES)).to.be.revertedWithCustomError(system.updater, "ZeroAddress");
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, ltv: { ...DEFAULT_RULES.ltv, min: 9_000, max: 8_000 } }))
      .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
      .withArgs(Param.Ltv);
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, closeFactor: { ...DEFAULT_RULES.closeFactor, max: 10_001 } }))
      .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
      .withArgs(Param.CloseFactor);
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, liquidationCap: { ...DEFAULT_RULES.liquidationCap, min: 10n, max: 9n } }))
      .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
      .withArgs(Param.LiquidationCap);
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, liquidationWindow: { ...DEFAULT_RULES.liquidationWindow, max: 2n ** 32n } }))
      .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
      .withArgs(Param.LiquidationWindow);
    // Issue 16 finding 6: a zero lower bound is refused for every parameter, as the NatSpec says (a
    // bonus bound of 0 used to be accepted).
    for (const [field, param] of [["ltv", Param.Ltv], ["liquidationThreshold", Param.LiquidationThreshold], ["liquidationBonus", Param.LiquidationBonus], ["closeFactor", Param.CloseFactor]] as const) {
      await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, [field]: { ...DEFAULT_RULES[field], min: 0 } }))
        .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
        .withArgs(param);
    }
    for (const [field, param] of [["liquidationCap", Param.LiquidationCap], ["liquidationWindow", Param.LiquidationWindow]] as const) {
      await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, [field]: { ...DEFAULT_RULES[field], min: 0n } }))
        .to.be.revertedWithCustomError(system.updater, "InvalidBounds")
        .withArgs(param);
    }
    await expect(
      g.setAssetRules(asset, { ...DEFAULT_RULES, liquidationBonus: { ...DEFAULT_RULES.liquidationBonus, maxRiskReducingStep: 10 } }),
    )
      .to.be.revertedWithCustomError(system.updater, "RiskReducingStepTooSmall")
      .withArgs(Param.LiquidationBonus);
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, riskReducingCooldown: 4 * DAY }))
      .to.be.revertedWithCustomError(system.updater, "RiskReducingCooldownTooLong")
      .withArgs(4 * DAY, 3 * DAY);
    await expect(g.setAssetRules(asset, { ...DEFAULT_RULES, riskIncreasingCooldown: 91 * DAY }))
      .to.be.revertedWithCustomError(system.updater, "CooldownTooLong")
      .withArgs(91 * DAY, 90 * DAY);
    // Bounds that exclude the live values are refused: set the parameters first.
    const listed = system.assets[0]!.address;
    await expect(g.setAssetRules(listed, { ...DEFAULT_RULES, ltv: { ...DEFAULT_RULES.ltv, max: 8_000 } }))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(listed, Param.Ltv, 8_050, 5_000, 8_000);
    await expect(g.setAssetRules(asset, DEFAULT_RULES)).to.emit(system.updater, "AssetRulesSet");
    const stored = await system.updater.assetRules(asset);
    expect(stored.ltv.max).to.equal(BigInt(DEFAULT_RULES.ltv.max));
    expect(stored.liquidationCap.max).to.equal(DEFAULT_RULES.liquidationCap.max);
    expect(stored.riskIncreasingCooldown).to.equal(BigInt(DEFAULT_RULES.riskIncreasingCooldown));
  });

  it("governanceSetParams lists an asset and moves parameters beyond steps, but never outside bounds", async function () {
    const system = await loadFixture(deployed);
    const g = system.updater.connect(system.governance);
    const asset = ethers.Wallet.createRandom().address as `0x${string}`;
    await expect(g.governanceSetParams(asset, DEFAULT_PARAMS)).to.be.revertedWithCustomError(system.updater, "AssetNotConfigured");
    await g.setAssetRules(asset, DEFAULT_RULES);
    await expect(g.governanceSetParams(asset, DEFAULT_PARAMS)).to.emit(system.updater, "GovernanceParamsSet");
    expect(await system.registry.isListed(asset)).to.equal(true);
    const big = { ...DEFAULT_PARAMS, ltvBps: 7_000, liquidationThresholdBps: 7_500 };
    await expect(g.governanceSetParams(asset, big)).to.emit(system.updater, "GovernanceParamsSet");
    expect((await storedParams(system.registry, asset)).ltvBps).to.equal(7_000);
    await expect(g.governanceSetParams(asset, { ...big, ltvBps: 4_000 }))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, Param.Ltv, 4_000, 5_000, 8_500);
    // The amount fields too, below and above their bounds (a governance write checks every field).
    const capRule = DEFAULT_RULES.liquidationCap;
    const windowRule = DEFAULT_RULES.liquidationWindow;
    for (const cap of [capRule.min - 1n, capRule.max + 1n]) {
      await expect(g.governanceSetParams(asset, { ...big, liquidationCapPerWindow: cap }))
        .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
        .withArgs(asset, Param.LiquidationCap, cap, capRule.min, capRule.max);
    }
    for (const window of [windowRule.min - 1n, windowRule.max + 1n]) {
      await expect(g.governanceSetParams(asset, { ...big, liquidationWindow: window }))
        .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
        .withArgs(asset, Param.LiquidationWindow, window, windowRule.min, windowRule.max);
    }
    expect(await storedParams(system.registry, asset)).to.deep.equal(big);
  });

  it("guardianTighten applies tighter values at once and refuses any loosening", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const gd = system.updater.connect(system.guardian);
    const cases: [Partial<RiskParams>, number][] = [
      [{ ltvBps: DEFAULT_PARAMS.ltvBps + 1 }, Param.Ltv],
      [{ liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps + 1 }, Param.LiquidationThreshold],
      [{ liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps - 1 }, Param.LiquidationBonus],
      [{ closeFactorBps: DEFAULT_PARAMS.closeFactorBps - 1 }, Param.CloseFactor],
      [{ liquidationCapPerWindow: DEFAULT_PARAMS.liquidationCapPerWindow - 1n }, Param.LiquidationCap],
      [{ liquidationWindow: DEFAULT_PARAMS.liquidationWindow + 1 }, Param.LiquidationWindow],
    ];
    for (const [change, param] of cases) {
      await expect(gd.guardianTighten(asset, { ...DEFAULT_PARAMS, ...change }))
        .to.be.revertedWithCustomError(system.updater, "NotTightening")
        .withArgs(asset, param);
    }
    await expect(gd.guardianTighten(asset, DEFAULT_PARAMS)).to.be.revertedWithCustomError(system.updater, "NoChange");
    await expect(gd.guardianTighten(asset, { ...DEFAULT_PARAMS, ltvBps: 4_000 }))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, Param.Ltv, 4_000, 5_000, 8_500);
    const unlisted = ethers.Wallet.createRandom().address;
    await expect(gd.guardianTighten(unlisted, DEFAULT_PARAMS)).to.be.revertedWithCustomError(system.updater, "AssetNotListed");
    const tight = { ...DEFAULT_PARAMS, ltvBps: 7_000, liquidationBonusBps: 800, closeFactorBps: 10_000 };
    await expect(gd.guardianTighten(asset, tight)).to.emit(system.updater, "GuardianTightened");
    expect(await storedParams(system.registry, asset)).to.deep.equal(tight);
  });

  it("manages signers and the quorum so that the quorum stays reachable", async function () {
    const system = await loadFixture(deployed);
    const g = system.updater.connect(system.governance);
    const [a, b, c] = system.calibrators.map((w) => w.address);
    await expect(g.addSigner(ethers.ZeroAddress)).to.be.revertedWithCustomError(system.updater, "ZeroAddress");
    await expect(g.addSigner(a!)).to.be.revertedWithCustomError(system.updater, "SignerAlreadyRegistered").withArgs(a);
    const stranger = ethers.Wallet.createRandom().address;
    await expect(g.removeSigner(stranger)).to.be.revertedWithCustomError(system.updater, "SignerNotRegistered").withArgs(stranger);
    await expect(g.setQuorum(0)).to.be.revertedWithCustomError(system.updater, "InvalidQuorum").withArgs(0, 3);
    await expect(g.setQuorum(4)).to.be.revertedWithCustomError(system.updater, "InvalidQuorum").withArgs(4, 3);
    await expect(g.setQuorum(3)).to.emit(system.updater, "QuorumSet").withArgs(2, 3);
    await expect(g.removeSigner(b!)).to.be.revertedWithCustomError(system.updater, "InvalidQuorum").withArgs(3, 2);
    await g.setQuorum(2);
    await expect(g.removeSigner(a!)).to.emit(system.updater, "SignerRemoved").withArgs(a, 1, 2);
    expect(await system.updater.isSigner(a!)).to.equal(false);
    expect(await system.updater.signerAt(1)).to.equal(ethers.ZeroAddress);
    expect([...(await system.updater.signers())]).to.deep.equal([b, c]);
    // The freed index 1 goes to the next signer; the others keep theirs.
    const newcomer = ethers.Wallet.createRandom().address;
    await expect(g.addSigner(newcomer)).to.emit(system.updater, "SignerAdded").withArgs(newcomer, 1, 3);
    expect(await system.updater.signerIndex(c!)).to.equal(3n);
    expect([...(await system.updater.signers())]).to.deep.equal([newcomer, b, c]);
    await g.removeSigner(newcomer);
    for (let i = 0; i < 30; i++) await g.addSigner(ethers.Wallet.createRandom().address);
    await expect(g.addSigner(stranger)).to.be.revertedWithCustomError(system.updater, "TooManySigners").withArgs(32);
  });

  it("a removed signer's signature no longer counts", async function () {
    const system = await loadFixture(ready);
    const g = system.updater.connect(system.governance);
    await g.removeSigner(system.calibrators[2]!.address);
    const report = await buildReport(system.updater, system.assets[0]!.address, raise(DEFAULT_PARAMS));
    await expect(submit(system, report, [system.calibrators[0]!, system.calibrators[2]!]))
      .to.be.revertedWithCustomError(system.updater, "UnknownSigner")
      .withArgs(system.calibrators[2]!.address);
  });

  it("setMaxReportAge, pause and unpause validate their input", async function () {
    const system = await loadFixture(deployed);
    const g = system.updater.connect(system.governance);
    await expect(g.setMaxReportAge(0)).to.be.revertedWithCustomError(system.updater, "InvalidMaxReportAge").withArgs(0);
    await expect(g.setMaxReportAge(7 * DAY + 1)).to.be.revertedWithCustomError(system.updater, "InvalidMaxReportAge");
    await expect(g.setMaxReportAge(600)).to.emit(system.updater, "MaxReportAgeSet").withArgs(3_600, 600);
    expect(await system.updater.maxReportAge()).to.equal(600n);
    await expect(g.unpause()).to.be.revertedWithCustomError(system.updater, "PauseStateUnchanged").withArgs(false);
    await expect(system.updater.connect(system.guardian).pause()).to.emit(system.updater, "Paused");
    expect(await system.updater.paused()).to.equal(true);
    await expect(system.updater.connect(system.guardian).pause())
      .to.be.revertedWithCustomError(system.updater, "PauseStateUnchanged")
      .withArgs(true);
    await expect(g.unpause()).to.emit(system.updater, "Unpaused");
  });

  it("the constructor rejects a zero governance or oracle, a bad quorum and a bad max report age", async function () {
    const [deployer] = await ethers.getSigners();
    const oracle = await ethers.deployContract("PriceOracle", [deployer!.address, ethers.ZeroAddress, 0]);
    const factory = await ethers.getContractFactory("BoundedRiskUpdater");
    const signer = ethers.Wallet.createRandom().address;
    await expect(factory.deploy(ethers.ZeroAddress, ethers.ZeroAddress, oracle, [signer], 1, 3_600)).to.be.revertedWithCustomError(
      factory,
      "ZeroAddress",
    );
    await expect(factory.deploy(deployer!.address, ethers.ZeroAddress, ethers.ZeroAddress, [signer], 1, 3_600)).to.be.revertedWithCustomError(
      factory,
      "ZeroAddress",
    );
    await expect(factory.deploy(deployer!.address, ethers.ZeroAddress, oracle, [signer], 2, 3_600))
      .to.be.revertedWithCustomError(factory, "InvalidQuorum")
      .withArgs(2, 1);
    await expect(factory.deploy(deployer!.address, ethers.ZeroAddress, oracle, [signer], 1, 0)).to.be.revertedWithCustomError(
      factory,
      "InvalidMaxReportAge",
    );
  });

  it("packParams matches the TypeScript packing", async function () {
    const system = await loadFixture(deployed);
    const p = { ...DEFAULT_PARAMS, liquidationCapPerWindow: 2n ** 96n - 1n, liquidationWindow: 2 ** 32 - 1 };
    expect(await system.updater.packParams(p)).to.equal(packParams(p));
    expect(await system.registry.unpackParams(packParams(p))).to.deep.equal(Object.values(p).map(BigInt));
  });
});
