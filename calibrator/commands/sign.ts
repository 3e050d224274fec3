/**
 * `bulwark sign --batch F --key-env VAR [--out DIR]`: co-sign a batch a keeper left for its quorum.
 * The batch file's digest is recomputed from its content before signing, so a tampered file is refused;
 * the signature file lands in DIR (default: the batch's directory) where the keeper gathers it.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { privateKeyToAccount } from "viem/accounts";
import { keyFromEnv } from "../keeper/config.js";
import { fromBatchFile, signBatchWith, writeSignatureFile } from "../keeper/signatures.js";

export function signCommand(): Command {
  return new Command("sign")
    .description("co-sign a keeper's batch file with a calibrator key (EIP-712), writing a signature file")
    .requiredOption("--batch <file>", "batch-<digest>.json written by the keeper")
    .requiredOption("--key-env <name>", "environment variable holding the calibrator's private key")
    .option("--out <dir>", "directory for the signature file (default: the batch's directory)")
    .option("--json", "machine-readable output")
    .action(async (options: { batch: string; keyEnv: string; out?: string; json?: boolean }) => {
      const { domain, reports, digest } = fromBatchFile(options.batch, JSON.parse(readFileSync(options.batch, "utf8")));
      const account = privateKeyToAccount(keyFromEnv(options.keyEnv));
      const signed = await signBatchWith(account, domain, reports);
      const file = writeSignatureFile(options.out ?? dirname(options.batch), digest, signed);
      if (options.json) console.log(JSON.stringify({ digest, signer: signed.signer, file }));
      else console.log(`signed batch ${digest} (${reports.length} reports, chain ${domain.chainId}) as ${signed.signer} -> ${file}`);
    });
}
