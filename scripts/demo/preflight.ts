// What the demo needs from this machine beyond Node and Go, checked before anything starts, so a missing
// package is one clear message instead of a failure minutes later.
import { nginxBinary, njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';

export function checkMachine(): void {
  nginxBinary();
  njsModulesDirectory();
}
