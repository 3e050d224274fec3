/**
 * A small JSON-RPC fault-injection proxy for the keeper's end-to-end tests: it forwards requests to
 * the node and, when a rule matches, drops the connection, delays, answers HTTP 503, swallows a raw
 * transaction (answering its hash without forwarding: a transaction that never mines), or runs an
 * action against the chain before forwarding (a competing change between the keeper's read and send).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { keccak256 } from "viem";

export type Fault =
  | { kind: "drop" }
  | { kind: "delay"; ms: number }
  | { kind: "http503" }
  | { kind: "swallowTx" }
  | { kind: "before"; action: () => Promise<void> };

export interface FaultRule {
  /** JSON-RPC method(s) to fault, or "*". */
  method: string | readonly string[];
  /** How many matching requests to fault (then the rule is spent). */
  times: number;
  /** Skip this many matching requests first. */
  after?: number;
  fault: Fault;
}

interface RpcRequest {
  id: number | string;
  method: string;
  params?: unknown[];
}

export class RpcProxy {
  private server?: Server;
  private rules: (FaultRule & { seen: number; fired: number })[] = [];
  /** Faults injected, by kind. */
  readonly injected: Record<string, number> = {};
  readonly methods: Record<string, number> = {};
  /** Errors thrown by `before` actions (a test bug, reported rather than swallowed). */
  readonly actionErrors: string[] = [];
  url = "";

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, "127.0.0.1", ok));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  get totalInjected(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  private faultFor(method: string): Fault | undefined {
    for (const rule of this.rules) {
      const matches = rule.method === "*" || rule.method === method || (Array.isArray(rule.method) && rule.method.includes(method));
      if (!matches) continue;
      if (rule.fired >= rule.times) continue;
      rule.seen++;
      if (rule.seen <= (rule.after ?? 0)) continue;
      rule.fired++;
      this.injected[rule.fault.kind] = (this.injected[rule.fault.kind] ?? 0) + 1;
      return rule.fault;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    // viem batches only when asked to; the keeper's transport sends one request per call.
    const first = Array.isArray(parsed) ? parsed[0]! : parsed;
    this.methods[first.method] = (this.methods[first.method] ?? 0) + 1;
    const fault = Array.isArray(parsed) ? undefined : this.faultFor(first.method);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "http503") {
      res.writeHead(503, { "content-type": "text/plain" }).end("upstream unavailable");
      return;
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === "before") {
      try {
        await fault.action();
      } catch (error) {
        this.actionErrors.push((error as Error).message.split("\n")[0]!);
      }
    }
    if (fault?.kind === "swallowTx") {
      const raw = (first.params?.[0] ?? "0x") as `0x${string}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: first.id, result: keccak256(raw) }));
      return;
    }
    try {
      const upstream = await fetch(this.upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await upstream.text();
      if (!res.destroyed) res.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
    } catch (error) {
      if (!res.destroyed) res.writeHead(502).end((error as Error).message);
    }
  }
}
