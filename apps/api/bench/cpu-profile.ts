import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = '(idle)';

/** Where a script belongs: an npm package, a workspace package, the app, or Node itself. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1] === 'apps' ? 'apps' : 'packages'}/${workspace[2] ?? ''}`;
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const workspace = /\/((?:packages|apps)\/.*)$/.exec(url);
  return workspace?.[1] ?? url;
}

/**
 * Self time of a profile by area (package) and by function, and the time each area is on the
 * stack, busy time only (idle excluded),
 * with the CPU milliseconds per request when the number of requests served is given.
 */
export function summariseCpuProfile(file: string, requests: number, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const areas = new Map<string, number>();
  /** Time with the area anywhere on the stack (itself and what it calls). */
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === IDLE) continue;
    busy += us;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${String(frame.lineNumber + 1)}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const caller = byId.get(at)?.callFrame;
      if (caller?.url) onStack.add(areaOf(caller.url, caller.functionName));
    }
    for (const area of onStack) inclusive.set(area, (inclusive.get(area) ?? 0) + us);
  }
  const share = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const sorted = (map: Map<string, number>): [string, number][] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    `  busy ${(busy / 1000).toFixed(0)} ms` +
      (requests > 0 ? `, ${(busy / 1000 / requests).toFixed(3)} ms of CPU per request` : ''),
    '  self time by area:',
    ...sorted(areas).map(([area, us]) => `    ${share(us)}  ${area}`),
    '  time with the area on the stack (itself and its callees):',
    ...sorted(inclusive).map(([area, us]) => `    ${share(us)}  ${area}`),
    '  self time by function:',
    ...sorted(functions).map(([name, us]) => `    ${share(us)}  ${name}`),
  ];
  return lines.join('\n');
}
