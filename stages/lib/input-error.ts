// The library does not depend on the stage API, so it marks user input problems the way the stage
// runner recognises them (the API's StageInputError carries the same mark): such a stage failure
// is reported by its message alone, without a stack trace.
export class InputError extends Error {
  override name = 'InputError';
  readonly stageInputError = true;
}
