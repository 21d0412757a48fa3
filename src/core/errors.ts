// Coded errors: every error the API answers has a stable code, an HTTP status and, for bad
// input, the field. Unknown errors become 500 internal_error with no detail leaked.
export type ErrorCode =
  | 'validation_error'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'limit_exceeded'
  | 'unsupported_media_type'
  | 'blocked_address'
  | 'database_unavailable'
  | 'overloaded'
  | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  invalid_json: 400,
  blocked_address: 400,
  unauthorized: 401,
  // The key is valid but this needs a proof it cannot give (linking a Slack team by its id).
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  // A bound of the workspace (its webhooks) is reached: nothing was created; the message names it.
  limit_exceeded: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
  // The database is down or restarting: nothing was stored, the client should try again.
  database_unavailable: 503,
  // More events are waiting for the database than FORJINN_MAX_PENDING_EVENTS: nothing was stored.
  overloaded: 503,
};

export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field !== undefined ? { field: this.field } : {}),
        ...(this.details && this.details.length > 1 ? { details: this.details } : {}),
      },
    };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const invalid = (field: string, message: string) =>
  new ApiError('validation_error', `${field}: ${message}`, field, [{ field, message }]);
