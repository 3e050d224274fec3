/** Reads deployments/<chainId>.json (written by scripts/deploy.ts): the addresses operators act on. */
import { z } from "zod";
import { loadJsonFile } from "../data/jsonFile.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((a) => a as `0x${string}`);
const schema = z.object({
  chainId: z.number().int().positive(),
  fromBlock: z.number().int().nonnegative(),
  timelock: address,
  oracle: address,
  updater: address,
  engine: address,
  debtAsset: address,
  assets: z.array(z.object({ symbol: z.string(), token: address, feed: address, decimals: z.number().int(), mock: z.boolean() })),
});
export type Deployment = z.infer<typeof schema>;

export function loadDeployment(file: string): Deployment {
  return loadJsonFile(schema, file);
}
