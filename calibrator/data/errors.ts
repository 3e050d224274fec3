/** Input-data errors: every message names the file, the row (1-based line in the file) and the field. */
export class DataError extends Error {
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
