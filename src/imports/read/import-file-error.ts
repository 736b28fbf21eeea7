import { KithError } from '../../domain/errors.js';

/** The file as a whole cannot be read: the import stops before anything is written. */
export class ImportFileError extends KithError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unreadable_file', message, 422, details);
  }
}
