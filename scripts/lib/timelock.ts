/**
 * Governance through OpenZeppelin's TimelockController: schedule a batch of calls, wait out the
 * delay (time travel on a local chain), execute. Used by the demo and the tests.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type BaseContract, ZeroHash, id } from "ethers";
import type { TimelockController } from "../../types/ethers-contracts/index.js";

export interface TimelockCall {
  target: BaseContract;
  method: string;
  args: readonly unknown[];
}

async function encode(calls: readonly TimelockCall[]) {
  const targets: string[] = [];
  const payloads: string[] = [];
  for (const c of calls) {
    targets.push(await c.target.getAddress());
    payloads.push(c.target.interface.encodeFunctionData(c.method, c.args));
  }
  return { targets, values: calls.map(() => 0n), payloads };
}

/** Schedules `calls` as one batch; returns the salt to execute it with. */
export async function scheduleBatch(
  timelock: TimelockController,
  proposer: HardhatEthersSigner,
  calls: readonly TimelockCall[],
  label: string,
): Promise<string> {
  const { targets, values, payloads } = await encode(calls);
  const salt = id(label);
  const delay = await timelock.getMinDelay();
  await (await timelock.connect(proposer).scheduleBatch(targets, values, payloads, ZeroHash, salt, delay)).wait();
  return salt;
}

export async function executeBatch(
  timelock: TimelockController,
  executor: HardhatEthersSigner,
  calls: readonly TimelockCall[],
  salt: string,
) {
  const { targets, values, payloads } = await encode(calls);
  return timelock.connect(executor).executeBatch(targets, values, payloads, ZeroHash, salt);
}

/** Schedule, advance the chain past the delay with `increaseTime`, execute. Local chains only. */
export async function governViaTimelock(
  timelock: TimelockController,
  proposer: HardhatEthersSigner,
  calls: readonly TimelockCall[],
  label: string,
  increaseTime: (seconds: number) => Promise<unknown>,
): Promise<void> {
  const salt = await scheduleBatch(timelock, proposer, calls, label);
  await increaseTime(Number(await timelock.getMinDelay()));
  await (await executeBatch(timelock, proposer, calls, salt)).wait();
}
