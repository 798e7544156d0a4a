// What a caught value says, whatever was thrown: an Error's message, else the value as text. A catch
// block that reads `.message` of a thrown `undefined` would itself throw, and so would one that turns a
// value into text that refuses to be (an object without a prototype, a throwing toString): this never
// throws, so a loop that must not end can log whatever it caught.
export function errorMessage(err: unknown): string {
  try {
    if (isError(err)) return String(err.message);
    if (typeof err === 'string') return err;
    try {
      return JSON.stringify(err) ?? String(err);
    } catch {
      return String(err);
    }
  } catch {
    return Object.prototype.toString.call(err);
  }
}

/** An Error of this realm or of another one (a vm context, as under jest), whose prototype chain differs. */
function isError(err: unknown): err is Error {
  return err instanceof Error || Object.prototype.toString.call(err) === '[object Error]';
}
