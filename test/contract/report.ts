export function summariseReport(_dir: string, ms: number): string {
  return `took ${Math.round(ms / 1000)} s`;
}
