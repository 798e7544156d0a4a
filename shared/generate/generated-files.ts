// The files `npm run generate` owns: each CRD, in crds/ and in the chart's crds/ (Helm installs those).
import { stringify } from 'yaml';
import { renderCRD } from '../api/crd.ts';
import { API_KINDS, crdName } from '../api/kinds.ts';

const CRD_DIRECTORIES = ['crds', 'charts/ai-gateway-operator/crds'] as const;

const HEADER = '# Generated from shared/api by `npm run generate`. Do not edit.\n';

function renderCRDYAML(crd: object): string {
  return HEADER + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Relative path -> content of every generated file. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of API_KINDS) {
    const content = renderCRDYAML(renderCRD(kind));
    for (const dir of CRD_DIRECTORIES) files.set(`${dir}/${crdName(kind)}.yaml`, content);
  }
  return files;
}
