/**
 * Starts a separate anvil process (npm package @foundry-rs/anvil) on 127.0.0.1 and a free port, waits
 * until it answers JSON-RPC, and stops it (SIGTERM, then SIGKILL) afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface AnvilNode {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail).listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

function anvilBinary(): string {
  // The platform package holds the binary; the .bin launcher is a Node wrapper around it.
  const direct = join("node_modules", "@foundry-rs", `anvil-linux-${process.arch === "x64" ? "amd64" : process.arch}`, "bin", "anvil");
  return existsSync(direct) ? direct : join("node_modules", ".bin", "anvil");
}

export async function startAnvil(extraArgs: readonly string[] = []): Promise<AnvilNode> {
  const port = await freePort();
  // Under `npm run coverage` the instrumented bytecode exceeds the EIP-170/3860 size limits, which anvil
  // enforces; the plain test run keeps them.
  const coverage = process.env.BULWARK_COVERAGE === "1" ? ["--disable-code-size-limit"] : [];
  const child = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", ...coverage, ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d.toString()));
  child.stderr!.on("data", (d) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${output.slice(-500)}`);
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${url} within 15 s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
