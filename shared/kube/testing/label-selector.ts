// Equality- and set-based label selector matching, as the API server applies it (`a=b`, `a!=b`, `a`,
// `!a`, `a in (x,y)`, `a notin (x)`), for the in-memory API.

type Requirement = (labels: Record<string, string>) => boolean;

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

function parseTerm(term: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (l) => l[key] !== undefined && values.has(l[key])
      : (l) => l[key] === undefined || !values.has(l[key]);
  }
  const inequality = /^([^!=]+)!=(.*)$/.exec(term);
  if (inequality) {
    const [, key = '', value = ''] = inequality;
    return (l) => l[key.trim()] !== value.trim();
  }
  const equality = /^([^!=]+)==?(.*)$/.exec(term);
  if (equality) {
    const [, key = '', value = ''] = equality;
    return (l) => l[key.trim()] === value.trim();
  }
  if (term.startsWith('!')) return (l) => l[term.slice(1).trim()] === undefined;
  return (l) => l[term] !== undefined;
}

export function labelSelectorMatcher(
  selector: string | undefined,
): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseTerm);
  return (labels) => requirements.every((r) => r(labels));
}
