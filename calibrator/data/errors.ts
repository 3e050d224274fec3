/** An error the user fixes (a missing key, a file for another chain, a tampered batch): the CLI prints it without a stack. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Input-data errors: every message names the file, the row (1-based line in the file) and the field. */
export class DataError extends InputError {
  constructor(
    readonly file: string,
    readonly row: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${row !== undefined ? `:${row}` : ""}${field !== undefined ? ` [${field}]` : ""}: ${reason}`);
    this.name = "DataError";
  }
}

/**
 * Data that parses cleanly but cannot be a market (a 1000× print, a frozen feed, a time in the future):
 * the plausibility layer's refusal. Its own class so the keeper can count it apart from malformed files.
 */
export class ImplausibleDataError extends DataError {
  constructor(file: string, row: number | undefined, field: string | undefined, reason: string) {
    super(file, row, field, reason);
    this.name = "ImplausibleDataError";
  }
}
