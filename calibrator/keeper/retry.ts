/**
 * Retries with capped exponential backoff and full jitter (delay uniform in [0, min(max, base·2^i)]),
 * so keepers that fail together do not retry together. Only errors the caller calls transient are
 * retried; a revert or a validation error fails at once.
 */
import { ContractFunctionRevertedError, HttpRequestError, RpcRequestError, TimeoutError, BaseError } from "viem";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Transport-level failures: timeouts, dropped connections, HTTP 5xx and 429, JSON-RPC internal errors. */
export function isTransientRpcError(error: unknown): boolean {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof ContractFunctionRevertedError)) return false;
    const transient = error.walk(
      (e) =>
        e instanceof TimeoutError ||
        (e instanceof HttpRequestError && (e.status === undefined || e.status >= 500 || e.status === 429)) ||
        (e instanceof RpcRequestError && (e.code === -32603 || e.code === -32000 && /timeout|busy|unavailable/i.test(e.message))),
    );
    return transient !== null;
  }
  const code = (error as { code?: string }).code;
  return code === "ECONNRESET" || code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "UND_ERR_SOCKET";
}

export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (info: { what: string; attempt: number; delayMs: number; error: unknown }) => void = () => {},
  isTransient: (error: unknown) => boolean = isTransientRpcError,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      const delayMs = Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      onRetry({ what, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
