/** Why a data source could not be used; `file` names the file or URL at fault when there is one. */
export type DataErrorReason =
  | 'not-found' // no source had the data
  | 'corrupt' // wrong magic number, size, checksum or archive structure
  | 'network' // the server could not be reached
  | 'http' // the server answered with an error status
  | 'truncated' // the transfer ended before the declared length
  | 'checksum' // the bytes do not match the published checksum
  | 'bad-option'; // an option or spec the loader cannot honour

/** A data-loading failure with a message saying what was wrong, what was expected and how to fix it. */
export class DataError extends Error {
  constructor(
    message: string,
    /** Machine-readable category of the failure. */
    readonly reason: DataErrorReason,
    /** The file or URL at fault, when there is one. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataError';
  }
}
