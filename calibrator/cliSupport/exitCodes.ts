/**
 * The CLI's exit codes and the one line it prints for an error (README, "Exit codes"); no stack trace
 * reaches a user unless BULWARK_DEBUG=1:
 * - 2: bad input or config (the user fixes it: a file, a field, an option);
 * - 3: a network the command needs cannot be reached (the keeper's RPC);
 * - 1: an internal error (a bug: report it).
 */
import { CommanderError } from "commander";
import { InputError } from "../data/errors.js";

export const EXIT_BAD_INPUT = 2;
export const EXIT_UNREACHABLE = 3;
export const EXIT_INTERNAL = 1;

export interface ExitReport {
  code: number;
  /** The line to print on stderr; empty when commander has already printed its own. */
  message: string;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const FILE_CODES = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM"]);

interface ErrorLink {
  name?: unknown;
  code?: unknown;
  data?: { errorName?: unknown; args?: unknown };
  cause?: unknown;
}

/** The error and its causes, outermost first (viem and undici wrap the socket error or the revert). */
function causeChain(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  for (let e = error as ErrorLink | undefined; e && typeof e === "object" && chain.length < 8; e = e.cause as ErrorLink | undefined) chain.push(e);
  return chain;
}

/** The error's own code or that of its cause chain. */
function codes(error: unknown): string[] {
  return causeChain(error).flatMap((e) => (typeof e.code === "string" ? [e.code] : []));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim();
}

/**
 * A contract revert's decoded custom error (viem puts it on a cause as `data.errorName`), or the
 * revert's short message; undefined when the error is not a revert. A revert is the chain refusing
 * the request as made (too early, not allowed), which the user fixes: not an internal error.
 */
function revertReason(error: unknown): string | undefined {
  let isRevert = false;
  for (const e of causeChain(error)) {
    if (typeof e.name === "string" && /^(ContractFunctionRevertedError|ContractFunctionExecutionError|CallExecutionError|EstimateGasExecutionError|ExecutionRevertedError)$/.test(e.name)) isRevert = true;
    if (isRevert && typeof e.data?.errorName === "string") {
      const args = Array.isArray(e.data.args) ? e.data.args.map((a) => String(a)).join(", ") : "";
      return `${e.data.errorName}(${args})`;
    }
  }
  if (!isRevert) return undefined;
  const named = /([A-Z][A-Za-z0-9]+)\([^)]*\)/.exec(error instanceof Error ? error.message : "");
  return named ? named[0] : firstLine(error);
}

export function exitReport(error: unknown): ExitReport {
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : EXIT_BAD_INPUT, message: "" };
  if (error instanceof InputError || error instanceof RangeError) return { code: EXIT_BAD_INPUT, message: firstLine(error) };
  const name = error instanceof Error ? error.name : "";
  const found = codes(error);
  if (found.some((c) => NETWORK_CODES.has(c)) || /^(HttpRequestError|TimeoutError|SocketClosedError|WebSocketRequestError)$/.test(name) || /fetch failed/.test(firstLine(error))) {
    return { code: EXIT_UNREACHABLE, message: `network unreachable: ${firstLine(error)}` };
  }
  const revert = revertReason(error);
  if (revert !== undefined) return { code: EXIT_BAD_INPUT, message: `the chain refused it: ${revert}` };
  if (found.some((c) => FILE_CODES.has(c))) {
    const e = error as NodeJS.ErrnoException;
    return { code: EXIT_BAD_INPUT, message: `cannot read ${e.path ?? "a file"}: ${e.code}` };
  }
  return { code: EXIT_INTERNAL, message: `internal error: ${firstLine(error)} (run with BULWARK_DEBUG=1 for the stack, and report it)` };
}

/** Prints `<program>: <message>` (and the stack with BULWARK_DEBUG=1) and exits with the error's code. */
export function exitWith(program: string, error: unknown): never {
  const { code, message } = exitReport(error);
  if (message) console.error(`${program}: ${message}`);
  if (process.env.BULWARK_DEBUG === "1" && error instanceof Error) console.error(error.stack);
  process.exit(code);
}

/** Routes errors that escape every handler (a rejected promise, an exception in a callback) through exitWith. */
export function exitOnUncaught(program: string): void {
  process.on("unhandledRejection", (error) => exitWith(program, error));
  process.on("uncaughtException", (error) => exitWith(program, error));
}
