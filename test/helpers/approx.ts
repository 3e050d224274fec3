/**
 * Approximate equality for plain numbers. Hardhat's ethers chai matchers replace chai's `closeTo`
 * with a bigint-aware version that rejects non-integers, so numeric tests use this instead.
 */
import { expect } from "chai";

export function expectClose(actual: number | undefined, expected: number, tolerance: number, message?: string): void {
  expect(actual, message).to.be.a("number");
  const diff = Math.abs((actual as number) - expected);
  expect(diff <= tolerance, `${message ? `${message}: ` : ""}expected ${actual} to be within ${tolerance} of ${expected} (off by ${diff})`).to.equal(true);
}
