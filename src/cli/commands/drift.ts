/**
 * `quantlab drift reports`: stored drift reports, through `lab.drift.reports`.
 *
 * @module
 */
import type { Command } from 'commander';
import type { DriftReport, DriftReportFilter, DriftReportPage } from '../../drift/types.js';
import { CliError, EXIT } from '../errors.js';
import { formatTable } from '../output.js';
import { type CliContext, withCommonOptions, withLab } from '../session.js';
import { parseInstant, parseLimit, parseText } from '../values.js';
import { nextPageHint } from './pages.js';

interface ReportsOptions {
  model?: string;
  version?: string;
  drifted?: boolean;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
}

/**
 * Adds the `drift` command group to the program.
 *
 * @example
 * ```ts
 * registerDriftCommands(program, context);
 * ```
 */
export function registerDriftCommands(program: Command, context: CliContext): void {
  const group = program.command('drift').description('drift detection: reports');

  withCommonOptions(group.command('reports'))
    .description('stored drift reports, newest first')
    .option('--model <name>', 'only this model', parseText)
    .option('--version <version>', 'only this version of --model', parseText)
    .option('--drifted', 'only reports that found drift')
    .option('--from <time>', 'created at or after (ISO 8601)', parseInstant)
    .option('--to <time>', 'created before (ISO 8601)', parseInstant)
    .option('--limit <n>', 'page size, 1 to 1000 (default 100)', parseLimit)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: ReportsOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        print(await lab.drift.reports(reportFilter(options)), renderReports);
      }),
    );
}

function reportFilter(options: ReportsOptions): DriftReportFilter {
  if (options.version !== undefined && options.model === undefined) {
    throw new CliError(EXIT.usage, '--version needs --model: name the model it is a version of');
  }
  return {
    ...(options.model !== undefined && {
      model: {
        name: options.model,
        ...(options.version !== undefined && { version: options.version }),
      },
    }),
    ...(options.drifted === true && { driftedOnly: true }),
    ...(options.from !== undefined && { from: options.from }),
    ...(options.to !== undefined && { to: options.to }),
    ...(options.limit !== undefined && { limit: options.limit }),
    ...(options.cursor !== undefined && { cursor: options.cursor }),
  };
}

function renderReports(page: DriftReportPage): string {
  if (page.reports.length === 0) return 'No drift reports found.\n';
  return (
    formatTable(page.reports, [
      { header: 'ID', value: (r) => r.id },
      { header: 'MODEL', value: (r) => `${r.model.name}@${r.model.version}` },
      { header: 'CREATED', value: (r) => r.createdAt },
      { header: 'DRIFTED', value: (r) => r.drifted },
      { header: 'DATA', value: dataSummary },
      { header: 'PERFORMANCE', value: performanceSummary },
      { header: 'CONCEPT', value: conceptSummary },
    ]) + nextPageHint(page.nextCursor)
  );
}

function dataSummary(report: DriftReport): string | null {
  const data = report.data;
  if (data === null) return null;
  const drifted = data.features.filter((f) => f.drifted).map((f) => f.feature);
  const count = `${data.driftedCount}/${data.checkedCount} features`;
  return drifted.length === 0 ? count : `${count} (${drifted.join(', ')})`;
}

function performanceSummary(report: DriftReport): string | null {
  const performance = report.performance;
  if (performance === null) return null;
  const drifted = performance.metrics.filter((m) => m.drifted).map((m) => m.metric);
  const count = `${performance.driftedCount}/${performance.metrics.length} metrics`;
  return drifted.length === 0 ? count : `${count} (${drifted.join(', ')})`;
}

function conceptSummary(report: DriftReport): string | null {
  const concept = report.concept;
  if (concept === null) return null;
  const verdict = concept.drift ? 'drift' : concept.warning ? 'warning' : 'none';
  return `${verdict} (${concept.detector})`;
}
