import { errorCatalogue, type ErrorCode } from '../../common/contract/errors';

/** Extra fields an error may carry (docs/api.md): which fields failed, why a password is weak, attempts left. */
export interface ErrorExtras {
  message?: string;
  fields?: Record<string, string>;
  reasons?: string[];
  attemptsLeft?: number;
  retryAfterSeconds?: number;
  [extra: string]: unknown;
}

/** Every refusal the API gives is one of these; the HTTP layer turns it into `{error: {code, message}}`. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly extras: ErrorExtras = {},
  ) {
    super(extras.message ?? errorCatalogue[code].message);
    this.name = 'ApiError';
    this.status = errorCatalogue[code].status;
  }

  toBody() {
    const { message: _message, ...rest } = this.extras;
    return { error: { code: this.code, message: this.message, ...rest } };
  }
}
