// What a caught value says, whatever was thrown: an Error's message, else the value as text. A catch
// block that reads `.message` of a thrown `undefined` would itself throw.
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
