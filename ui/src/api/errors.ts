import type { AppErrorPayload, ErrorCode } from './types';

const CODES: readonly ErrorCode[] = ['not_found', 'invalid_input', 'import_failed', 'workspace', 'no_nps', 'needs_mapping', 'cancelled', 'internal'];

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (CODES as readonly string[]).includes(value);
}

/** A failed command. Wraps the `{ code, message }` the Rust side rejects with, or anything else that went wrong. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  /** Turns whatever an `invoke` rejected with into an AppError. */
  static from(reason: unknown): AppError {
    if (reason instanceof AppError) return reason;
    if (typeof reason === 'object' && reason !== null && 'message' in reason) {
      const { code, message } = reason as { code?: unknown; message?: unknown };
      const text = typeof message === 'string' && message.trim() !== '' ? message : 'Something went wrong.';
      if (reason instanceof Error) {
        return new AppError(isErrorCode(code) ? code : 'internal', text, { cause: reason });
      }
      return new AppError(isErrorCode(code) ? code : 'internal', text);
    }
    if (typeof reason === 'string' && reason.trim() !== '') return new AppError('internal', reason);
    return new AppError('internal', 'Something went wrong.', { cause: reason });
  }

  /** The wire shape, e.g. to compare with `Startup.error`. */
  toPayload(): AppErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** A short human title for an error code, for banners. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case 'not_found':
      return 'Not found';
    case 'invalid_input':
      return 'That file can’t be read';
    case 'import_failed':
      return 'Import failed';
    case 'workspace':
      return 'Workspace problem';
    case 'no_nps':
      return 'No recommend question';
    case 'needs_mapping':
      return 'Say how to read this export';
    case 'cancelled':
      return 'Import cancelled';
    case 'internal':
      return 'Something went wrong';
  }
}
