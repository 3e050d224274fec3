/**
 * The contracts' custom-error names as TypeScript types, derived from the generated ABI
 * (calibrator/abi/contracts.ts, `npm run abi`): a rule copy that names an error the contract does not
 * have, or one the contract renamed, fails the type check instead of a differential test at run time.
 */
import type { boundedRiskUpdaterAbi, marginEngineAbi } from "../abi/contracts.js";

/** The names of the `error` entries of an ABI. */
export type ErrorNameOf<Abi extends readonly { type: string }[]> = Extract<Abi[number], { type: "error"; name: string }>["name"];

/** BoundedRiskUpdater's errors (it includes the registry's). */
export type UpdaterErrorName = ErrorNameOf<typeof boundedRiskUpdaterAbi>;
/** MarginEngine's errors. */
export type EngineErrorName = ErrorNameOf<typeof marginEngineAbi>;
