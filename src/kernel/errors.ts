/**
 * The one error registry. Services throw `AppError` with a stable code; the HTTP layer maps the
 * code to a status and renders `{ error: { code, message, source?, fields?, details? } }`.
 */

export const errorStatus = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  INVALID_STATE: 409,
  /** What was asked for existed but is no longer kept (e.g. a dataset version since dropped). */
  GONE: 410,
  /** A body of a type the route cannot read (e.g. a load that is neither CSV, NDJSON, XLSX nor a form). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_CODE: 422,
  RULE_VIOLATION: 422,
  /** A file refused as a whole (e.g. a catalog import with bad rows); `details` lists each problem. */
  IMPORT_REJECTED: 422,
  /** The sandbox (数据可用不可见): a query its column policies refuse, one that ran too long, an output holding identifiers. */
  policy_violation: 422,
  query_timeout: 422,
  output_contains_identifiers: 422,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface FieldError {
  /** JSON path of the offending field, e.g. `uscc` or `roles/0`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The article a refusal rests on, e.g. `000 第十四条`. */
  readonly source: string | undefined;
  readonly fields: FieldError[] | undefined;
  /** Structured data the client needs to act on the error, e.g. the bad rows of an import file. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { source?: string; fields?: FieldError[]; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.source = opts.source;
    this.fields = opts.fields;
    this.details = opts.details;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.source ? { source: this.source } : {}),
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

export const notFound = (what: string, id?: string) =>
  new AppError('NOT_FOUND', id ? `${what}不存在：${id}` : `${what}不存在`);

/** A 422 naming the field whose value failed a checksum or a format rule. */
export const invalidField = (field: string, message: string) =>
  new AppError('INVALID_CODE', `${field}：${message}`, { fields: [{ field, message }] });
