/**
 * Gas of MarginEngine operations, from transaction receipts on the in-process network. Each scenario
 * deploys afresh, lets an hour pass (so interest accrues and every pool word is written, as in
 * production) and refreshes the feeds before the measured transaction.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { ContractTransactionResponse } from "ethers";
import { deployEngine, type EngineSystem, ENGINE_ASSETS, fund, heartbeat, units } from "../test/fixtures/engine.js";
import type { AssetSpec, FixtureConnection } from "../test/fixtures/system.js";

export interface GasFigure {
  name: string;
  value: number;
  unit: "gas";
  target?: number;
}

const USDC = 6;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

export async function engineGasFigures(connection: FixtureConnection, helpers: NetworkHelpers): Promise<GasFigure[]> {
  const { ethers } = connection;
  const signers = await ethers.getSigners();
  const [lender, alice, bob, liquidator] = signers.slice(5, 9) as HardhatEthersSigner[];

  async function setup(assets: readonly AssetSpec[] = ENGINE_ASSETS): Promise<EngineSystem> {
    const s = await deployEngine(connection, { assets });
    await fund(s.usdc, s.engine, lender!, units(10_000_000, USDC));
    await s.engine.connect(lender!).deposit(units(10_000_000, USDC), lender!.address);
    return s;
  }
  async function pass(s: EngineSystem, seconds = 3_600): Promise<void> {
    await helpers.time.increase(seconds);
    await heartbeat(s);
  }
  async function deposit(s: EngineSystem, who: HardhatEthersSigner, index: number, amount: bigint): Promise<void> {
    const a = s.assets[index]!;
    await fund(a.token, s.engine, who, amount);
    await s.engine.connect(who).depositCollateral(a.address, amount, who.address);
  }

  const figures: GasFigure[] = [];

  // Collateral deposit: a new account's first (header and balance words created) and a top-up.
  {
    const s = await setup();
    await fund(s.assets[0]!.token, s.engine, alice!, units(20, 18));
    await pass(s);
    const first = await gasOf(s.engine.connect(alice!).depositCollateral(s.assets[0]!.address, units(10, 18), alice!.address));
    await pass(s);
    const topUp = await gasOf(s.engine.connect(alice!).depositCollateral(s.assets[0]!.address, units(10, 18), alice!.address));
    figures.push({ name: "engine.deposit", value: first, unit: "gas" });
    figures.push({ name: "engine.deposit.topUp", value: topUp, unit: "gas" });
    await fund(s.usdc, s.engine, bob!, units(1_000, USDC));
    figures.push({
      name: "engine.deposit.lender (ERC-4626)",
      value: await gasOf(s.engine.connect(bob!).deposit(units(1_000, USDC), bob!.address)),
      unit: "gas",
    });
  }

  // Borrow against 3 collaterals: the account's first borrow, a second one an hour later (interest
  // accrues), and one paid to an address that never held USDC (the token then creates a balance slot:
  // about 17,100 gas of the ERC-20's own storage, not the engine's).
  {
    const s = await setup();
    await deposit(s, alice!, 0, units(10, 18));
    await deposit(s, alice!, 1, units("0.5", 8));
    await deposit(s, alice!, 3, units(10_000, 6));
    await s.usdc.mint(alice!.address, 1n);
    await pass(s);
    const first = await gasOf(s.engine.connect(alice!).borrow(units(20_000, USDC), alice!.address));
    await pass(s);
    const second = await gasOf(s.engine.connect(alice!).borrow(units(1_000, USDC), alice!.address));
    await pass(s);
    const fresh = ethers.Wallet.createRandom().address;
    const toFresh = await gasOf(s.engine.connect(alice!).borrow(units(1_000, USDC), fresh));
    figures.push({ name: "engine.borrow", value: first, unit: "gas", target: 120_000 });
    figures.push({ name: "engine.borrow.again", value: second, unit: "gas" });
    figures.push({ name: "engine.borrow.toFreshAddress", value: toFresh, unit: "gas" });
    await pass(s);
    await fund(s.usdc, s.engine, alice!, units(5_000, USDC));
    figures.push({
      name: "engine.repay",
      value: await gasOf(s.engine.connect(alice!).repay(units(5_000, USDC), alice!.address)),
      unit: "gas",
    });
  }

  // Liquidations of a one-collateral position; the liquidator already holds some of the collateral.
  async function liquidation(price8: bigint, maxRepay: bigint): Promise<number> {
    const s = await setup();
    await deposit(s, alice!, 0, units(10, 18));
    await s.engine.connect(alice!).borrow(units(16_000, USDC), alice!.address);
    await fund(s.usdc, s.engine, liquidator!, units(40_000, USDC));
    await s.assets[0]!.token.mint(liquidator!.address, 1n);
    await pass(s);
    await s.assets[0]!.feed.updateAnswer(price8);
    return gasOf(s.engine.connect(liquidator!).liquidate(alice!.address, s.assets[0]!.address, maxRepay, 0n));
  }
  figures.push({
    name: "engine.liquidate.partial",
    value: await liquidation(1_900n * 10n ** 8n, units(8_000, USDC)),
    unit: "gas",
    target: 125_000,
  });
  figures.push({ name: "engine.liquidate.full", value: await liquidation(1_800n * 10n ** 8n, 2n ** 255n), unit: "gas" });

  // Health factor of a 5-collateral account, read by a consumer contract: cold, then warm.
  {
    const five: AssetSpec[] = [...ENGINE_ASSETS, { symbol: "UNI", decimals: 18, price8: 8n * 10n ** 8n }];
    const s = await setup(five);
    for (const [i, amount] of [
      [0, units(1, 18)],
      [1, units("0.1", 8)],
      [2, units(100, 18)],
      [3, units(1_000, 6)],
      [4, units(100, 18)],
    ] as const) {
      await deposit(s, alice!, i, amount);
    }
    await s.engine.connect(alice!).borrow(units(5_000, USDC), alice!.address);
    await pass(s);
    const probe = await ethers.deployContract("GasProbe");
    await (await probe.measureHealthFactor(await s.engine.getAddress(), alice!.address)).wait();
    figures.push({ name: "engine.healthFactor.5collaterals", value: Number(await probe.lastGas()), unit: "gas", target: 100_000 });
    figures.push({ name: "engine.healthFactor.5collaterals.warm", value: Number(await probe.lastWarmGas()), unit: "gas", target: 40_000 });
  }
  return figures;
}
