/**
 * The headless Chromium the browser tests drive: Debian's /usr/bin/chromium when the machine has it,
 * otherwise the Chromium binary shipped inside the npm package @sparticuz/chromium (unpacked into the
 * temp folder on first use), so `npm test` needs nothing beyond the npm registry.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";
/** Flags for a sandbox without a network: no background connections, no GPU, no first-run work. */
const QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Which Chromium a launch uses, and where it is. */
export async function chromiumExecutable(): Promise<{ source: "debian" | "npm"; path: string; args: string[] }> {
  if (existsSync(DEBIAN_CHROMIUM) && !process.env.BULWARK_NPM_CHROMIUM) return { source: "debian", path: DEBIAN_CHROMIUM, args: QUIET_FLAGS };
  const { default: packaged } = await import("@sparticuz/chromium");
  return { source: "npm", path: await packaged.executablePath(), args: [...packaged.args, ...QUIET_FLAGS] };
}

export async function launchChromium(): Promise<Browser> {
  const { path, args } = await chromiumExecutable();
  return chromium.launch({ executablePath: path, args: [...new Set(args)], headless: true });
}
