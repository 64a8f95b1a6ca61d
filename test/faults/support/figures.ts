import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'faults');

/**
 * Prints a scenario's figures as one JSON line and keeps them in
 * `test-artifacts/faults/<scenario>.json` (git-ignored), for whoever quotes the last run.
 */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, at: new Date().toISOString(), ...figures });
  console.log(line);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `${scenario}.json`), `${line}\n`);
}
